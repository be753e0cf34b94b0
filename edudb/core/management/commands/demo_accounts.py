"""Print the named demo accounts with their TOTP secrets and current codes (or the Markdown for the docs)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from edudb.core.demo.accounts import render_markdown, render_text, rows_from_db


class Command(BaseCommand):
    help = (
        "In danh sách tài khoản dùng thử, khóa và mã xác thực hai bước hiện tại "
        "(print the demo accounts with their TOTP secrets and current codes)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--markdown",
            action="store_true",
            help="In dạng Markdown cho docs/demo-accounts.md (print the Markdown page instead).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = rows_from_db()
        self.stdout.write(render_markdown(rows) if options["markdown"] and rows else render_text(rows), ending="")
