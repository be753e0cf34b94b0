"""The catalogue of what an outside party may ask for: the component databases and, per database, its fields.

The fields are the columns of the list exports (``edudb.exchange.exports``): a release is written by the same
column definitions (headers, accessors, cell kinds, formula neutralisation) that export the lists, so "what a
request can name" and "what a release holds" cannot drift apart. A field is addressed by a stable key
``<database>:<slug of its Vietnamese header>`` (e.g. ``students:ho_va_ten``), which is what requests and decisions
store.

Two kinds of field carry data that the Sở's consent must name explicitly (Điều 3.2–3.3; personal-data law):

- **personal IDs** (``Cell.SECRET`` columns — số định danh cá nhân): without consent they are replaced by a keyed
  pseudonym, the same for the same person within one request and unlinkable across requests;
- **health data** (the disability column of the students' database): without consent the column is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from edudb.core.scoping import Domain
from edudb.exchange.exports import Cell, ExportColumn, ExportSpec, get_spec
from edudb.quality.text import search_key


@dataclass(frozen=True)
class Database:
    key: str  # the component database (a Domain value)
    label: str | Promise
    source: str  # the export spec that lists it


DATABASES: tuple[Database, ...] = (
    Database(Domain.SCHOOLS, _("Trường học"), "schools"),
    Database(Domain.CLASSES, _("Lớp học"), "classes"),
    Database(Domain.STAFF, _("Đội ngũ"), "staff"),
    Database(Domain.STUDENTS, _("Học sinh"), "students"),
    Database(Domain.FACILITIES, _("Cơ sở vật chất"), "rooms"),
)
DATABASE_BY_KEY = {database.key: database for database in DATABASES}

# Header slugs of the columns that hold health data (dropped from a release unless the consent names them).
HEALTH_SLUGS = frozenset({"khuyet_tat", "loai_khuyet_tat", "dang_khuyet_tat"})


class Sensitivity:
    NONE = ""
    PERSONAL_ID = "personal_id"
    HEALTH = "health"


@dataclass(frozen=True)
class CatalogueField:
    key: str  # "students:ho_va_ten"
    database: str
    label: str
    column: ExportColumn
    sensitivity: str = Sensitivity.NONE


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", search_key(text)).strip("_")


def spec_of(database: str) -> ExportSpec:
    spec = get_spec(DATABASE_BY_KEY[database].source)
    if spec is None:  # pragma: no cover - the export registry always holds these
        raise LookupError(database)
    return spec


@cache
def fields_of(database: str) -> tuple[CatalogueField, ...]:
    """The fields of one database, in the export's column order (keys from the Vietnamese msgid of the header)."""
    made: list[CatalogueField] = []
    used: set[str] = set()
    for column in spec_of(database).columns:
        with translation.override("vi"):
            label = str(column.header)
        base = slug(label)
        key, number = base, 2
        while key in used:
            key, number = f"{base}_{number}", number + 1
        used.add(key)
        sensitivity = Sensitivity.NONE
        if column.kind == Cell.SECRET:
            sensitivity = Sensitivity.PERSONAL_ID
        elif base in HEALTH_SLUGS:
            sensitivity = Sensitivity.HEALTH
        made.append(CatalogueField(f"{database}:{key}", database, label, column, sensitivity))
    return tuple(made)


def all_fields() -> dict[str, CatalogueField]:
    return {item.key: item for database in DATABASES for item in fields_of(database.key)}


def field_choices() -> list[tuple[Any, Any]]:
    """Grouped choices for a form: one group per database."""
    groups: list[tuple[Any, Any]] = []
    for database in DATABASES:
        options = []
        for item in fields_of(database.key):
            mark = ""
            if item.sensitivity == Sensitivity.PERSONAL_ID:
                mark = " " + str(_("(định danh cá nhân)"))
            elif item.sensitivity == Sensitivity.HEALTH:
                mark = " " + str(_("(dữ liệu sức khỏe)"))
            options.append((item.key, f"{item.label}{mark}"))
        groups.append((str(database.label), options))
    return groups


def unknown(keys: list[str]) -> list[str]:
    known = all_fields()
    return [key for key in keys if key not in known]


def databases_of(keys: list[str]) -> list[str]:
    """The databases the keys belong to, in catalogue order."""
    wanted = {key.split(":", 1)[0] for key in keys}
    return [database.key for database in DATABASES if database.key in wanted]


def describe(keys: list[str]) -> list[tuple[str, list[str]]]:
    """(database label, field labels) for display, in catalogue order."""
    known = all_fields()
    out = []
    for database in DATABASES:
        labels = [known[key].label for key in keys if key in known and known[key].database == database.key]
        if labels:
            out.append((str(database.label), labels))
    return out


def sensitive(keys: list[str], kind: str) -> list[str]:
    known = all_fields()
    return [key for key in keys if key in known and known[key].sensitivity == kind]
