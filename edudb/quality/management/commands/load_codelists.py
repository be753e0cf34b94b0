"""Bring the code lists in the database up to the official data shipped with the system."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from edudb.core import audit
from edudb.quality.codelists_sync import sync_code_lists
from edudb.quality.models import CodeItem, CodeList


class Command(BaseCommand):
    help = "Cập nhật các danh mục theo dữ liệu chính thức (update the code lists to the official data)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            created, updated = sync_code_lists(CodeList, CodeItem)
            audit.record("codelists.sync", by=None, username="system", extra={"created": created, "updated": updated})
        self.stdout.write(self.style.SUCCESS(f"Danh mục: {created} mục mới, {updated} mục cập nhật."))
