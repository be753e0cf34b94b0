"""Queue periodic background tasks when they are due (runs beside the database worker)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from edudb.core.schedule import enqueue_due


class Command(BaseCommand):
    help = "Đưa các tác vụ định kỳ vào hàng đợi khi đến hạn (queue periodic tasks when due)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for name in enqueue_due():
                self.stdout.write(f"queued {name}")
            if options["once"]:
                return
            time.sleep(options["interval"])
