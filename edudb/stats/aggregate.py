"""Aggregation up the tree (tổng hợp, R7.4): tables of any indicator, from live figures or a period's approved
reports, grouped by the units under a unit, by every unit, by kind of institution, by ownership or by commune.

Everything starts from ``Figure.objects.visible_to(user)``: a school sees only its own figures, a commune its
schools', a Sở office those of its field — and totals are sums of what the user can see, so nothing out of scope
leaks into them. The number of queries does not depend on the number of units or learners: one for the figures,
one for the units they belong to (and one more for a ratio's second indicator).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, Max, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.core.models import Category, Unit, subtree_q
from edudb.core.scoping import Function
from edudb.reporting.models import PeriodKind, ReportingPeriod
from edudb.stats import indicators
from edudb.stats.indicators import NONE_KEY, Indicator, Ratio
from edudb.stats.models import Figure
from edudb.stats.tables import Column, Number, Row, Table

GROUPINGS = {
    "children": gettext_lazy("Theo đơn vị trực thuộc"),
    "units": gettext_lazy("Từng đơn vị"),
    "kind": gettext_lazy("Theo loại cơ sở (cấp học)"),
    "ownership": gettext_lazy("Theo loại hình"),
    "commune": gettext_lazy("Theo xã, phường, đặc khu"),
    "categories": gettext_lazy("Theo phân tổ"),
}
ZERO = Decimal(0)


@dataclass(frozen=True)
class Source:
    """Where figures come from: live data (``period`` None) or the approved reports of one period."""

    period: ReportingPeriod | None = None

    @property
    def key(self) -> str:
        return str(self.period.pk) if self.period else "live"

    def label(self, refreshed_at: dt.datetime | None = None) -> str:
        if self.period is not None:
            return _("Số liệu đã duyệt của kỳ «%(period)s»") % {"period": self.period.title}
        if refreshed_at is None:
            return _("Số liệu trực tiếp (chưa tổng hợp)")
        local = refreshed_at.astimezone()
        return _("Số liệu trực tiếp, tổng hợp lúc %(time)s") % {"time": local.strftime("%H:%M %d/%m/%Y")}


def figures(user: Any, source: Source) -> QuerySet[Figure]:
    """The figures ``user`` may see from ``source``: live ones, or those of the period's approved versions."""
    queryset = Figure.objects.visible_to(user, Function.VIEW)
    if source.period is None:
        return queryset.filter(submission__isnull=True)
    return queryset.filter(submission__report__period=source.period, submission__report__approved_id=F("submission_id"))


@dataclass
class UnitInfo:
    pk: int
    name: str
    code: str
    path: str
    depth: int
    category: str
    kind: str
    commune: str
    ownership: str


def unscoped_units_of(queryset: QuerySet[Figure], extra: Iterable[int] = ()) -> dict[int, UnitInfo]:
    """The units the (already scoped) figures belong to, plus the units on their paths the caller names."""
    ids = Q(pk__in=Subquery(queryset.values("unit_id"))) | Q(pk__in=list(extra))
    rows = Unit.objects.filter(ids).values_list(
        "pk",
        "name",
        "code",
        "path",
        "depth",
        "kind__category",
        "kind__name",
        "commune_code",
        "school_profile__ownership__name",
    )
    return {row[0]: UnitInfo(*row[:8], row[8] or "") for row in rows}


def child_on_path(path: str, depth: int) -> int | None:
    """The unit at ``depth`` on a unit path ("/1/5/77/" at depth 1 is 5)."""
    parts = path.strip("/").split("/")
    return int(parts[depth]) if len(parts) > depth else None


@dataclass
class Grid:
    """Figures summed by row group and category: values[group][(a, b)]."""

    values: dict[Any, dict[tuple[str, str], Decimal]] = field(default_factory=lambda: defaultdict(dict))
    labels: dict[Any, str] = field(default_factory=dict)
    codes: dict[Any, str] = field(default_factory=dict)
    order: dict[Any, str] = field(default_factory=dict)
    institution: dict[Any, int] = field(default_factory=dict)  # groups that are one institution → its id
    drill: dict[Any, int] = field(default_factory=dict)  # groups that are one unit with units below → its id
    refreshed_at: dt.datetime | None = None

    def add(self, group: Any, a: str, b: str, value: Decimal) -> None:
        cell = self.values[group]
        cell[(a, b)] = cell.get((a, b), ZERO) + value


def commune_names() -> dict[str, str]:
    from vietnam_provinces import Ward

    return {f"{ward.code:05d}": ward.name for ward in Ward.iter_all()}


def grid(
    user: Any, *, indicator: str, source: Source, at: Unit, by: str, keys: tuple[str, ...] = (), totals: bool = False
) -> Grid:
    """Sum one indicator's figures under ``at`` by the grouping ``by`` (three queries whatever the size).

    The database sums what it can: the whole subtree by category (``by="all"``: a few dozen rows back), or each
    unit's total (``totals``: one row per unit, for ratios); the grouping by units is done here, over per-unit rows.
    """
    queryset = figures(user, source).filter(subtree_q(at.path, "unit__"), indicator=indicator)
    if keys:
        queryset = queryset.filter(a__in=keys)
    stamp = queryset.aggregate(at=Max("computed_at"))["at"] if source.period is None else None
    result = Grid(refreshed_at=stamp)
    if by == "all":
        summed = queryset.values_list("a", "b").annotate(total=Sum("value")).order_by()
        result.labels[at.pk], result.order[at.pk] = at.name, at.path
        for a, b, value in summed:
            result.add(at.pk, a, b, value)
        return result
    if totals:
        per_unit = queryset.values_list("unit_id").annotate(total=Sum("value")).order_by()
        rows = [(unit_id, NONE_KEY, NONE_KEY, value) for unit_id, value in per_unit]
    else:
        rows = list(queryset.values_list("unit_id", "a", "b", "value"))
    depth = at.depth + 1
    units = unscoped_units_of(queryset)
    heads = {child_on_path(info.path, depth) for info in units.values()}
    needed = {head for head in heads if head is not None} - set(units)
    if by == "children" and needed:
        units.update(unscoped_units_of(Figure.objects.none(), needed))
    names = commune_names() if by == "commune" else {}
    group: Any
    for unit_id, a, b, value in rows:
        info = units[unit_id]
        if by == "children":
            group = child_on_path(info.path, depth) or info.pk
            head = units[group]
            result.labels[group] = (
                head.name if group != at.pk else _("%(unit)s (số liệu của đơn vị)") % {"unit": at.name}
            )
            result.codes[group] = head.code
            result.order[group] = head.path
            if head.category == Category.INSTITUTION:
                result.institution[group] = group
            elif group != at.pk:
                result.drill[group] = group
        elif by == "units":
            group = info.pk
            result.labels[group], result.codes[group], result.order[group] = info.name, info.code, info.path
            if info.category == Category.INSTITUTION:
                result.institution[group] = group
        elif by == "kind":
            group = info.kind if info.category == Category.INSTITUTION else _("Đơn vị quản lý")
            result.labels[group] = result.order[group] = group
        elif by == "ownership":
            group = info.ownership or _("Chưa khai báo loại hình")
            result.labels[group] = result.order[group] = group
        elif by == "commune":
            group = info.commune or ""
            result.labels[group] = names.get(group, group) or _("Chưa khai báo xã, phường")
            result.codes[group] = group
            result.order[group] = result.labels[group]
        else:
            raise ValueError(f"unknown grouping {by!r}")
        result.add(group, a, b, value)
    return result


def _ordered_keys(present: set[str], labels: dict[str, str]) -> list[str]:
    known = [key for key in labels if key in present]
    unknown = sorted(present - set(labels) - {NONE_KEY})
    return known + unknown + ([NONE_KEY] if NONE_KEY in present else [])


def _label_maps(indicator: Indicator) -> tuple[dict[str, str], dict[str, str], str, str]:
    """Labels of the first and second categories, and their none-labels."""
    first = indicator.dims[0].labels() if indicator.dims else {}
    none_a = str(indicator.dims[0].none_label) if indicator.dims else ""
    if indicator.columns:
        return first, {key: str(label) for key, _column, label in indicator.columns}, none_a, ""
    second = indicator.dims[1].labels() if len(indicator.dims) > 1 else {}
    none_b = str(indicator.dims[1].none_label) if len(indicator.dims) > 1 else ""
    return first, second, none_a, none_b


def _label(key: str, labels: dict[str, str], none: str) -> str:
    return labels.get(key, none if key == NONE_KEY else key)


def _sum(cells: dict[tuple[str, str], Decimal], a: str | None = None, b: str | None = None) -> Decimal:
    return sum((v for (ka, kb), v in cells.items() if (a is None or ka == a) and (b is None or kb == b)), ZERO)


def _number(value: Decimal, decimals: int) -> Number:
    if decimals == 0:
        return int(value)
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def unscoped_code_pks(list_code: str) -> dict[str, int]:
    """Code → id of a code list's values, for the record lists' filters (reference data)."""
    from edudb.quality.models import CodeItem

    return dict(CodeItem.objects.filter(code_list__code=list_code).values_list("code", "pk"))


RECORD_LISTS = {"gender": "gioi_tinh", "staff_type": "loai_can_bo", "status": "trang_thai_hoc_sinh"}


class RecordLinks:
    """Links from a school's number to the list of the records behind it, filtered as closely as the list allows
    (its unit, grade, gender, staff group …). The code lists the filters need are read once per table, and each
    column's filters are written once: a row's link is the list, its unit, and its column's part."""

    def __init__(self, indicator: Indicator) -> None:
        self.indicator = indicator
        self.base = reverse(indicator.records) if indicator.records else ""
        self.pks = {
            dim.record_filter: unscoped_code_pks(RECORD_LISTS[dim.record_filter])
            for dim in indicator.dims
            if dim.record_filter in RECORD_LISTS
        }

    def suffix(self, a: str | None, b: str | None) -> str:
        params: dict[str, Any] = dict(self.indicator.record_params)
        for dim, key in zip(self.indicator.dims, (a, b), strict=False):
            if key is None or key == NONE_KEY or not dim.record_filter:
                continue
            if dim.record_filter == "grade":
                if key.isdigit():
                    params["grade"] = key
            elif dim.record_filter in self.pks:
                pk = self.pks[dim.record_filter].get(key)
                if pk:
                    params[dim.record_filter] = pk
        return f"&{urlencode(params)}" if params else ""

    def row(self, unit_id: int, suffixes: list[str]) -> list[str]:
        if not self.base:
            return []
        start = f"{self.base}?unit={unit_id}"
        return [start + suffix for suffix in suffixes]


def _summer(cells: dict[tuple[str, str], Decimal]) -> Callable[[str | None, str | None], Decimal]:
    """The sums of one row's cells by first category, by second, and in all, taken in one pass."""
    by_a: dict[str, Decimal] = defaultdict(Decimal)
    by_b: dict[str, Decimal] = defaultdict(Decimal)
    total = ZERO
    for (a, b), value in cells.items():
        by_a[a] += value
        by_b[b] += value
        total += value

    def value_of(a: str | None, b: str | None) -> Decimal:
        if a is None:
            return total if b is None else by_b.get(b, ZERO)
        return by_a.get(a, ZERO) if b is None else cells.get((a, b), ZERO)

    return value_of


def indicator_table(
    user: Any,
    *,
    indicator: Indicator,
    source: Source,
    at: Unit,
    by: str = "children",
    drill: Callable[[int], str] | None = None,
) -> Table:
    """A table of one indicator: rows by the grouping, columns by its categories, the total on top of each."""
    if by == "categories":
        return category_table(user, indicator=indicator, source=source, at=at)
    data = grid(user, indicator=indicator.code, source=source, at=at, by=by)
    first, second, none_a, none_b = _label_maps(indicator)
    present_a = {a for cells in data.values.values() for a, _b in cells}
    present_b = {b for cells in data.values.values() for _a, b in cells}
    keys_a = _ordered_keys(present_a, first)
    two = indicator.categories == 2
    keys_b = _ordered_keys(present_b, second) if two else []
    columns = [Column("total", _("Tổng số"))]
    spec: list[tuple[str | None, str | None]] = [(None, None)]
    if two:
        for b in keys_b:
            columns.append(Column(f"total:{b}", _label(b, second, none_b), _("Trong đó")))
            spec.append((None, b))
    for a in keys_a:
        if two:
            group = _label(a, first, none_a)
            columns.append(Column(f"{a}", _("Cộng"), group))
            spec.append((a, None))
            for b in keys_b:
                columns.append(Column(f"{a}:{b}", _label(b, second, none_b), group))
                spec.append((a, b))
        elif indicator.categories == 1:
            columns.append(Column(a, _label(a, first, none_a)))
            spec.append((a, None))
    record_links = RecordLinks(indicator)
    suffixes = [record_links.suffix(a, b) for a, b in spec]
    decimals = indicator.decimals
    before = _same_period_last_year(user, indicator, source, at, by)
    if before is not None:  # the change against the same period a year earlier, group by group
        columns += [Column("_previous", _("Cùng kỳ năm trước")), Column("_change", _("Tăng (+), giảm (−)"))]
        for group in before.values:
            if group not in data.values:  # a unit with figures last year and none now still shows, with 0
                data.values[group] = {}
                data.labels[group], data.order[group] = before.labels[group], before.order[group]
                data.codes[group] = before.codes.get(group, "")
    everything: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    rows = []
    for group in sorted(data.values, key=lambda g: data.order[g]):
        cells = data.values[group]
        for key, value in cells.items():
            everything[key] += value
        value_of = _summer(cells)
        values = [_number(value_of(a, b), decimals) for a, b in spec]
        if before is not None:
            previous = _sum(before.values.get(group, {}))
            values += [_number(previous, decimals), _number(value_of(None, None) - previous, decimals)]
        institution = data.institution.get(group)
        links = record_links.row(institution, suffixes) if institution else []
        if links and before is not None:
            links += ["", ""]  # last year's figures are no list of today's records
        link = drill(data.drill[group]) if drill and group in data.drill else ""
        rows.append(Row(data.labels[group], values, code=data.codes.get(group, ""), link=link, links=links))
    value_of = _summer(everything)
    totals = [_number(value_of(a, b), decimals) for a, b in spec]
    if before is not None:
        previous = sum((_sum(cells) for cells in before.values.values()), ZERO)
        totals += [_number(previous, decimals), _number(value_of(None, None) - previous, decimals)]
    total = Row(_("Tổng cộng"), totals, is_total=True)
    return Table(
        title=str(indicator.label),
        columns=columns,
        rows=rows,
        total=total,
        source=source.label(data.refreshed_at),
        scope=at.name,
        row_header=_("Đơn vị") if by in {"children", "units"} else str(GROUPINGS[by]),
        measure=str(indicator.measure),
        decimals=indicator.decimals,
    )


def _same_period_last_year(user: Any, indicator: Indicator, source: Source, at: Unit, by: str) -> Grid | None:
    """Each group's total in the approved reports of the same period a year earlier — None when there is no such
    period or nothing of it was approved in the user's reach (a column of zeros would read as growth from nothing)."""
    previous = comparable_period(user, source)
    if previous is None:
        return None
    before = grid(user, indicator=indicator.code, source=Source(previous), at=at, by=by, totals=True)
    return before if before.values else None


def category_table(user: Any, *, indicator: Indicator, source: Source, at: Unit) -> Table:
    """One unit's (or subtree's) figures with the first category as rows and the second as columns."""
    data = grid(user, indicator=indicator.code, source=source, at=at, by="all")
    cells = data.values.get(at.pk, {})
    first, second, none_a, none_b = _label_maps(indicator)
    keys_a = _ordered_keys({a for a, _b in cells}, first)
    keys_b = _ordered_keys({b for _a, b in cells}, second) if indicator.categories == 2 else []
    columns = [Column("total", _("Tổng số"))] + [Column(b, _label(b, second, none_b)) for b in keys_b]
    rows = [
        Row(
            _label(a, first, none_a),
            [_number(_sum(cells, a, None), indicator.decimals)]
            + [_number(_sum(cells, a, b), indicator.decimals) for b in keys_b],
            code=a,
        )
        for a in keys_a
    ]
    total = Row(
        _("Tổng cộng"),
        [_number(_sum(cells), indicator.decimals)]
        + [_number(_sum(cells, None, b), indicator.decimals) for b in keys_b],
        is_total=True,
    )
    return Table(
        title=str(indicator.label),
        columns=columns,
        rows=rows,
        total=total,
        source=source.label(data.refreshed_at),
        scope=at.name,
        row_header=str(indicator.dims[0].label) if indicator.dims else _("Chỉ tiêu"),
        measure=str(indicator.measure),
        decimals=indicator.decimals,
    )


def _ratio_value(numerator: Decimal, denominator: Decimal, decimals: int) -> Decimal | None:
    if not denominator:
        return None
    return (numerator / denominator).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def ratio_table(
    user: Any, *, source: Source, at: Unit, by: str = "children", drill: Callable[[int], str] | None = None
) -> Table:
    """The ratios (students per class, per teacher …) of each group, each the quotient of the group's sums."""
    needed: dict[tuple[str, tuple[str, ...]], Grid] = {}
    for r in indicators.RATIOS:
        for code, keys in ((r.numerator, r.numerator_keys), (r.denominator, r.denominator_keys)):
            if (code, keys) not in needed:
                needed[(code, keys)] = grid(user, indicator=code, source=source, at=at, by=by, keys=keys, totals=True)
    groups: dict[Any, tuple[str, str, str]] = {}
    for g in needed.values():
        for group in g.values:
            groups[group] = (g.labels[group], g.codes.get(group, ""), g.order[group])
    drills = {group: unit for g in needed.values() for group, unit in g.drill.items()}

    def total_of(r: Ratio, group: Any | None) -> tuple[Decimal, Decimal]:
        num = needed[(r.numerator, r.numerator_keys)]
        den = needed[(r.denominator, r.denominator_keys)]
        if group is None:
            return (
                sum((_sum(c) for c in num.values.values()), ZERO),
                sum((_sum(c) for c in den.values.values()), ZERO),
            )
        return _sum(num.values.get(group, {})), _sum(den.values.get(group, {}))

    rows = []
    for group in sorted(groups, key=lambda g: groups[g][2]):
        label, code, _order = groups[group]
        values: list[Any] = [_ratio_value(*total_of(r, group), r.decimals) for r in indicators.RATIOS]
        link = drill(drills[group]) if drill and group in drills else ""
        rows.append(Row(label, values, code=code, link=link))
    total = Row(_("Chung"), [_ratio_value(*total_of(r, None), r.decimals) for r in indicators.RATIOS], is_total=True)
    stamps = [g.refreshed_at for g in needed.values() if g.refreshed_at]
    return Table(
        title=_("Các tỉ lệ bình quân"),
        columns=[Column(r.code, str(r.label)) for r in indicators.RATIOS],
        rows=rows,
        total=total,
        source=source.label(max(stamps) if stamps else None),
        scope=at.name,
        row_header=_("Đơn vị") if by in {"children", "units"} else str(GROUPINGS[by]),
        decimals=2,
        notes=[
            _("Mỗi tỉ lệ là thương của hai tổng (không phải trung bình của các tỉ lệ); để trống khi mẫu số bằng 0.")
        ],
    )


@dataclass
class KeyFigure:
    code: str
    label: str
    value: Decimal
    previous: Decimal | None
    measure: str

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def change_percent(self) -> Decimal | None:
        if not self.previous:
            return None
        return ((self.value - self.previous) * 100 / self.previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def unscoped_current_year_start() -> int | None:
    """The first calendar year of the current school year (reference data)."""
    from edudb.reporting.models import SchoolYear

    return SchoolYear.objects.filter(is_current=True).values_list("start_year", flat=True).first()


def comparable_period(user: Any, source: Source) -> ReportingPeriod | None:
    """The same period of the year before: the same kind one school year earlier (for live data, the start-of-year
    report of the year before the current one). Ad-hoc requests have none."""
    if source.period is not None:
        if source.period.school_year is None:
            return None
        kind, year = source.period.kind, source.period.school_year.start_year - 1
    else:
        current = unscoped_current_year_start()
        if current is None:
            return None
        kind, year = PeriodKind.START, current - 1
    if kind == PeriodKind.ADHOC:
        return None
    periods = ReportingPeriod.objects.visible_to(user).filter(kind=kind, school_year__start_year=year)
    return periods.order_by("pk").first()


def totals(user: Any, source: Source, at: Unit, codes: Iterable[str]) -> dict[str, Decimal]:
    rows = (
        figures(user, source)
        .filter(subtree_q(at.path, "unit__"), indicator__in=list(codes))
        .values("indicator")
        .annotate(total=Sum("value"))
        .order_by()
    )
    return {row["indicator"]: row["total"] for row in rows}


def key_figures(user: Any, source: Source, at: Unit) -> list[KeyFigure]:
    """The dashboard's headline figures with the change against the same period a year earlier."""
    chosen = [indicator for indicator in indicators.CATALOGUE if indicator.key]
    codes = [indicator.code for indicator in chosen]
    now = totals(user, source, at, codes)
    previous_period = comparable_period(user, source)
    before = totals(user, Source(previous_period), at, codes) if previous_period else {}
    return [
        KeyFigure(
            indicator.code,
            str(indicator.headline),
            now.get(indicator.code, ZERO),
            before.get(indicator.code) if previous_period else None,
            str(indicator.measure),
        )
        for indicator in chosen
    ]


def trend(user: Any, at: Unit, codes: Iterable[str]) -> tuple[list[str], dict[str, list[Decimal | None]]]:
    """Totals of the start-of-year reports of every year (approved versions), then the live figures now."""
    wanted = list(codes)
    rows = (
        Figure.objects.visible_to(user, Function.VIEW)
        .filter(
            subtree_q(at.path, "unit__"),
            indicator__in=wanted,
            submission__report__period__kind=PeriodKind.START,
            submission__report__approved_id=F("submission_id"),
        )
        .values("school_year__start_year", "indicator")
        .annotate(total=Sum("value"))
        .order_by()
    )
    by_year: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        by_year[row["school_year__start_year"]][row["indicator"]] = row["total"]
    labels = [f"{year}–{year + 1}" for year in sorted(by_year)]
    series: dict[str, list[Decimal | None]] = {code: [by_year[y].get(code) for y in sorted(by_year)] for code in wanted}
    live = totals(user, Source(), at, wanted)
    if live:
        labels.append(_("Hiện tại"))
        for code in wanted:
            series[code].append(live.get(code))
    return labels, series
