"""Demo incidents over the demo city (after ``seed_demo``'s accounts and its ad-hoc reporting period): one per kind
of situation, played through the services so timelines, audit entries and notifications are real."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from edudb.core.models import Unit


def _screenshot(name: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 640, 40), fill=(0, 82, 155))
    draw.rectangle((160, 140, 480, 220), outline=(200, 30, 30), width=3)
    draw.text((180, 170), "Error 500 - import failed", fill=(200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def seed(units: dict[str, Unit] | None = None) -> None:
    """A few incidents: an Excel import error in progress, a sign-in problem resolved and closed, a security
    incident with its first report made, and a slow-down that earned the manager's schools an extension."""
    from edudb.accounts.models import Account
    from edudb.incidents import services
    from edudb.incidents.models import Incident

    if Incident.objects.exists():
        return
    accounts: dict[str, Any] = {a.username: a for a in Account.objects.select_related("unit__kind")}
    so = accounts.get("so.admin")
    if so is None:
        return
    now = timezone.now()

    school = accounts.get("th.giaovien") or accounts.get("th.admin")
    if school is not None:
        excel = services.report(
            by=school,
            category="exchange",
            severity="medium",
            title="Nhập tệp Excel danh sách học sinh báo lỗi 500",
            description=(
                "Khi tải lên tệp mẫu học sinh lớp 1A (35 em), trang báo “Lỗi 500” sau khoảng 1 phút. "
                "Đã thử lại 3 lần, trên cả Chrome và Cốc Cốc."
            ),
            detected_at=now - dt.timedelta(days=1, hours=2),
            screenshots=[_screenshot("loi-nhap-excel.png")],
        )
        services.triage(excel, by=so, severity="medium", is_security=False, assignee=so, note="Đã nhận, đang kiểm tra.")
        services.start(excel, by=so)
        services.comment(excel, by=so, text="Nhờ trường gửi lại tệp qua thư điện tử để Sở kiểm tra định dạng.")

    kinder = accounts.get("mn.admin")
    if kinder is not None:
        sign_in = services.report(
            by=kinder,
            category="sign_in",
            severity="low",
            title="Giáo viên không đăng nhập được sau khi đổi mật khẩu",
            description="Cô Nguyễn Thị Hồng đổi mật khẩu xong thì không đăng nhập lại được, báo sai mật khẩu.",
            detected_at=now - dt.timedelta(days=3),
        )
        services.triage(sign_in, by=so, severity="low", is_security=False, assignee=so)
        services.resolve(
            sign_in, by=so, resolution="Tài khoản bị khóa tạm do nhập sai 5 lần; đã mở khóa và hướng dẫn đặt lại."
        )
        services.close(sign_in, by=kinder, note="Đã đăng nhập được.")

    thpt = accounts.get("thpt.admin")
    if thpt is not None:
        security = services.report(
            by=thpt,
            category="security",
            severity="critical",
            title="Nghi lộ danh sách học sinh qua thư điện tử giả mạo",
            description=(
                "Một giáo viên nhận thư giả danh Sở yêu cầu đăng nhập qua đường dẫn lạ và đã nhập mật khẩu. "
                "Sáng nay thấy tài khoản đăng nhập từ địa chỉ IP ở nước ngoài."
            ),
            detected_at=now - dt.timedelta(hours=5),
        )
        services.triage(security, by=so, severity="critical", is_security=True, assignee=so)
        services.record_security_report(
            security,
            by=so,
            kind="initial",
            made_at=now - dt.timedelta(hours=2),
            recipient="Công an thành phố Hải Phòng (Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao)",
            document_number="215/BC-SGDĐT",
        )

    manager = accounts.get("xa.admin") or accounts.get("phong.admin")
    if manager is not None:
        children = list(Unit.objects.visible_to(manager).filter(parent_id=manager.unit_id).order_by("path")[:2])
        slow = services.report(
            by=manager,
            category="slow",
            severity="high",
            title="Hệ thống rất chậm trong giờ cao điểm chốt số liệu",
            description="Từ 14 giờ đến 17 giờ, mở danh sách học sinh mất hơn 1 phút; nhiều trường không chốt kịp.",
            detected_at=now - dt.timedelta(days=2),
            affected_units=children,
        )
        services.triage(slow, by=so, severity="high", is_security=False, assignee=so)
        from edudb.reporting.models import ReportingPeriod

        period = ReportingPeriod.objects.filter(closed_at__isnull=True, kind="adhoc").order_by("-deadline").first()
        candidates = services.extension_candidates(slow, manager)
        if period is not None and candidates:
            for unit in candidates:  # one by one: a unit that already submitted needs none
                try:
                    services.grant_extensions(
                        slow,
                        by=manager,
                        period=period,
                        units=[unit],
                        until=period.deadline + dt.timedelta(days=5),
                        reason="Hệ thống chậm ngày chốt số liệu.",
                    )
                except (ValidationError, PermissionDenied):
                    continue
