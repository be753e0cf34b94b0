"""Verify the hash chain of the audit trail; exits non-zero when any entry was changed or removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from edudb.core.audit import verify_chain
from edudb.core.models import AuditEntry


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn của nhật ký hệ thống (verify the audit trail's hash chain)."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        total = AuditEntry.objects.count()
        if problems:
            for problem in problems[:50]:
                label = (
                    "bị sửa (changed)"
                    if problem.problem == "changed"
                    else "mất mục liền trước (entry before it removed)"
                )
                self.stderr.write(f"Mục #{problem.entry_id}: {label}")
            raise CommandError(f"Nhật ký không toàn vẹn: {len(problems)} lỗi trên {total} mục (audit chain broken).")
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {total} mục (audit chain intact)."))
