"""What a submission freezes (R7.2): the unit's records of the covered component databases, as plain rows.

A snapshot is canonical JSON — rows ordered by id, keys sorted — so the same data always gives the same SHA-256
checksum, then zlib-compressed (a school of 2,000 learners takes a few hundred kilobytes). Code-list values are
kept as their official codes, so a later change of a code list does not change what a past report said. Sealed
personal IDs are left out (minimisation, R8.4): the snapshot records only whether each record had one.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext as _

from edudb.core.models import Unit
from edudb.quality import completeness
from edudb.quality.models import TARGET_DOMAIN, CodeItem, Target

SKIPPED = frozenset({"name_key", "version", "unit"})
CHANGES_SHOWN = 200  # changed records listed per kind of record in a difference; the counts are always complete


def targets_of(covers: Iterable[str]) -> list[str]:
    """The kinds of record a period covering ``covers`` (component databases) freezes."""
    wanted = set(covers)
    return [str(target) for target in Target if str(TARGET_DOMAIN[target]) in wanted]


def _columns(model: type[models.Model]) -> tuple[list[str], list[str], list[str]]:
    """The values() expressions of a snapshot row, the names they are stored under, and the secret fields."""
    secret: frozenset[str] = getattr(model, "secret_fields", frozenset())
    expressions, names = [], []
    for f in model._meta.concrete_fields:
        if f.name in SKIPPED or f.name in secret:
            continue
        if isinstance(f, models.ForeignKey) and f.related_model is CodeItem:
            expressions.append(f"{f.name}__code")
            names.append(f.name)
        elif isinstance(f, models.ForeignKey):
            expressions.append(f.attname)
            names.append(f.attname)
        else:
            expressions.append(f.name)
            names.append(f.name)
    return expressions, names, sorted(secret)


def rows_of(unit: Unit, target: str) -> list[dict[str, Any]]:
    """The current records of ``target`` of ``unit`` (its own, not those of the units below it), as plain rows."""
    model = completeness.target_model(target)
    expressions, names, secret = _columns(model)
    queryset = completeness.current_records(target).filter(unit=unit).order_by("pk")
    present = [models.Q(**{f"{name}__isnull": False}) & ~models.Q(**{name: ""}) for name in secret]
    annotations = {
        f"has_{name}": models.ExpressionWrapper(condition, output_field=models.BooleanField())
        for name, condition in zip(secret, present, strict=True)
    }
    rows = []
    for values in queryset.annotate(**annotations).values_list(*expressions, *annotations):
        row = dict(zip(names + list(annotations), values, strict=True))
        rows.append(row)
    return rows


@dataclass
class Frozen:
    """A unit's data as a submission freezes it."""

    payload: bytes  # compressed canonical JSON
    checksum: str
    counts: dict[str, int]
    size: int


def freeze(unit: Unit, targets: list[str]) -> Frozen:
    records = {target: rows_of(unit, target) for target in targets}
    document = {"unit": {"id": unit.pk, "code": unit.code, "name": unit.name}, "records": records}
    raw = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = raw.encode()
    return Frozen(
        payload=zlib.compress(data, 6),
        checksum=hashlib.sha256(data).hexdigest(),
        counts={target: len(rows) for target, rows in records.items()},
        size=len(data),
    )


def thaw(payload: bytes | memoryview) -> dict[str, Any]:
    """The document a snapshot froze."""
    return json.loads(zlib.decompress(bytes(payload)))  # type: ignore[no-any-return]


def verify(payload: bytes | memoryview, checksum: str) -> bool:
    """Whether the stored data still matches the checksum taken when it was submitted."""
    return hashlib.sha256(zlib.decompress(bytes(payload))).hexdigest() == checksum


@dataclass
class TargetDifference:
    """How one kind of record differs between two versions of a report."""

    target: str
    label: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[tuple[str, Any, Any]]]] = field(default_factory=list)
    added_count: int = 0
    removed_count: int = 0
    changed_count: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added_count or self.removed_count or self.changed_count)


def _label(row: dict[str, Any]) -> str:
    for key in ("full_name", "name", "ministry_code", "code"):
        if row.get(key):
            return str(row[key])
    return f"#{row.get('id')}"


# Bookkeeping columns a reader of the difference does not need: they change with every save.
NOT_COMPARED = frozenset({"updated_at", "created_at", "updated_by_id", "created_by_id"})


class _Shown:
    """How the difference shows one kind of record's values: labels, code-list names, class names."""

    def __init__(self, model: type[models.Model], older: dict[str, Any], newer: dict[str, Any]) -> None:
        self.labels: dict[str, str] = {}
        self.code_lists: dict[str, str] = {}
        for f in model._meta.concrete_fields:
            self.labels[f.attname] = self.labels[f.name] = str(f.verbose_name)
            if isinstance(f, models.ForeignKey) and f.related_model is CodeItem:
                choices = f.remote_field.limit_choices_to
                if isinstance(choices, dict) and "code_list__code" in choices:
                    self.code_lists[f.name] = str(choices["code_list__code"])
        self._names: dict[str, dict[str, str]] = {}
        # Classes are named from the snapshots themselves (the report's own classes, as they were).
        self.classes = {
            row["id"]: row.get("name", "")
            for document in (older, newer)
            for row in document["records"].get(str(Target.CLASS), [])
        }

    def label(self, name: str) -> str:
        return self.labels.get(name.removeprefix("has_"), name)

    def value(self, name: str, value: Any) -> Any:
        if value is None or value == "":
            return None
        if name in self.code_lists:
            if name not in self._names:
                self._names[name] = dict(
                    CodeItem.objects.filter(code_list__code=self.code_lists[name]).values_list("code", "name")
                )
            return f"{self._names[name].get(value, value)} ({value})"
        if name == "school_class_id":
            return self.classes.get(value, value)
        if isinstance(value, bool):
            return _("có") if value else _("không")
        return value


def difference(older: dict[str, Any], newer: dict[str, Any]) -> list[TargetDifference]:
    """Record by record, what changed from ``older`` to ``newer`` (two thawed snapshot documents), with values
    as a person reads them (code-list names, class names, yes/no)."""
    result = []
    targets = [t for t in Target if str(t) in older["records"] or str(t) in newer["records"]]
    for target in targets:
        shown = _Shown(completeness.target_model(target), older, newer)
        before = {row["id"]: row for row in older["records"].get(str(target), [])}
        after = {row["id"]: row for row in newer["records"].get(str(target), [])}
        diff = TargetDifference(str(target), str(target.label))
        for pk in sorted(after.keys() - before.keys()):
            diff.added_count += 1
            if len(diff.added) < CHANGES_SHOWN:
                diff.added.append(_label(after[pk]))
        for pk in sorted(before.keys() - after.keys()):
            diff.removed_count += 1
            if len(diff.removed) < CHANGES_SHOWN:
                diff.removed.append(_label(before[pk]))
        for pk in sorted(before.keys() & after.keys()):
            old, new = before[pk], after[pk]
            fields = [
                (shown.label(name), shown.value(name, old.get(name)), shown.value(name, new.get(name)))
                for name in sorted(old.keys() | new.keys())
                if name not in NOT_COMPARED and old.get(name) != new.get(name)
            ]
            if fields:
                diff.changed_count += 1
                if len(diff.changed) < CHANGES_SHOWN:
                    diff.changed.append((_label(new), fields))
        result.append(diff)
    return result
