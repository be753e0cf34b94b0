"""Verify every submitted snapshot: its data still hashes to its checksum, and that checksum is the one the
audit trail recorded when it was submitted (so rewriting data and checksum together, past the database's guard,
is caught by the hash-chained trail). Exits non-zero on any mismatch."""

from __future__ import annotations

import hashlib
import zlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from edudb.core.models import AuditEntry
from edudb.reporting.models import Snapshot


class Command(BaseCommand):
    help = (
        "Kiểm tra tính toàn vẹn của dữ liệu đã chốt: mã kiểm tra SHA-256 và nhật ký hệ thống "
        "(verify submitted snapshots against their checksums and the audit trail)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        recorded = {
            entry.object_id: entry.extra.get("checksum")
            for entry in AuditEntry.objects.filter(action="reporting.submit").only("object_id", "extra").iterator()
        }
        problems: list[str] = []
        total = 0
        rows = Snapshot.objects.order_by("pk").values_list("pk", "unit_name", "data", "checksum")
        for pk, unit_name, data, checksum in rows.iterator(chunk_size=200):
            total += 1
            actual = hashlib.sha256(zlib.decompress(bytes(data))).hexdigest()
            if actual != checksum:
                problems.append(f"Phiên bản #{pk} ({unit_name}): dữ liệu không khớp mã kiểm tra (data changed)")
            elif recorded.get(str(pk)) != checksum:
                problems.append(
                    f"Phiên bản #{pk} ({unit_name}): mã kiểm tra khác với nhật ký lúc chốt (checksum not the audited one)"
                )
        for line in problems[:50]:
            self.stderr.write(line)
        if problems:
            raise CommandError(
                f"Dữ liệu đã chốt không toàn vẹn: {len(problems)} lỗi trên {total} phiên bản (snapshots tampered with)."
            )
        self.stdout.write(self.style.SUCCESS(f"Dữ liệu đã chốt toàn vẹn: {total} phiên bản (snapshots intact)."))
