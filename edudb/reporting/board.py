"""The timeliness board (R7.3): every reporting unit's state for one period, under a unit, as the account may see it.

Three queries whatever the size of the subtree: the reporting units, their reports for the period, and the last
change of their data (from the stored quality scores, so "in progress" needs no scan of the records).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Category, Unit, subtree_q
from edudb.quality.models import UnitScore
from edudb.reporting.models import Extension, ReportingPeriod, ReportState, UnitReport
from edudb.reporting.services import REPORTING_CATEGORIES

# The board's states: the report's own, with "submitted" split by the deadline that held for the unit.
ON_TIME = "on_time"
LATE = "late"
BOARD_STATES: list[tuple[str, Any]] = [
    (ReportState.NOT_STARTED.value, ReportState.NOT_STARTED.label),
    (ReportState.IN_PROGRESS.value, ReportState.IN_PROGRESS.label),
    (ON_TIME, _("Đã chốt đúng hạn, chờ duyệt")),
    (LATE, _("Đã chốt sau hạn, chờ duyệt")),
    (ReportState.RETURNED.value, ReportState.RETURNED.label),
    (ReportState.APPROVED.value, ReportState.APPROVED.label),
    (ReportState.CORRECTING.value, ReportState.CORRECTING.label),
]
STATE_LABELS = dict(BOARD_STATES)


@dataclass
class Row:
    """One unit on the board."""

    unit: Unit
    state: str
    report: UnitReport | None
    deadline: dt.date
    overdue: bool  # the deadline that holds for the unit has passed and it has not submitted
    late: bool  # submitted (first) after the deadline that held for it, or overdue

    @property
    def state_label(self) -> Any:
        return STATE_LABELS[self.state]

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.first_submitted_at is not None


@dataclass
class ManagerRate:
    """On-time figures of one managing unit's subtree."""

    unit: Unit
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    approved: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


@dataclass
class Board:
    period: ReportingPeriod
    root: Unit
    rows: list[Row]
    counts: dict[str, int]
    managers: list[ManagerRate]
    extensions: int
    today: dt.date
    total: int = 0
    on_time: int = 0
    filtered: list[Row] = field(default_factory=list)

    @property
    def late_rows(self) -> list[Row]:
        return [row for row in self.rows if row.late]

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.total if self.total else None


def _state(report: UnitReport | None, changed: dt.datetime | None, period: ReportingPeriod) -> str:
    if report is None or report.state == ReportState.IN_PROGRESS:
        started = report is not None or (changed is not None and timezone.localdate(changed) >= period.opens_on)
        return ReportState.IN_PROGRESS if started else ReportState.NOT_STARTED
    if report.state == ReportState.SUBMITTED:
        return ON_TIME if report.on_time else LATE
    return str(report.state)


def build(
    period: ReportingPeriod,
    user: Any,
    root: Unit,
    *,
    state: str = "",
    query: str = "",
    late_only: bool = False,
    level: str = "",
    today: dt.date | None = None,
) -> Board:
    """The board of ``period`` for the reporting units under ``root`` that ``user`` may see — of one level group
    only (``level``, e.g. "th"), counts and rates included, when asked."""
    from edudb.quality.text import search_key

    today = today or timezone.localdate()
    units_qs = Unit.objects.visible_to(user).filter(
        subtree_q(root.path), is_active=True, kind__category__in=REPORTING_CATEGORIES
    )
    if level:
        units_qs = units_qs.filter(level_codes__contains=f"|{level}|")
    units = list(units_qs.select_related("kind", "parent").order_by("path"))
    reports = {
        r.unit_id: r
        for r in UnitReport.objects.visible_to(user)
        .filter(period=period, unit__in=root_q_ids(root))
        .select_related("latest", "approved")
        .annotate(**extension_incident_columns())
    }
    changed = dict(
        UnitScore.objects.visible_to(user)
        .filter(subtree_q(root.path, "unit__"))
        .order_by()
        .values("unit_id")
        .annotate(last=Max("last_changed_at"))
        .values_list("unit_id", "last")
    )
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        if report is not None:
            report.period = period  # the deadline property reads it: no query per row
        deadline = report.deadline if report else period.deadline
        submitted = report is not None and report.first_submitted_at is not None
        overdue = not submitted and today > deadline
        late = overdue or (submitted and report is not None and report.on_time is False)
        rows.append(Row(unit, _state(report, changed.get(unit.pk), period), report, deadline, overdue, late))
    counts = Counter(row.state for row in rows)
    board = Board(
        period=period,
        root=root,
        rows=rows,
        counts={value: counts.get(value, 0) for value, _label in BOARD_STATES},
        managers=_manager_rates(root, units, rows),
        extensions=sum(1 for r in reports.values() if r.extended_until),
        today=today,
        total=len(rows),
        on_time=sum(1 for row in rows if row.report is not None and row.report.on_time),
    )
    key = search_key(query) if query else ""
    board.filtered = [
        row
        for row in rows
        if (not state or row.state == state)
        and (not late_only or row.late)
        and (not key or key in row.unit.name_key or query.strip() == row.unit.code)
    ]
    return board


def extension_incident_columns() -> dict[str, Any]:
    """The incident behind the report's latest extension (none when it was granted for another reason), as two
    columns of the reports' own query — the board stays at three queries. The board shows such an extension as
    "Gia hạn do sự cố SC-…" with a link to the incident."""
    latest = Extension.objects.filter(report=OuterRef("pk")).order_by("-granted_at", "-pk")
    return {
        "extension_incident_id": Subquery(latest.values("incident_id")[:1]),
        "extension_incident_number": Subquery(latest.values("incident__number")[:1]),
    }


def root_q_ids(root: Unit) -> Any:
    """The units under ``root`` as a subquery (the reports are filtered in the database, not by a long IN list)."""
    return Unit.objects.filter(subtree_q(root.path)).values("pk")


def _manager_rates(root: Unit, units: list[Unit], rows: list[Row]) -> list[ManagerRate]:
    """On-time figures for each managing unit directly under ``root`` (or ``root`` itself when it has none)."""
    managers = [u for u in units if u.parent_id == root.pk and u.kind.category == Category.MANAGER]
    if not managers and root.kind.category == Category.MANAGER:
        managers = [root]
    if not managers:
        return []
    rates = {m.path: ManagerRate(m) for m in managers}
    depth = managers[0].path.count("/")  # the managers all sit at one level (or are the root itself)
    for row in rows:
        # The row's ancestor at the managers' level, cut from its path: one pass, not rows × managers.
        rate = rates.get("/".join(row.unit.path.split("/")[:depth]) + "/")
        if rate is None or rate.unit.pk == row.unit.pk:
            continue
        rate.expected += 1
        rate.submitted += row.submitted
        rate.on_time += bool(row.report is not None and row.report.on_time)
        rate.approved += row.state == ReportState.APPROVED
    return sorted(rates.values(), key=lambda r: (r.on_time_rate is None, r.on_time_rate or 0.0, r.unit.name_key))
