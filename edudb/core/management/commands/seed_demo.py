"""Build the demo city: the Sở, its offices, today's 114 communes (or the 2022 districts), ~1,650 institutions."""

from __future__ import annotations

import random
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from edudb.core.demo.accounts import SHAPES, render_text, rows_from_db
from edudb.core.demo.build import SeedRefused, seed
from edudb.core.demo.people import at_scale
from edudb.core.demo.reporting import demo_keep_open, seed_reporting
from edudb.core.models import Unit
from edudb.quality.scoring import measure
from edudb.stats.compute import unscoped_refresh_live


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: Sở GD&ĐT Hải Phòng, phòng chuyên môn, 114 xã/phường/đặc khu và các cơ sở giáo dục, "
        "kèm tài khoản dùng thử (seed the demo data and the demo accounts)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--shape",
            choices=SHAPES,
            default="2025",
            help="2025: Sở → UBND xã/phường → trường (mặc định); 2022: Sở → Phòng GD&ĐT quận/huyện → trường.",
        )
        parser.add_argument(
            "--scale",
            choices=["demo", "city"],
            default="demo",
            help="demo: lớp, đội ngũ, học sinh cho xã/phường và trường THPT của tài khoản dùng thử (mặc định); "
            "city: cho mọi cơ sở giáo dục, khoảng 1,1 triệu học sinh.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Không làm gì (chỉ in tài khoản dùng thử) nếu đã có dữ liệu (do nothing when units already exist).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Cho phép chạy khi EDUDB_ENV=production (allow on a production configuration).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False) and not options["allow_production"]:
            raise CommandError(
                "Không tạo dữ liệu mẫu trên hệ thống thật (EDUDB_ENV=production): tài khoản dùng thử có mật khẩu "
                "công khai. Thêm --allow-production nếu đây là máy trình diễn. "
                "(Refusing to seed demo data with public passwords on a production configuration.)"
            )
        if Unit.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Đã có dữ liệu đơn vị, bỏ qua tạo dữ liệu mẫu (units exist; nothing seeded).\n\n")
                self.stdout.write(render_text(rows_from_db()))
                return
            raise CommandError(
                f"Cơ sở dữ liệu đã có {Unit.objects.count()} đơn vị; dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu trống. "
                "Dùng --if-empty để bỏ qua, hoặc tạo cơ sở dữ liệu mới. "
                "(The database already has units; demo data is only seeded into an empty database.)"
            )
        started = time.monotonic()
        try:
            with at_scale(options["scale"]):  # the city's schools are denser than the demo's (see people.py)
                result = seed(shape=options["shape"], scale=options["scale"])
        except SeedRefused as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        manager = "phong_gddt" if result.shape == "2022" else "ubnd_xa"
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo dữ liệu mẫu mô hình {result.shape} trong {elapsed:.1f} giây (demo data seeded): "
                f"{result.units_by_kind[manager]} đơn vị quản lý, {result.institutions} cơ sở giáo dục, "
                f"{result.accounts} tài khoản; {result.classes} lớp, {result.staff} cán bộ, "
                f"{result.students} học sinh."
            )
        )
        if options["scale"] != "city":  # the city's first measurement is the worker's nightly job
            started = time.monotonic()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # fresh tables: give the planner statistics before reading them
                    cursor.execute("ANALYZE")
            measured = measure()
            self.stdout.write(
                f"Đã đo chất lượng dữ liệu của {measured} đơn vị trong {time.monotonic() - started:.1f} giây "
                "(data quality measured)."
            )
            started = time.monotonic()
            played = seed_reporting(keep_open=demo_keep_open(["th.admin", "thpt.admin"]), rng=random.Random(2026))  # noqa: S311 - demo data
            self.stdout.write(
                f"Đã mở kỳ báo cáo đột xuất mẫu trong {time.monotonic() - started:.1f} giây: "
                f"{played.get('submitted', 0)} đơn vị đã chốt, {played.get('approved', 0)} được duyệt, "
                f"{played.get('returned', 0)} bị trả lại (demo reporting period)."
            )
            started = time.monotonic()
            figures = unscoped_refresh_live()
            self.stdout.write(
                f"Đã tổng hợp {figures} số liệu thống kê trong {time.monotonic() - started:.1f} giây "
                "(statistics roll-ups)."
            )
            started = time.monotonic()
            seed_governance()
            self.stdout.write(
                f"Đã tạo ví dụ phản ánh, yêu cầu khai thác dữ liệu, sự cố và hồ sơ tổ chức thực hiện trong "
                f"{time.monotonic() - started:.1f} giây (governance examples)."
            )
        self.stdout.write("")
        self.stdout.write(render_text(rows_from_db()))


def seed_governance() -> None:
    """Examples of the governance workflows over the demo city: complaints, data requests, incidents, oversight."""
    from edudb.feedback import demo as feedback_demo
    from edudb.guide import demo as guide_demo
    from edudb.incidents import demo as incidents_demo
    from edudb.oversight import demo as oversight_demo
    from edudb.sharing import demo as sharing_demo

    guide_demo.seed()
    feedback_demo.seed()
    incidents_demo.seed()
    sharing_demo.seed()
    oversight_demo.seed()
