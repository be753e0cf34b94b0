"""Refreshing the per-unit roll-ups (DESIGN decision 7).

One grouped query per indicator over the records of the units asked for gives every unit's figures at once:
``SELECT unit_id, <category keys>, COUNT(*) … GROUP BY …``, with the data quality layer's notion of the "current"
records (learners on the roll, staff at work, this year's classes and rooms). The same queries, narrowed to one
unit, freeze the figures of a submission in the transaction that takes its snapshot — so the two cannot disagree.

These functions read every unit's records by design (they build the figures that the scoped statistics read),
hence their ``unscoped_`` names; nothing here is shown to a user without going through ``Figure.objects.visible_to``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from edudb.reporting.models import SchoolYear, Submission
from edudb.stats import indicators
from edudb.stats.indicators import NONE_KEY, Indicator
from edudb.stats.models import Figure

log = logging.getLogger(__name__)
BATCH = 5_000


@dataclass(frozen=True)
class Measured:
    unit_id: int
    indicator: str
    a: str
    b: str
    value: Decimal


def _key(value: Any) -> str:
    return NONE_KEY if value is None else str(value)


def unscoped_measure(indicator: Indicator, units: Q | None = None) -> Iterator[Measured]:
    """The figures of one indicator for the units matching ``units`` (a filter on the indicator's model)."""
    model = indicator.model()
    queryset = model._default_manager.filter(indicator.where())
    if units is not None:
        queryset = queryset.filter(units)
    names = [f"k{position}" for position in range(len(indicator.dims))]
    queryset = queryset.annotate(
        **{name: dim.expression() for name, dim in zip(names, indicator.dims, strict=True)}
    ).order_by()
    grouped = queryset.values(indicator.unit_field, *names)
    if indicator.columns:
        sums = indicators.column_sums(indicator)
        for row in grouped.annotate(**{f"c_{key}": total for key, total in sums.items()}):
            a = _key(row[names[0]]) if names else NONE_KEY
            for key in sums:
                value = row[f"c_{key}"]
                if value:
                    yield Measured(row[indicator.unit_field], indicator.code, a, key, Decimal(value))
        return
    for row in grouped.annotate(n=Count("pk")):
        keys = [_key(row[name]) for name in names] + [NONE_KEY, NONE_KEY]
        yield Measured(row[indicator.unit_field], indicator.code, keys[0], keys[1], Decimal(row["n"]))


def _unit_filter(indicator: Indicator, unit_ids: Iterable[int] | None) -> Q | None:
    if unit_ids is None:
        return None
    return Q(**{f"{indicator.unit_field.removesuffix('_id')}__in": list(unit_ids)})


def unscoped_measure_units(unit_ids: Iterable[int] | None = None) -> Iterator[Measured]:
    """Every indicator's figures for the given units (all units when None)."""
    ids = None if unit_ids is None else list(unit_ids)
    for indicator in indicators.CATALOGUE:
        yield from unscoped_measure(indicator, _unit_filter(indicator, ids))


def unscoped_current_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first()


def _figures(
    rows: Iterable[Measured], *, year: SchoolYear, when: dt.datetime, submission: Submission | None = None
) -> Iterator[Figure]:
    domains = {indicator.code: indicator.domain for indicator in indicators.CATALOGUE}
    for row in rows:
        yield Figure(
            unit_id=row.unit_id,
            submission=submission,
            school_year=year,
            domain=domains[row.indicator],
            indicator=row.indicator,
            a=row.a[:40],
            b=row.b[:40],
            value=row.value,
            computed_at=when,
        )


def unscoped_refresh_live(unit_ids: Iterable[int] | None = None) -> int:
    """Recompute the live figures of the given units (all when None) in one transaction; answers the rows written."""
    year = unscoped_current_year()
    if year is None:
        return 0
    ids = None if unit_ids is None else sorted(set(unit_ids))
    when = timezone.now()
    written = 0
    with transaction.atomic():
        stale = Figure.objects.filter(submission__isnull=True)
        if ids is not None:
            stale = stale.filter(unit_id__in=ids)
        stale.delete()  # nothing refers to a figure: one DELETE
        batch: list[Figure] = []
        for figure in _figures(unscoped_measure_units(ids), year=year, when=when):
            batch.append(figure)
            if len(batch) >= BATCH:
                written += len(Figure.objects.bulk_create(batch))
                batch = []
        written += len(Figure.objects.bulk_create(batch))
    if ids is None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the table was rewritten: give the planner its new shape now
            cursor.execute("ANALYZE stats_figure")
    log.info("stats: %d live figures refreshed for %s units", written, "all" if ids is None else len(ids))
    return written


def unscoped_freeze_figures(submission: Submission, *, covers: Iterable[str]) -> int:
    """Take the figures of a submission's unit for the component databases its period covers, in the caller's
    transaction (the one that takes the snapshot), so they describe exactly the records the snapshot froze. They
    are the unit's live figures of that moment too: its live rows of those indicators are replaced by them."""
    wanted = set(covers)
    year = submission.report.period.school_year or unscoped_current_year()
    if year is None:  # no school year at all: nothing to file the figures under (never in a running system)
        return 0
    unit_id = submission.report.unit_id
    chosen = [indicator for indicator in indicators.CATALOGUE if str(indicator.domain) in wanted]
    rows: list[Measured] = []
    for indicator in chosen:
        rows.extend(unscoped_measure(indicator, _unit_filter(indicator, [unit_id])))
    frozen = list(_figures(rows, year=year, when=submission.submitted_at, submission=submission))
    Figure.objects.bulk_create(frozen, batch_size=BATCH)
    current = unscoped_current_year()
    if current is not None:
        codes = [indicator.code for indicator in chosen]
        Figure.objects.filter(submission__isnull=True, unit_id=unit_id, indicator__in=codes).delete()
        Figure.objects.bulk_create(_figures(rows, year=current, when=submission.submitted_at), batch_size=BATCH)
    return len(frozen)


def refresh_live_later(unit_ids: Iterable[int]) -> None:
    """Queue a refresh of these units' live figures once the current transaction commits."""
    from edudb.stats.tasks import refresh_live_task

    ids = sorted(set(unit_ids))
    transaction.on_commit(lambda: refresh_live_task.enqueue(unit_ids=ids))
