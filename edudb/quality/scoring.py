"""The quality scorecard (R6.5): the four properties of Điều 2.1 as figures per unit, rolled up the tree.

:func:`measure` runs in the background (nightly, and when a unit asks): for each unit and kind of record it counts
the required fields filled (đầy đủ), the records breaking an error rule (chính xác), the text values not in the
one stored form (thống nhất) and the records neither changed nor confirmed within the Sở's threshold (kịp thời),
stores one :class:`UnitScore` row per unit and kind, and replaces the unit's :class:`Finding` rows — the work list.
Reading a scorecard then sums stored rows over a subtree: its cost does not grow with the number of records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core.models import Unit
from edudb.quality import completeness
from edudb.quality.models import (
    TARGET_DOMAIN,
    DataConfirmation,
    Finding,
    QualitySettings,
    Severity,
    Target,
    UnitScore,
)
from edudb.quality.rules import Context, Problem, find_duplicate_children, rules_for, run_rules, settings_by_rule

BATCH_UNITS = 50

# The text values held to one form (thống nhất), per kind of record: (field, kind of normalisation).
# Kinds are the member names of edudb.quality.normalise.Kind.
CONSISTENT_FIELDS: dict[str, list[tuple[str, str]]] = {
    Target.STUDENT: [
        ("full_name", "NAME"),
        ("birthplace", "TEXT"),
        ("home_address", "TEXT"),
        ("current_address", "TEXT"),
        ("phone", "PHONE"),
    ],
    Target.STAFF: [
        ("full_name", "NAME"),
        ("major", "TEXT"),
        ("subjects", "TEXT"),
        ("rank", "TEXT"),
        ("phone", "PHONE"),
    ],
    Target.CLASS: [("name", "TEXT"), ("specialised_subject", "TEXT")],
    Target.SCHOOL: [
        ("street_address", "TEXT"),
        ("establishment_decision", "TEXT"),
        ("principal_name", "NAME"),
        ("phone", "PHONE"),
        ("principal_phone", "PHONE"),
    ],
    Target.ROOM: [],
}

# What each kind of record needs loaded for its rules and its label in the work list.
RECORD_SELECT: dict[str, tuple[str, ...]] = {
    Target.STUDENT: ("unit",),
    Target.STAFF: ("unit",),
    Target.CLASS: ("unit", "school_year"),
    Target.SCHOOL: ("unit",),
    Target.ROOM: ("unit", "site", "room_kind", "school_year"),
}


def record_field_label(model: Any, name: str) -> str:
    """A field's Vietnamese label as a message starts it ("Họ và tên")."""
    return str(model._meta.get_field(name).verbose_name).capitalize()


def record_label(target: str, record: Any) -> str:
    """How a record is named in the work list (never with its personal ID)."""
    if target in (Target.STUDENT, Target.STAFF):
        code = record.ministry_code or getattr(record, "temporary_code", None) or ""
        return f"{record.full_name} ({code})" if code else record.full_name
    if target == Target.CLASS:
        return _("Lớp %(name)s, năm học %(year)s") % {"name": record.name, "year": record.school_year}
    if target == Target.SCHOOL:
        return str(record.unit.name)
    return f"{record.room_kind} — {record.site.name}"


def consistency_problem(value: str, kind: str, label: str = "") -> tuple[str, bool] | None:
    """Why a stored value is not in the one stored form, and whether the layer can fix it (the change it would
    make) or a person must (a value it cannot read); None when the value is fine."""
    if not value:
        return None
    from edudb.quality import normalise

    layer = normalise.Normaliser()
    layer.clean("value", normalise.Kind[kind], value, label=label or _("Giá trị"))
    if layer.errors:
        return layer.errors["value"], False
    change = next((c for c in layer.changes if not c.minor), None) or (layer.changes[0] if layer.changes else None)
    if change is None:
        return None
    return _("“%(before)s” chưa theo chuẩn chung; chuẩn hóa thành “%(after)s” (%(why)s).") % {
        "before": change.before,
        "after": change.after,
        "why": ", ".join(str(reason) for reason in change.reasons),
    }, True


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass
class Figures:
    """The four properties of Điều 2.1 over a set of units and records, with the counts behind them."""

    records: int = 0
    required_cells: int = 0
    filled_cells: int = 0
    checked_values: int = 0
    inconsistent_values: int = 0
    records_with_errors: int = 0
    records_with_warnings: int = 0
    stale_records: int = 0
    last_changed_at: dt.datetime | None = None
    measured_at: dt.datetime | None = None

    def add(self, row: Mapping[str, Any]) -> None:
        """Add the counts of a stored score (a row of ``UnitScore`` values, or a sum of several)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + (row[name] or 0))
        changed, measured = row["last_changed_at"], row["measured_at"]
        if changed and (self.last_changed_at is None or changed > self.last_changed_at):
            self.last_changed_at = changed
        if measured and (self.measured_at is None or measured < self.measured_at):
            self.measured_at = measured  # the oldest measurement is what the figures can vouch for

    @property
    def completeness(self) -> float | None:
        """Đầy đủ: the share of required fields filled."""
        return _share(self.filled_cells, self.required_cells)

    @property
    def accuracy(self) -> float | None:
        """Chính xác: the share of records without an error."""
        return _share(self.records - self.records_with_errors, self.records)

    @property
    def consistency(self) -> float | None:
        """Thống nhất: the share of checked values already in the one stored form."""
        return _share(self.checked_values - self.inconsistent_values, self.checked_values)

    @property
    def timeliness(self) -> float | None:
        """Kịp thời: the share of records changed or confirmed within the Sở's threshold."""
        return _share(self.records - self.stale_records, self.records)

    @property
    def overall(self) -> float | None:
        parts = [p for p in (self.completeness, self.accuracy, self.consistency, self.timeliness) if p is not None]
        return sum(parts) / len(parts) if parts else None


_COUNTS = [f.name for f in fields(Figures) if f.name not in {"last_changed_at", "measured_at"}]


@dataclass
class Tally(Figures):
    """The counts behind one unit's figures for one kind of record, with the problems found on the way."""

    findings: list[Finding] = field(default_factory=list)


def _tallies_for(
    target: str, units: list[Unit], now: dt.datetime, stale_after: int, duplicates: dict[int, Problem]
) -> dict[int, Tally]:
    model = completeness.target_model(target)
    records = completeness.current_records(target).filter(unit_id__in=[u.pk for u in units])
    tallies: dict[int, Tally] = {u.pk: Tally() for u in units}
    reqs = completeness.requirements(target)
    cutoff = now - dt.timedelta(days=stale_after)
    confirmed = dict(
        DataConfirmation.objects.filter(unit__in=units, target=target)
        .values("unit_id")
        .annotate(last=Max("confirmed_at"))
        .values_list("unit_id", "last")
    )
    # Completeness and timeliness: one grouped query, a conditional count per required field.
    missing = {f"missing_{r.field}": Count("pk", filter=completeness.empty_q(model, r.field)) for r in reqs}
    grouped = records.values("unit_id").annotate(
        n=Count("pk"), changed=Max("updated_at"), old=Count("pk", filter=Q(updated_at__lt=cutoff)), **missing
    )
    levels = {u.pk: u.level_codes for u in units}
    for row in grouped:
        tally = tallies[row["unit_id"]]
        tally.records = row["n"]
        tally.last_changed_at = row["changed"]
        last_confirmed = confirmed.get(row["unit_id"])
        tally.stale_records = 0 if last_confirmed and last_confirmed >= cutoff else row["old"]
        own = completeness.applicable(reqs, levels[row["unit_id"]])
        tally.required_cells = row["n"] * len(own)
        tally.filled_cells = tally.required_cells - sum(row[f"missing_{r.field}"] for r in own)
    # Accuracy and consistency: the rules and the normalisation layer over every record.
    rules = rules_for(target, settings_by_rule())
    ctx = Context(today=timezone.localdate(now))
    if target == Target.STUDENT:
        ctx.load_classes(Q(unit__in=units, school_year__is_current=True))
    if target == Target.CLASS:
        ctx.class_sizes = dict(
            completeness.current_records(Target.STUDENT)
            .filter(unit_id__in=[u.pk for u in units], school_class__isnull=False)
            .values("school_class_id")
            .annotate(n=Count("pk"))
            .values_list("school_class_id", "n")
        )
    consistent = [(name, kind, record_field_label(model, name)) for name, kind in CONSISTENT_FIELDS[target]]
    queryset = records.select_related(*RECORD_SELECT[target]).order_by("pk")
    if target == Target.CLASS:
        queryset = queryset.annotate(homeroom_unit_id=F("homeroom_teacher__unit_id"))  # the class.homeroom rule
    for record in queryset.iterator(chunk_size=2000):
        tally = tallies[record.unit_id]
        problems = run_rules(record, rules, ctx)
        if record.pk in duplicates:
            problems.append(duplicates[record.pk])
        label = record_label(target, record)
        for problem in problems:
            tally.findings.append(_finding(record, target, label, Finding.Kind.INVALID, problem, now))
        severities = {p.severity for p in problems}
        tally.records_with_errors += Severity.ERROR in severities
        tally.records_with_warnings += Severity.WARNING in severities and Severity.ERROR not in severities
        for name, kind, field_label in consistent:
            value = getattr(record, name) or ""
            if not value:
                continue
            tally.checked_values += 1
            found = consistency_problem(value, kind, field_label)
            if found:
                why, fixable = found
                tally.inconsistent_values += 1
                # What the layer can fix is "not yet consistent" (fixed by standardise_records); a value it
                # cannot read at all (an emoji in a name) is a format error a person must correct.
                rule, kind_found = (
                    ("consistency", Finding.Kind.INCONSISTENT) if fixable else ("format", Finding.Kind.INVALID)
                )
                problem = Problem(rule, name, why, Severity.WARNING)
                tally.findings.append(_finding(record, target, label, kind_found, problem, now))
    return tallies


def _finding(record: Any, target: str, label: str, kind: str, problem: Problem, now: dt.datetime) -> Finding:
    return Finding(
        unit_id=record.unit_id,
        domain=TARGET_DOMAIN[Target(target)],
        target=target,
        object_id=record.pk,
        object_label=label[:200],
        kind=kind,
        rule=problem.rule,
        field=problem.field,
        severity=problem.severity,
        message=problem.message,
        found_at=now,
    )


def _units_to_measure(unit_ids: Iterable[int] | None) -> Iterator[list[Unit]]:
    queryset = Unit.objects.filter(is_active=True).order_by("path")
    if unit_ids is not None:
        queryset = queryset.filter(pk__in=list(unit_ids))
    batch: list[Unit] = []
    for unit in queryset.iterator(chunk_size=500):
        batch.append(unit)
        if len(batch) == BATCH_UNITS:
            yield batch
            batch = []
    if batch:
        yield batch


def measure(unit_ids: Iterable[int] | None = None, *, progress: Callable[[int], None] | None = None) -> int:
    """Measure every unit (or ``unit_ids``): replace their scores and findings. Returns the number of units.

    Each batch of units is written in its own transaction, so a reader sees a unit's old figures or its new ones,
    never half of each, and a city-wide run does not hold one long transaction."""
    now = timezone.now()
    stale_after = QualitySettings.current().stale_after_days
    unit_ids = None if unit_ids is None else list(unit_ids)
    duplicates = find_duplicate_children(unit_ids)  # once for the run: it compares across the whole roll
    done = 0
    for units in _units_to_measure(unit_ids):
        per_target = {target: _tallies_for(target, units, now, stale_after, duplicates) for target in Target}
        with transaction.atomic():
            Finding.objects.filter(unit__in=units).delete()
            UnitScore.objects.filter(unit__in=units).delete()
            scores, findings = [], []
            for target, tallies in per_target.items():
                for unit_id, tally in tallies.items():
                    findings.extend(tally.findings)
                    if tally.records or tally.findings:
                        scores.append(_score(unit_id, target, tally, now))
            Finding.objects.bulk_create(findings, batch_size=2000)
            UnitScore.objects.bulk_create(scores, batch_size=2000)
        done += len(units)
        if progress:
            progress(done)
    return done


def _score(unit_id: int, target: str, tally: Tally, now: dt.datetime) -> UnitScore:
    return UnitScore(
        unit_id=unit_id,
        domain=TARGET_DOMAIN[Target(target)],
        target=target,
        measured_at=now,
        last_changed_at=tally.last_changed_at,
        **{name: getattr(tally, name) for name in _COUNTS},
    )


# --- Reading: figures rolled up the tree ------------------------------------------------------------------------------


@dataclass
class Scorecard:
    """One unit's scorecard: figures per kind of record and in total, over the unit and everything below it."""

    unit: Unit
    by_target: dict[str, Figures]
    total: Figures

    @property
    def targets(self) -> list[tuple[str, str, Figures]]:
        return [(t.value, str(t.label), self.by_target[t.value]) for t in Target if t.value in self.by_target]


def _visible_scores(user: Any, unit: Unit) -> Any:
    from edudb.core.models import subtree_q

    return UnitScore.objects.visible_to(user).filter(subtree_q(unit.path, "unit__"))


def scorecard(user: Any, unit: Unit) -> Scorecard:
    """``unit``'s scorecard over its subtree, counting only what ``user`` may see: one GROUP BY over the stored
    scores (one row per unit and kind of record), never over the records themselves."""
    card = Scorecard(unit, {}, Figures())
    sums = (
        _visible_scores(user, unit)
        .order_by()
        .values("target")
        .annotate(
            **{name: Sum(name) for name in _COUNTS},
            last_changed_at=Max("last_changed_at"),
            measured_at=Min("measured_at"),
        )
    )
    for row in sums:
        card.by_target.setdefault(row["target"], Figures()).add(row)
        card.total.add(row)
    return card


def child_scorecards(user: Any, unit: Unit, children: Iterable[Unit]) -> list[Scorecard]:
    """The scorecards of ``unit``'s children (each over its own subtree) from one query over ``unit``'s subtree;
    ``unit``'s own records form a first row when it has any."""
    cards = {child.pk: Scorecard(child, {}, Figures()) for child in children}
    own = Scorecard(unit, {}, Figures())
    by_path = {child.path: cards[child.pk] for child in children}
    depth = unit.path.count("/")
    rows = _visible_scores(user, unit).values(
        "unit_id", "unit__path", "target", "measured_at", "last_changed_at", *_COUNTS
    )
    for row in rows.iterator(chunk_size=5000):  # plain rows: a city's 9 k scores cost milliseconds, not objects
        child_path = "/".join(row["unit__path"].split("/")[: depth + 1]) + "/"
        card = own if row["unit_id"] == unit.pk else by_path.get(child_path)
        if card is None:
            continue
        card.by_target.setdefault(row["target"], Figures()).add(row)
        card.total.add(row)
    return ([own] if own.total.records else []) + list(cards.values())


def group_findings(findings: Iterable[Finding]) -> dict[tuple[str, int], list[Finding]]:
    """Findings grouped by record, in the order given."""
    grouped: dict[tuple[str, int], list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[(finding.target, finding.object_id)].append(finding)
    return grouped
