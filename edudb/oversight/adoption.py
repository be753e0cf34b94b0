"""Adoption per unit (R9.3, Điều 11.1): for the units under a unit, each row a unit with the totals of its subtree —
accounts issued, active and with two-factor, records per component database, completeness, the reporting state for
a period, complaints and incidents open.

Everything counts only the units the viewer may see (``Unit.objects.visible_to``), so a total never includes a unit
out of reach. The number of queries does not depend on the number of units: one each for the units, the accounts,
the stored quality scores, the period's reports, the open complaints and the open incidents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from edudb.core.models import Category, Unit, subtree_q
from edudb.core.scoping import Function
from edudb.quality.models import Target, UnitScore
from edudb.reporting.models import ReportingPeriod, UnitReport
from edudb.reporting.services import REPORTING_CATEGORIES
from edudb.stats.tables import Column, Row, Table

ACTIVE_DAYS = 30
TARGETS = [Target.SCHOOL, Target.CLASS, Target.STAFF, Target.STUDENT, Target.ROOM]


@dataclass
class Tally:
    """The adoption figures of one unit or of a group of units."""

    units: int = 0
    accounts: int = 0
    active: int = 0
    two_factor: int = 0
    records: dict[str, int] = field(default_factory=dict)
    required_cells: int = 0
    filled_cells: int = 0
    reporting: int = 0
    submitted: int = 0
    approved: int = 0
    complaints: int = 0
    incidents: int = 0

    def add(self, other: Tally) -> None:
        for name in (
            "units",
            "accounts",
            "active",
            "two_factor",
            "required_cells",
            "filled_cells",
            "reporting",
            "submitted",
            "approved",
            "complaints",
            "incidents",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for target, n in other.records.items():
            self.records[target] = self.records.get(target, 0) + n

    @property
    def completeness(self) -> float | None:
        return self.filled_cells / self.required_cells if self.required_cells else None

    @property
    def completeness_pct(self) -> int | None:
        share = self.completeness
        return None if share is None else round(100 * share)

    def records_of(self, target: str) -> int:
        return self.records.get(target, 0)

    @property
    def record_list(self) -> list[int]:
        return [self.records_of(target) for target in TARGETS]


@dataclass
class AdoptionRow:
    unit_id: int
    name: str
    code: str
    tally: Tally
    drill: bool = False
    own: bool = False  # the root's own figures


@dataclass
class Adoption:
    root: Unit
    period: ReportingPeriod | None
    rows: list[AdoptionRow]
    total: Tally


def unscoped_account_counts(units: QuerySet[Unit], since: dt.datetime) -> dict[int, tuple[int, int, int]]:
    """Per unit of ``units`` (already scoped by the caller): accounts issued, active (signed in since ``since``) and
    with a confirmed second factor — counts only, no account is shown."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from edudb.accounts.models import Account

    rows = (
        Account.objects.filter(unit__in=units.values("pk"))
        .annotate(has_totp=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)))
        .order_by()
        .values("unit_id")
        .annotate(
            issued=Count("pk"),
            active=Count("pk", filter=Q(is_active=True, last_seen_at__gte=since)),
            totp=Count("pk", filter=Q(has_totp=True)),
        )
        .values_list("unit_id", "issued", "active", "totp")
    )
    return {unit_id: (issued, active, totp) for unit_id, issued, active, totp in rows}


def open_counts(module: str, unit_ids: list[int]) -> dict[int, int]:
    """Open complaints (``feedback``) or incidents (``incidents``) per unit, from their apps' services; none while
    the app has no such service."""
    import importlib

    try:
        services = importlib.import_module(f"edudb.{module}.services")
    except ImportError:
        return {}
    counter = getattr(services, "open_counts_by_unit", None)
    if counter is None or not unit_ids:
        return {}
    return {int(k): int(v) for k, v in counter(unit_ids).items()}


def default_root(user: Any) -> Unit | None:
    """The highest unit the user sees: the Sở for its offices, the user's own unit otherwise."""
    return Unit.objects.visible_to(user).order_by("depth", "path").first()


def current_period(user: Any, today: dt.date | None = None) -> ReportingPeriod | None:
    today = today or timezone.localdate()
    return ReportingPeriod.objects.visible_to(user).filter(opens_on__lte=today).order_by("-deadline", "-pk").first()


def _head_of(path: str, depth: int, visible: set[int]) -> int | None:
    """The first unit on ``path`` at ``depth`` or below that the viewer sees (the row the unit counts in)."""
    parts = [int(p) for p in path.strip("/").split("/") if p]
    for part in parts[depth:]:
        if part in visible:
            return part
    return None


def build(user: Any, root: Unit, period: ReportingPeriod | None, *, now: dt.datetime | None = None) -> Adoption:
    now = now or timezone.now()
    visible_qs = Unit.objects.visible_to(user, Function.VIEW).filter(subtree_q(root.path))
    units = list(visible_qs.values_list("pk", "path", "name", "code", "kind__category", "is_active"))
    info = {pk: (path, name, code, category, active) for pk, path, name, code, category, active in units}
    per_unit: dict[int, Tally] = {pk: Tally(units=1) for pk in info}
    for pk, (_path, _name, _code, category, is_active) in info.items():
        if is_active and category in REPORTING_CATEGORIES:
            per_unit[pk].reporting = 1
    for unit_id, (issued, active, totp) in unscoped_account_counts(
        visible_qs, now - dt.timedelta(days=ACTIVE_DAYS)
    ).items():
        tally = per_unit.get(unit_id)
        if tally is not None:
            tally.accounts, tally.active, tally.two_factor = issued, active, totp
    scores = (
        UnitScore.objects.visible_to(user)
        .filter(subtree_q(root.path, "unit__"))
        .values_list("unit_id", "target", "records", "required_cells", "filled_cells")
    )
    for unit_id, target, records, required, filled in scores:
        tally = per_unit.get(unit_id)
        if tally is not None:
            tally.records[target] = tally.records.get(target, 0) + records
            tally.required_cells += required
            tally.filled_cells += filled
    if period is not None:
        reports = (
            UnitReport.objects.visible_to(user)
            .filter(period=period, unit__in=visible_qs.values("pk"))
            .values_list("unit_id", "first_submitted_at", "approved_id")
        )
        for unit_id, submitted_at, approved_id in reports:
            tally = per_unit.get(unit_id)
            if tally is not None and tally.reporting:
                tally.submitted = int(submitted_at is not None)
                tally.approved = int(approved_id is not None)
    ids = list(info)
    for unit_id, n in open_counts("feedback", ids).items():
        if unit_id in per_unit:
            per_unit[unit_id].complaints = n
    for unit_id, n in open_counts("incidents", ids).items():
        if unit_id in per_unit:
            per_unit[unit_id].incidents = n
    return _group(root, period, info, per_unit)


def _group(
    root: Unit,
    period: ReportingPeriod | None,
    info: dict[int, tuple[str, str, str, str, bool]],
    per_unit: dict[int, Tally],
) -> Adoption:
    visible = set(info)
    depth = root.depth + 1
    groups: dict[int, Tally] = {}
    members: dict[int, int] = {}
    own = Tally()
    total = Tally()
    for pk, tally in per_unit.items():
        total.add(tally)
        if pk == root.pk:
            own.add(tally)
            continue
        head = _head_of(info[pk][0], depth, visible)
        if head is None:
            continue
        groups.setdefault(head, Tally()).add(tally)
        members[head] = members.get(head, 0) + 1
    rows = []
    if root.pk in info:
        rows.append(
            AdoptionRow(root.pk, _("%(unit)s (đơn vị)") % {"unit": root.name}, root.code, own, drill=False, own=True)
        )
    for head in sorted(groups, key=lambda pk: (info[pk][3] != Category.OFFICE, info[pk][1])):
        _path, name, code, _category, _active = info[head]
        rows.append(AdoptionRow(head, name, code, groups[head], drill=members[head] > 1))
    return Adoption(root=root, period=period, rows=rows, total=total)


COLUMNS: list[tuple[str, Any, Any]] = [
    ("accounts", _l("Đã cấp"), _l("Tài khoản")),
    ("active", _l("Hoạt động 30 ngày"), _l("Tài khoản")),
    ("two_factor", _l("Có xác thực hai lớp"), _l("Tài khoản")),
    ("school", _l("Hồ sơ trường"), _l("Số bản ghi")),
    ("class", _l("Lớp học"), _l("Số bản ghi")),
    ("staff", _l("Đội ngũ"), _l("Số bản ghi")),
    ("student", _l("Học sinh"), _l("Số bản ghi")),
    ("room", _l("Phòng học, phòng chức năng"), _l("Số bản ghi")),
    ("completeness", _l("Mức đầy đủ (%)"), ""),
    ("reporting", _l("Phải báo cáo"), _l("Báo cáo kỳ đang chọn")),
    ("submitted", _l("Đã chốt"), _l("Báo cáo kỳ đang chọn")),
    ("approved", _l("Đã duyệt"), _l("Báo cáo kỳ đang chọn")),
    ("complaints", _l("Góp ý, khiếu nại đang mở"), ""),
    ("incidents", _l("Sự cố đang mở"), ""),
]


def values_of(tally: Tally) -> list[int | None]:
    return [
        tally.accounts,
        tally.active,
        tally.two_factor,
        *tally.record_list,
        tally.completeness_pct,
        tally.reporting,
        tally.submitted,
        tally.approved,
        tally.complaints,
        tally.incidents,
    ]


def as_table(adoption: Adoption) -> Table:
    columns = [Column(key, str(label), str(group)) for key, label, group in COLUMNS]
    rows = [Row(row.name, list(values_of(row.tally)), code=row.code) for row in adoption.rows]
    total = Row(_("Tổng cộng"), list(values_of(adoption.total)), is_total=True)
    period = adoption.period.title if adoption.period else _("chưa có kỳ báo cáo")
    return Table(
        title=_("Tình hình triển khai Hệ thống CSDL Ngành theo đơn vị"),
        columns=columns,
        rows=rows,
        total=total,
        source=_("Số liệu lúc %(time)s; kỳ báo cáo: %(period)s")
        % {"time": timezone.localtime().strftime("%H:%M %d/%m/%Y"), "period": period},
        scope=adoption.root.name,
        notes=[
            _("Tài khoản hoạt động: đã đăng nhập trong %(days)s ngày gần nhất.") % {"days": ACTIVE_DAYS},
            _("Số bản ghi và mức đầy đủ theo lần đo chất lượng dữ liệu gần nhất."),
        ],
    )


def ids_of(rows: Iterable[AdoptionRow]) -> list[int]:
    return [row.unit_id for row in rows]
