"""The report on the system's management and operation (báo cáo tình hình quản lý, vận hành, sử dụng Hệ thống CSDL
Ngành, Điều 11.3) for a chosen period, as one table of figures with the Decree 30 header — a PDF and an .xlsx made by
the statistics documents (``edudb.stats.documents``).

The figures cover the units under the chosen unit that the viewer may see; they are counts, never names of people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core.models import AuditEntry, Category, Unit, subtree_q
from edudb.core.scoping import Function
from edudb.oversight import adoption
from edudb.oversight.models import AccountReview
from edudb.oversight.services import LOCKOUT_REASONS
from edudb.quality.models import Target
from edudb.reporting.models import ReportingPeriod, UnitReport
from edudb.stats.tables import Column, Row, Table


@dataclass(frozen=True)
class Span:
    """The period the report covers, both days included."""

    start: dt.date
    end: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        zone = timezone.get_current_timezone()
        first = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        last = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return first, last

    @property
    def label(self) -> str:
        return _("Từ ngày %(start)s đến ngày %(end)s") % {
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }


def default_span(today: dt.date | None = None) -> Span:
    """The last half-year that has ended: January–June or July–December."""
    today = today or timezone.localdate()
    if today.month > 6:
        return Span(dt.date(today.year, 1, 1), dt.date(today.year, 6, 30))
    return Span(dt.date(today.year - 1, 7, 1), dt.date(today.year - 1, 12, 31))


Line = tuple[str, int | None, int]  # label, value, level (0: a section heading without a value)


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def unscoped_audit_counts(unit_ids: Any, span: Span) -> dict[str, int]:
    """Counts of audit entries of the units in the period, by kind of event (counts only; the caller scoped the
    units)."""
    first, last = span.bounds()
    entries = AuditEntry.objects.filter(unit_id__in=unit_ids, at__gte=first, at__lt=last)
    return entries.aggregate(
        signins=Count("pk", filter=Q(action="signin.success")),
        signin_accounts=Count("actor", filter=Q(action="signin.success"), distinct=True),
        failures=Count("pk", filter=Q(action="signin.failure")),
        lockouts=Count("pk", filter=Q(action="signin.failure", extra__reason__in=LOCKOUT_REASONS)),
        auto_suspended=Count("pk", filter=Q(action="account.auto_suspend")),
        suspended=Count("pk", filter=Q(action="account.suspend")),
        issued=Count("pk", filter=Q(action="account.issue")),
        handovers=Count("pk", filter=Q(action="account.handover")),
        acknowledged=Count("pk", filter=Q(action="account.acknowledge")),
        data_changes=Count("pk", filter=Q(action__endswith=".create") | Q(action__endswith=".update")),
    )


def unscoped_account_totals(unit_ids: Any, at: dt.datetime) -> dict[str, int]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from edudb.accounts.models import Account, AccountKind

    accounts = Account.objects.filter(unit_id__in=unit_ids, created_at__lt=at).annotate(
        has_totp=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True))
    )
    return accounts.aggregate(
        total=Count("pk"),
        admins=Count("pk", filter=Q(kind=AccountKind.ADMIN)),
        users=Count("pk", filter=Q(kind=AccountKind.USER)),
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
        two_factor=Count("pk", filter=Q(is_active=True, has_totp=True)),
    )


REQUEST_KINDS = ("access", "correction", "restriction")  # the data subject's requests; the rest are complaints


def _model(label: str) -> Any:
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


def unscoped_feedback_counts(unit_ids: list[int], first: dt.datetime, last: dt.datetime) -> dict[str, int]:
    """Complaints and data requests of the units received and answered in the period (counts only)."""
    feedback = _model("feedback.Feedback")
    if feedback is None:
        return {}
    received = Q(filed_at__gte=first, filed_at__lt=last)
    answered = Q(answered_at__gte=first, answered_at__lt=last)
    requests = Q(kind__in=REQUEST_KINDS)
    return dict(
        feedback.objects.filter(unit_id__in=unit_ids).aggregate(
            complaints=Count("pk", filter=received & ~requests),
            complaints_answered=Count("pk", filter=answered & ~requests),
            requests=Count("pk", filter=received & requests),
            requests_answered=Count("pk", filter=answered & requests),
        )
    )


def unscoped_incident_counts(unit_ids: list[int], first: dt.datetime, last: dt.datetime) -> dict[str, int]:
    """Incidents reported by the units in the period, those resolved in it, and the security incidents."""
    incident = _model("incidents.Incident")
    if incident is None:
        return {}
    reported = Q(reported_at__gte=first, reported_at__lt=last)
    return dict(
        incident.objects.filter(unit_id__in=unit_ids).aggregate(
            received=Count("pk", filter=reported),
            resolved=Count("pk", filter=Q(resolved_at__gte=first, resolved_at__lt=last)),
            security=Count("pk", filter=reported & Q(category="security")),
        )
    )


def lines(user: Any, root: Unit, span: Span) -> list[Line]:
    """The report's figures, section by section."""
    units_qs = Unit.objects.visible_to(user, Function.VIEW).filter(subtree_q(root.path))
    units = list(units_qs.values_list("pk", "kind__category", "is_active"))
    unit_ids = [pk for pk, _cat, _active in units]
    first, last = span.bounds()
    by_category = {cat: sum(1 for _pk, c, a in units if c == cat and a) for cat in Category.values}
    accounts = unscoped_account_totals(unit_ids, last)
    events = unscoped_audit_counts(unit_ids, span)
    table: list[Line] = []

    table.append((_("I. Đơn vị và người sử dụng"), None, 0))
    table.append((_("Số đơn vị đang hoạt động"), sum(1 for _pk, _c, a in units if a), 1))
    table.append((_("— trong đó cơ sở giáo dục"), by_category[Category.INSTITUTION], 2))
    table.append((_("— trong đó đơn vị quản lý trung gian"), by_category[Category.MANAGER], 2))
    table.append((_("Số tài khoản đã cấp (đến cuối kỳ)"), accounts["total"], 1))
    table.append((_("— tài khoản quản trị"), accounts["admins"], 2))
    table.append((_("— tài khoản khai thác"), accounts["users"], 2))
    table.append((_("Số tài khoản cấp mới trong kỳ"), events["issued"], 1))
    table.append((_("Số lần bàn giao tài khoản quản trị trong kỳ"), events["handovers"], 1))
    table.append((_("Số lượt cam kết trách nhiệm của người dùng trong kỳ"), events["acknowledged"], 1))

    table.append((_("II. Mức độ sử dụng"), None, 0))
    table.append((_("Số lượt đăng nhập trong kỳ"), events["signins"], 1))
    table.append((_("Số tài khoản có đăng nhập trong kỳ"), events["signin_accounts"], 1))
    table.append(
        (_("Tỉ lệ tài khoản có đăng nhập trong kỳ (%)"), _pct(events["signin_accounts"], accounts["total"]), 1)
    )
    table.append((_("Số lượt thêm mới, sửa dữ liệu trong kỳ"), events["data_changes"], 1))

    table.append((_("III. Dữ liệu và chất lượng dữ liệu"), None, 0))
    built = adoption.build(user, root, None)
    for target in adoption.TARGETS:
        table.append((_("Số bản ghi: %(what)s") % {"what": Target(target).label}, built.total.records_of(target), 1))
    table.append((_("Mức đầy đủ của dữ liệu (%)"), built.total.completeness_pct, 1))

    table.append((_("IV. Báo cáo định kỳ"), None, 0))
    periods = list(
        ReportingPeriod.objects.visible_to(user)
        .filter(deadline__gte=span.start, deadline__lte=span.end)
        .order_by("deadline")
    )
    reporting = sum(1 for _pk, c, a in units if a and c in (Category.INSTITUTION, Category.MANAGER))
    if not periods:
        table.append((_("Không có kỳ báo cáo có hạn chót trong kỳ"), None, 1))
    counts = {
        row["period_id"]: row
        for row in UnitReport.objects.visible_to(user)
        .filter(period__in=periods, unit_id__in=unit_ids)
        .order_by()
        .values("period_id")
        .annotate(
            submitted=Count("pk", filter=Q(first_submitted_at__isnull=False)),
            on_time=Count("pk", filter=Q(on_time=True)),
            approved=Count("pk", filter=Q(approved__isnull=False)),
        )
    }
    for period in periods:
        row = counts.get(period.pk, {"submitted": 0, "on_time": 0, "approved": 0})
        table.append((period.title, None, 1))
        table.append((_("— số đơn vị phải báo cáo"), reporting, 2))
        table.append((_("— số đơn vị đã chốt số liệu"), row["submitted"], 2))
        table.append((_("— số đơn vị chốt đúng hạn"), row["on_time"], 2))
        table.append((_("— tỉ lệ chốt đúng hạn (%)"), _pct(row["on_time"], reporting), 2))
        table.append((_("— số báo cáo đã duyệt"), row["approved"], 2))

    table.append((_("V. Góp ý, khiếu nại, yêu cầu và sự cố"), None, 0))
    handled = unscoped_feedback_counts(unit_ids, first, last)
    table.append((_("Góp ý, khiếu nại nhận trong kỳ"), handled.get("complaints"), 1))
    table.append((_("Góp ý, khiếu nại đã trả lời trong kỳ"), handled.get("complaints_answered"), 1))
    table.append((_("Yêu cầu về dữ liệu cá nhân nhận trong kỳ"), handled.get("requests"), 1))
    table.append((_("Yêu cầu về dữ liệu cá nhân đã trả lời trong kỳ"), handled.get("requests_answered"), 1))
    table.append((_("Góp ý, khiếu nại, yêu cầu đang mở"), sum(adoption.open_counts("feedback", unit_ids).values()), 1))
    incidents = unscoped_incident_counts(unit_ids, first, last)
    table.append((_("Sự cố báo cáo trong kỳ"), incidents.get("received"), 1))
    table.append((_("Sự cố đã khắc phục trong kỳ"), incidents.get("resolved"), 1))
    table.append((_("Sự cố đang mở"), sum(adoption.open_counts("incidents", unit_ids).values()), 1))

    table.append((_("VI. An toàn thông tin"), None, 0))
    table.append((_("Số lần đăng nhập không thành công"), events["failures"], 1))
    table.append((_("— trong đó bị chặn do tạm khóa"), events["lockouts"], 2))
    table.append((_("Số tài khoản bị tạm khóa trong kỳ"), events["suspended"], 1))
    table.append((_("Số tài khoản tự động tạm khóa do không sử dụng"), events["auto_suspended"], 1))
    table.append((_("Số tài khoản đang bị khóa (cuối kỳ)"), accounts["inactive"], 1))
    table.append((_("Số tài khoản đang hoạt động có xác thực hai lớp"), accounts["two_factor"], 1))
    table.append((_("Tỉ lệ tài khoản có xác thực hai lớp (%)"), _pct(accounts["two_factor"], accounts["active"]), 1))
    table.append((_("Sự cố an toàn thông tin trong kỳ"), incidents.get("security"), 1))

    table.append((_("VII. Rà soát tài khoản định kỳ"), None, 0))
    reviews = AccountReview.objects.filter(unit_id__in=unit_ids, opened_at__gte=first, opened_at__lt=last).aggregate(
        opened=Count("pk"), confirmed=Count("pk", filter=Q(confirmed_at__isnull=False))
    )
    table.append((_("Số đơn vị được yêu cầu rà soát tài khoản"), reviews["opened"], 1))
    table.append((_("Số đơn vị đã xác nhận kết quả rà soát"), reviews["confirmed"], 1))
    table.append((_("Tỉ lệ hoàn thành rà soát (%)"), _pct(reviews["confirmed"], reviews["opened"]), 1))
    return table


def as_table(root: Unit, span: Span, figures: list[Line]) -> Table:
    rows = [
        Row(label, [value] if level else [], level=max(0, level - 1), is_total=level == 0)
        for label, value, level in figures
    ]
    return Table(
        title=_("Báo cáo tình hình quản lý, vận hành, sử dụng Hệ thống CSDL Ngành"),
        columns=[Column("value", _("Số liệu"))],
        rows=rows,
        source=span.label,
        scope=root.name,
        row_header=_("Nội dung"),
        notes=[
            _(
                "Báo cáo theo Điều 11.3 Quy chế quản lý, vận hành và sử dụng Hệ thống CSDL Ngành giáo dục thành phố Hải Phòng."
            ),
            _("Ô để trống: không có số liệu (chức năng chưa được triển khai hoặc không áp dụng)."),
        ],
    )
