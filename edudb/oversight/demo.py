"""Demo organisational records over the demo city (after ``seed_demo``), played through the services so the audit
trail is real: the Sở's steering committee, the demo commune's and school's teams with their technical focal
points and internal rules, the heads of unit, and the current half-year's account reviews of the demo units (the
THPT school's already confirmed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from edudb.core.models import Unit

RULES_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

TEAMS: dict[str, list[tuple[str, str, str, str, str]]] = {
    "so.admin": [
        ("Nguyễn Văn Hải", "Phó Giám đốc Sở", "lead", "0225 3746 201", ""),
        ("Trần Thị Minh Phương", "Chánh Văn phòng Sở", "deputy", "0225 3746 202", ""),
        (
            "Đinh Quang Vinh",
            "Chuyên viên phụ trách công nghệ thông tin",
            "technical",
            "0225 3746 220",
            "csdl@haiphong.edu.vn",
        ),
        ("Lê Thị Thu Hà", "Chuyên viên Phòng Giáo dục Tiểu học", "member", "", ""),
    ],
    "xa.admin": [
        ("Phạm Văn Đức", "Phó Chủ tịch UBND", "lead", "0912 111 222", ""),
        ("Phạm Thị Lan Anh", "Chuyên viên Phòng Văn hóa – Xã hội", "technical", "0912 333 444", "lananh@example.vn"),
    ],
    "th.admin": [
        ("Vũ Thị Hồng", "Hiệu trưởng", "lead", "0904 555 666", ""),
        ("Ngô Văn Bình", "Phó Hiệu trưởng", "deputy", "", ""),
        ("Đỗ Minh Tuấn", "Giáo viên tin học", "technical", "0983 777 888", "tuan.dm@example.vn"),
        ("Hoàng Thị Ngọc Mai", "Giáo viên chủ nhiệm", "member", "", ""),
    ],
    "thpt.admin": [
        ("Nguyễn Đức Thắng", "Hiệu trưởng", "lead", "0913 222 333", ""),
        ("Bùi Văn Long", "Cán bộ phụ trách giáo vụ", "technical", "0915 444 555", "long.bv@example.vn"),
    ],
}
RULES = {
    "so.admin": ("1520/QĐ-SGDĐT", dt.date(2022, 8, 1), "Giám đốc Sở"),
    "xa.admin": ("45/QĐ-UBND", dt.date(2025, 9, 10), "Chủ tịch UBND"),
    "th.admin": ("12/QĐ-THLVT", dt.date(2025, 9, 20), "Vũ Thị Hồng"),
}


def seed(units: dict[str, Unit] | None = None) -> None:
    from django.core.files.base import ContentFile

    from edudb.accounts.models import Account
    from edudb.oversight import services
    from edudb.oversight.models import AccountReview, TeamMember, half_of

    if TeamMember.objects.exists():
        return
    accounts: dict[str, Any] = {a.username: a for a in Account.objects.select_related("unit__kind")}
    so_admin = accounts.get("so.admin")
    if so_admin is None:
        return
    for username, members in TEAMS.items():
        admin = accounts.get(username)
        if admin is None:
            continue
        unit = admin.unit
        for order, (name, position, role, phone, email) in enumerate(members):
            member = {"full_name": name, "position": position, "role": role, "phone": phone, "email": email}
            services.save_member(unit, by=admin, values={**member, "order": order})
        rules = RULES.get(username)
        values: dict[str, Any] = {"head_account": admin}
        upload = None
        if rules is not None:
            values.update(rules_number=rules[0], rules_date=rules[1], rules_signer=rules[2])
            upload = ContentFile(RULES_PDF, name=f"quy-dinh-noi-bo-{unit.code}.pdf")
        services.save_charter(unit, by=admin, values=values, rules_file=upload)
    year, half = half_of(timezone.localdate())
    for username in ("so.admin", "xa.admin", "phong.admin", "th.admin", "mn.admin", "thpt.admin"):
        account = accounts.get(username)
        if account is not None and not AccountReview.objects.filter(unit=account.unit, year=year, half=half).exists():
            services.open_review(account.unit, year, half)
    thpt = accounts.get("thpt.admin")
    if thpt is not None:
        review = AccountReview.objects.filter(unit=thpt.unit, year=year, half=half).first()
        if review is not None and review.confirmed_at is None:
            services.confirm_review(review, by=thpt, note="Thu hồi chức năng “Chốt số liệu” của giáo viên đã nghỉ hưu.")
