"""Completeness (R6.2, đầy đủ): which fields the Sở requires of each kind of record, and which are still empty.

The Sở chooses the required fields per kind of record and, where it differs, per level group
(:class:`~edudb.quality.models.CompletenessRule`). A record's completeness is the share of its required fields that
are filled; a unit's is the same over all its records, counted in one grouped query per kind of record.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import models
from django.db.models import Q

from edudb.quality.models import CompletenessRule, Target

# Bookkeeping and structure, never "missing": who owns the record, its version, its computed keys.
_NOT_REQUIRABLE = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "updated_by",
    "unit",
    "school_year",
    "name_key",
    "ministry_code",
    "temporary_code",
}


def target_model(target: str) -> type[models.Model]:
    from edudb.registry.models import RoomStock, SchoolClass, SchoolProfile, StaffMember, Student

    return {
        Target.STUDENT: Student,
        Target.STAFF: StaffMember,
        Target.CLASS: SchoolClass,
        Target.SCHOOL: SchoolProfile,
        Target.ROOM: RoomStock,
    }[Target(target)]


def current_records(target: str) -> models.QuerySet[Any]:
    """The records of ``target`` that make up the database today: learners on the roll, staff at work, this
    year's classes and rooms, every school profile. (Unscoped: callers narrow by unit.)"""
    from edudb.quality.rules import PRESENT_STUDENT, WORKING_STAFF

    queryset = target_model(target)._default_manager.all()
    if target == Target.STUDENT:
        return queryset.filter(status__code__in=PRESENT_STUDENT)
    if target == Target.STAFF:
        return queryset.filter(work_status__code__in=WORKING_STAFF)
    if target in (Target.CLASS, Target.ROOM):
        return queryset.filter(school_year__is_current=True)
    return queryset


def requirable_fields(target: str) -> dict[str, str]:
    """The fields the Sở may require of ``target``, with their Vietnamese labels (booleans are never missing)."""
    model = target_model(target)
    return {
        f.name: str(f.verbose_name)
        for f in model._meta.concrete_fields
        if f.name not in _NOT_REQUIRABLE and not isinstance(f, models.BooleanField) and getattr(f, "editable", True)
    }


def empty_q(model: type[models.Model], name: str) -> Q:
    """The condition under which ``name`` counts as not filled."""
    field = model._meta.get_field(name)
    if isinstance(field, models.CharField | models.TextField):
        return Q(**{f"{name}__isnull": True}) | Q(**{name: ""})
    return Q(**{f"{name}__isnull": True})


@dataclass(frozen=True)
class Requirement:
    target: str
    field: str
    label: str
    level: str


def requirements(target: str | None = None) -> list[Requirement]:
    """The active required fields (of one target, or all), skipping any that no longer exist on the model."""
    rules = CompletenessRule.objects.filter(is_active=True)
    if target:
        rules = rules.filter(target=target)
    labels = {t: requirable_fields(t) for t in {r.target for r in rules}}
    return [
        Requirement(r.target, r.field, labels[r.target][r.field], r.level) for r in rules if r.field in labels[r.target]
    ]


def applicable(reqs: list[Requirement], level_codes: str) -> list[Requirement]:
    """The requirements that apply to a unit teaching ``level_codes`` ("|th|thcs|")."""
    return [r for r in reqs if not r.level or f"|{r.level}|" in (level_codes or "")]


def missing_fields(record: Any, reqs: list[Requirement]) -> list[Requirement]:
    """Which of ``reqs`` ``record`` leaves empty."""
    result = []
    for req in reqs:
        value = getattr(record, f"{req.field}_id" if _is_relation(record, req.field) else req.field)
        if value is None or value == "":
            result.append(req)
    return result


def _is_relation(record: Any, name: str) -> bool:
    return bool(record._meta.get_field(name).is_relation)


def incomplete_q(target: str, reqs: list[Requirement]) -> Q | None:
    """Records missing at least one of ``reqs``; None when nothing is required."""
    model = target_model(target)
    parts = [empty_q(model, r.field) for r in reqs]
    return reduce(or_, parts) if parts else None
