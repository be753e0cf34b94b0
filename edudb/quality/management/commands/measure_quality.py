"""Measure data quality now (what the worker does nightly): the Sở's first run after a bulk load, or one branch."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edudb.core.models import Unit, subtree_q
from edudb.quality.scoring import measure


class Command(BaseCommand):
    help = (
        "Đo chất lượng dữ liệu của mọi đơn vị, hoặc của một đơn vị và các đơn vị trực thuộc "
        "(measure data quality of every unit, or of one unit and everything below it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="Mã đơn vị (unit code); mặc định: toàn thành phố (default: every unit)")

    def handle(self, *args: Any, **options: Any) -> None:
        unit_ids = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {options['unit']} (no unit with this code).")
            unit_ids = list(Unit.objects.filter(subtree_q(unit.path)).values_list("pk", flat=True))
        total = len(unit_ids) if unit_ids is not None else Unit.objects.filter(is_active=True).count()
        started = time.monotonic()

        def progress(done: int) -> None:
            self.stdout.write(f"\r{done}/{total} đơn vị ({time.monotonic() - started:.0f} giây)", ending="")
            self.stdout.flush()

        measured = measure(unit_ids, progress=progress)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã đo chất lượng dữ liệu của {measured} đơn vị trong {time.monotonic() - started:.1f} giây."
            )
        )
