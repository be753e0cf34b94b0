"""Demo feedback over the demo city (after ``seed_demo``): played through the services, so timelines, audit entries
and notifications are real. The demo school of ``th.admin`` gets a parent's public complaint waiting, a teacher's
complaint answered after the record was corrected, a parent's "see my data" request, and one complaint left past its
deadline and escalated to the commune."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from edudb.core.models import Unit


def seed(units: dict[str, Unit] | None = None) -> None:
    from edudb.accounts.models import Account
    from edudb.core.records import record_snapshot, update_record
    from edudb.core.scoping import Function
    from edudb.feedback import services
    from edudb.feedback.models import Feedback, Kind, Outcome
    from edudb.registry.models import Student

    if Feedback.objects.exists():
        return
    accounts: dict[str, Any] = {a.username: a for a in Account.objects.select_related("unit")}
    admin = accounts.get("th.admin")
    if admin is None:
        return
    pupils = list(
        Student.objects.filter(unit=admin.unit, ministry_code__isnull=False)
        .prefetch_related("guardians")
        .order_by("pk")[:4]
    )
    if len(pupils) < 4:
        return
    teacher = accounts.get("th.giaovien") or admin

    # 1. A mother reports a wrong birthplace through the public form; the school has not started on it.
    first = pupils[0]
    mother = next(iter(first.guardians.all()), None)
    services.unscoped_file_public(
        kind=Kind.RECORD,
        student_code=first.ministry_code or "",
        birth_date=first.birth_date,
        filer_name=mother.full_name if mother else "Nguyễn Thị Lan",
        filer_relation=mother.relation if mother else "mother",
        filer_contact=(mother.phone if mother and mother.phone else "0912 345 678"),
        text="Nơi sinh của cháu ghi là Hải Dương, đúng là Bệnh viện Phụ sản Hải Phòng (theo giấy khai sinh).",
    )

    # 2. A teacher's complaint, answered after the record was corrected (the change linked from the audit trail).
    second = pupils[1]
    made = services.file(
        by=teacher,
        subject_key="student",
        subject_id=second.pk,
        kind=Kind.RECORD,
        text="Chỗ ở hiện nay của học sinh chưa cập nhật: gia đình đã chuyển về số 12 ngõ 45 Lạch Tray từ tháng 9.",
    )
    services.take(made, by=admin)
    before = record_snapshot(second)
    second.current_address = "Số 12 ngõ 45 Lạch Tray, Ngô Quyền, Hải Phòng"
    update_record(second, by=admin, function=Function.ENTER_STUDENTS, expected_version=second.version, before=before)
    change = services.candidate_changes(made)
    if change:
        report = services.approved_report_for(made)
        services.answer(
            made,
            by=admin,
            outcome=Outcome.CORRECTED,
            text="Nhà trường đã xác minh với gia đình và cập nhật chỗ ở hiện nay.",
            change_ids=[change[0].pk],
            request_correction=report is not None,
        )

    # 3. A father asks to see what the system holds about his child (acknowledged, summary to be handed over).
    third = pupils[2]
    father = next((g for g in third.guardians.all() if g.relation == "father"), None) or next(
        iter(third.guardians.all()), None
    )
    access, _code = services.unscoped_file_public(
        kind=Kind.ACCESS,
        student_code=third.ministry_code or "",
        birth_date=third.birth_date,
        filer_name=father.full_name if father else "Trần Văn Hùng",
        filer_relation=father.relation if father else "father",
        filer_contact="phuhuynh.demo@example.vn",
        text="Đề nghị nhà trường cho biết những dữ liệu cá nhân của con tôi đang lưu trên hệ thống.",
    )
    services.take(access, by=admin)

    # 4. A complaint nobody answered in time: escalated to the commune.
    fourth = pupils[3]
    late = services.file(
        by=teacher,
        subject_key="student",
        subject_id=fourth.pk,
        kind=Kind.RECORD,
        text="Học sinh đã chuyển lớp 2A từ đầu học kỳ II nhưng hồ sơ vẫn ghi lớp 2B.",
    )
    Feedback.objects.filter(pk=late.pk).update(
        filed_at=timezone.now() - dt.timedelta(days=20), deadline=timezone.localdate() - dt.timedelta(days=4)
    )
    services.escalate_overdue()
