"""The import pipeline: a file's rows read, normalised, checked and compared with the database (the preview), then
written all at once (the commit).

Preview (background task): the upload is inspected (``safety``), its sheet and header found (``reading``), and the
rows go through in blocks of ``CHUNK_ROWS``: each column through the one normalisation layer
(``normalise_column``), code-list values matched forgivingly, the row built into model values and checked by the
same rules as the forms (``quality.rules``), then compared with the record it updates — found by Ministry code,
personal ID, temporary code or name + birth date, in that order, so a second import of the same file finds every
row unchanged. Every problem and every normalisation is stored (``ImportProblem``), the planned rows are staged
(``ImportChunk``) so the commit writes exactly what the user saw.

Commit: one transaction. Records changed by someone since the preview make it stop (nothing written, the user
checks again); otherwise new records are inserted and changed ones updated in bulk, with their code claims,
guardians, policy groups and enrolment events, one audit entry for the whole file and one ``ImportChange`` per
record touched.

Queries: a constant number per block of rows (lookups by key for the block), never one per row.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.models import Category, Unit
from edudb.exchange.bulk import Inserter, allocate_ids
from edudb.exchange.layouts import Column, Layout
from edudb.exchange.models import (
    ImportChange,
    ImportChunk,
    ImportJob,
    ImportMode,
    ImportProblem,
    ImportState,
    RowAction,
)
from edudb.quality import rules
from edudb.quality.codelists import CodeMatchers
from edudb.quality.codes import repair_personal_id, validate_digits, validate_personal_id
from edudb.quality.models import CodeItem
from edudb.quality.normalise import TEXT_KINDS, ColumnMemo, Kind, normalise_column
from edudb.quality.text import search_key

if TYPE_CHECKING:
    from edudb.exchange.reading import CellFonts

logger = logging.getLogger(__name__)

CHUNK_ROWS = 5000
IMPORT_LOCK_CLASS = 7_310_051  # PostgreSQL advisory lock class of import commits (any constant of our own)
MAX_STORED_VALUE = 250
Progress = Callable[[int], None]


@lru_cache(maxsize=65536)
def _compact(text: str) -> str:
    return search_key(text).replace(" ", "").replace("-", "")


def compact(name: object) -> str:
    """A class, site or staff code compared without case, accents or spaces: '6 a1' = '6A1'."""
    return _compact(str(name))


class ImportFailed(Exception):
    """The import cannot go on; ``message`` says why in Vietnamese and what to do. Nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Problem:
    row: int
    column: str
    column_index: int | None
    field: str
    value: str
    message: str
    severity: str = ImportProblem.Severity.ERROR
    after: str = ""

    def model(self, job: ImportJob) -> ImportProblem:
        return ImportProblem(
            job=job,
            row=self.row,
            column=self.column[:200],
            column_index=self.column_index,
            field=self.field,
            value=_short(self.value),
            after=_short(self.after),
            severity=self.severity,
            message=self.message,
        )


def _short(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_STORED_VALUE else text[: MAX_STORED_VALUE - 1] + "…"


def _shown(value: object) -> str:
    """A cell's value as the user typed it, for a message."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):  # a datetime too
        return f"{value:%d/%m/%Y}"
    return "" if value is None else str(value)


class Phases:
    """Where an import's time goes, phase by phase (seconds, summed over the blocks): logged when a preview or a
    commit ends, so a slow import can be explained, and read by the import benchmark."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        """Count the time since the previous lap (or the start) towards ``name``."""
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self.last
        self.last = now

    def log(self, job: ImportJob, what: str) -> None:
        shown = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.seconds.items())
        logger.info("import %s, %s: %s", job.pk, what, shown, extra={"phases": dict(self.seconds), "what": what})


def _json(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@dataclass
class Row:
    """One data row on its way through the checks."""

    number: int  # as Excel shows it
    raw: dict[str, Any]  # field → the cell as read
    values: dict[str, Any] = field(default_factory=dict)  # field → normalised value
    attrs: dict[str, Any] = field(default_factory=dict)  # model attname → value to store
    extras: dict[str, Any] = field(default_factory=dict)  # guardians, policy groups…
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # the Sở's rules of severity "warning": written anyway
    unit_id: int | None = None
    existing: dict[str, Any] | None = None
    action: str = RowAction.NEW
    changes: dict[str, list[Any]] = field(default_factory=dict)


class Adapter(ABC):
    """What one kind of record needs from the pipeline: its model, how rows become model values, how it is
    looked up, written and checked."""

    layout: ClassVar[Layout]
    model: ClassVar[type[models.Model]]
    function: ClassVar[str]
    target: ClassVar[str]
    object_type: ClassVar[str]
    institutions_only: ClassVar[bool] = True  # students and classes belong to schools; staff to any unit

    def __init__(self, job: ImportJob, user: Any) -> None:
        self.job = job
        self.user = user
        self.matchers = CodeMatchers()
        self.units_by_code: dict[str, Unit] = {}
        self.default_unit: Unit | None = None
        self.rule_context = rules.Context()
        # The Sở's active rules with the severity it chose: errors refuse the row, warnings are listed with it.
        self.rules = rules.rules_for(self.target)
        self._code_cache: dict[tuple[str, object], CodeItem | str] = {}
        self.headers: dict[str, tuple[str, int]] = {}  # field → (the file's header, its column index)

    # --- context --------------------------------------------------------------------------------------------------

    def load_units(self, has_unit_column: bool) -> None:
        """The schools this import may write to: the job's unit, or every school in scope named by code."""
        writable = Unit.objects.visible_to(self.user, self.function)
        if self.institutions_only:
            writable = writable.filter(kind__category=Category.INSTITUTION)
        if not self.institutions_only or self.job.unit.kind.category == Category.INSTITUTION:
            self.default_unit = self.job.unit
        if has_unit_column:
            self.units_by_code = {unit.code.upper(): unit for unit in writable.select_related("kind")}
        elif self.default_unit is None:
            raise ImportFailed(
                _(
                    "Tệp không có cột “Mã trường” nên không biết mỗi dòng thuộc trường nào. Hãy chọn một trường khi "
                    "tải tệp lên, hoặc thêm cột “Mã trường” (mã của trường trên hệ thống) vào tệp."
                )
            )

    def after_units(self) -> None:  # noqa: B027 — a hook: an adapter with nothing to load leaves it
        """Load what the checks look up for these schools (classes, …)."""

    # --- per-row conversion -----------------------------------------------------------------------------------------

    def code_item(self, row: Row, column: Column, header: str, index: int | None) -> CodeItem | None:
        value = row.values.get(column.field)
        if value in (None, "") or not column.code_list:
            return None
        key = (column.code_list, value)
        found = self._code_cache.get(key)
        if found is None:
            item = self.matchers.match(column.code_list, value)
            found = item if item is not None else self.matchers.explain(column.code_list, value, header)
            self._code_cache[key] = found
        if isinstance(found, CodeItem):
            return found
        row.errors.append(Problem(row.number, header, index, column.field, _shown(row.raw.get(column.field)), found))
        return None

    @abstractmethod
    def build(self, row: Row, headers: dict[str, tuple[str, int]]) -> None: ...

    # --- lookups ----------------------------------------------------------------------------------------------------

    @abstractmethod
    def find_existing(self, rows: list[Row]) -> None: ...

    @abstractmethod
    def compared_attrs(self) -> list[str]: ...

    def file_keys(self, row: Row) -> list[tuple[str, str]]:
        """(field, value) pairs no two rows of one file may share (a Ministry code, a personal ID)."""
        return []

    def changes(self, row: Row) -> dict[str, list[Any]]:
        """The field changes ``row`` makes to the record it matched."""
        return _diff(row.existing, row.attrs)

    def check(self, row: Row, headers: dict[str, tuple[str, int]]) -> None:  # noqa: B027 — a hook, as above
        """Cross-field checks of a row that passed the per-cell ones (the forms' blocking rules)."""

    # --- writing ----------------------------------------------------------------------------------------------------

    @abstractmethod
    def write(self, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> dict[int, int]:
        """Insert ``new`` and update ``changed`` (staged rows); returns row number → record id of the new ones."""

    @property
    def by(self) -> Any:
        """The writer as the records' ``updated_by`` (None for a system run)."""
        return self.user if getattr(self.user, "is_authenticated", False) else None

    @cached_property
    def attnames(self) -> list[str]:
        return [field.attname for field in self.model._meta.concrete_fields]

    @cached_property
    def _converters(self) -> dict[str, Callable[[Any], Any]]:
        """How a staged (JSON) value goes back to its field's type: dates from ISO text, decimals from text."""
        converters: dict[str, Callable[[Any], Any]] = {}
        for model_field in self.model._meta.concrete_fields:
            if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
                converters[model_field.attname] = dt.date.fromisoformat
            elif isinstance(model_field, models.DecimalField):
                converters[model_field.attname] = lambda value: Decimal(str(value))
        return converters

    def stored(self, name: str, value: Any) -> Any:
        """A staged value as the database takes it."""
        convert = self._converters.get(name)
        return convert(value) if convert is not None and value not in (None, "") else value

    def derived(self, values: dict[str, Any]) -> dict[str, Any]:
        """Columns computed from the given ones (a person's ``name_key``); none by default."""
        return {}

    def insert_records(
        self,
        new: list[dict[str, Any]],
        now: dt.datetime,
        fill: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
    ) -> dict[int, int]:
        """Insert the new rows' records in one go, ids taken up front; ``fill(values, staged)`` adds what the row
        does not carry (defaults, the school year…). Returns row number → new id."""
        columns = self.attnames
        inserter = Inserter(self.model, columns)
        defaults = inserter.defaults()
        ids = allocate_ids(self.model, len(new))
        by = self.by
        rows = []
        for pk, staged in zip(ids, new, strict=True):
            values = dict(defaults)
            for name, value in staged["d"].items():
                values[name] = self.stored(name, value)
            if "unit_id" in values:
                values["unit_id"] = staged["u"]
            values.update(id=pk, version=1, created_at=now, updated_at=now, updated_by_id=by.pk if by else None)
            values.update(self.derived(values))
            if fill is not None:
                fill(values, staged)
            rows.append([values[name] for name in columns])
        inserter.insert(rows)
        return {staged["r"]: pk for staged, pk in zip(new, ids, strict=True)}

    def update_changed(self, changed: list[dict[str, Any]], now: dt.datetime) -> None:
        """Apply each changed row's changes, grouped by the fields it changes (one UPDATE per batch), each record's
        version bumped."""
        groups: dict[tuple[str, ...], list[Any]] = defaultdict(list)
        by = self.by
        for staged in changed:
            names = tuple(sorted(name for name in staged["c"] if name in staged["d"]))
            values = {name: self.stored(name, staged["d"][name]) for name in names}
            values.update(self.derived(values))
            record = self.model(pk=staged["id"], **values)
            record.version = staged["v"] + 1  # type: ignore[attr-defined]
            record.updated_at = now  # type: ignore[attr-defined]
            record.updated_by = by  # type: ignore[attr-defined]
            groups[tuple(values)].append(record)
        for names, records in groups.items():
            self.model._default_manager.bulk_update(
                records, [*names, "version", "updated_at", "updated_by"], batch_size=500
            )

    # --- shared helpers ---------------------------------------------------------------------------------------------

    def unit_for(self, row: Row, headers: dict[str, tuple[str, int]]) -> None:
        code = row.values.get("unit_code")
        if code:
            unit = self.units_by_code.get(str(code).upper())
            if unit is None:
                header, index = headers["unit_code"]
                row.errors.append(
                    Problem(
                        row.number,
                        header,
                        index,
                        "unit_code",
                        _shown(code),
                        _(
                            "Không có trường mã “%(code)s” trong phạm vi bạn được nhập: dòng này không được ghi. Hãy "
                            "kiểm tra mã trường, hoặc để trường đó tự nhập dữ liệu của mình."
                        )
                        % {"code": code},
                    )
                )
                return
            row.unit_id = unit.pk
        elif self.default_unit is not None:
            row.unit_id = self.default_unit.pk
        else:
            header, index = headers["unit_code"]
            row.errors.append(
                Problem(
                    row.number,
                    header,
                    index,
                    "unit_code",
                    "",
                    _("Dòng này chưa có mã trường: hãy ghi mã trường (cột “%(header)s”).") % {"header": header},
                )
            )

    def required(self, row: Row, headers: dict[str, tuple[str, int]]) -> None:
        for column in self.layout.required:
            if column.field in headers and row.values.get(column.field) in (None, ""):
                header, index = headers[column.field]
                if not any(problem.field == column.field for problem in row.errors):
                    row.errors.append(
                        Problem(
                            row.number,
                            header,
                            index,
                            column.field,
                            "",
                            _("“%(header)s” không được để trống: hãy điền vào ô này.") % {"header": header},
                        )
                    )

    # A rule names the model's field; the file's column may be called otherwise.
    rule_columns: ClassVar[dict[str, str]] = {"school_class": "class_name", "homeroom_teacher": "homeroom_code"}

    def check_rules(self, row: Row, instance: Any, headers: dict[str, tuple[str, int]]) -> None:
        for problem in rules.run_rules(instance, self.rules, self.rule_context):
            name = self.rule_columns.get(problem.field, problem.field)
            header, index = headers.get(name, (str(self._label(problem.field)), None))
            found = Problem(row.number, header, index, problem.field, _shown(row.raw.get(name)), problem.message)
            if problem.severity == "error":
                row.errors.append(found)
            else:
                found.severity = ImportProblem.Severity.WARNING
                row.warnings.append(found)

    def _label(self, name: str) -> str:
        try:
            return str(getattr(self.model._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:  # a pseudo field of the layout (class_name, father_name…)
            return name


# --- the preview ---------------------------------------------------------------------------------------------------


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector held off while a block of rows is worked on (normalised, built, matched, checked,
    staged): what that makes lives until the block is done, and a cycle, if any, goes at the first collection after.

    A block of ``CHUNK_ROWS`` rows makes about eight dicts, lists and objects per row in normalising alone (40,000
    for 5,000 rows), and model instances and querysets after: collected as they come, each generation walks them,
    and the reference data loaded before, again and again (measured: half the time of normalising a block). Held off,
    the next collection walks them once. Held off for the whole block rather than while normalising only: on 50,000
    rows (PostgreSQL, two runs each way), the preview 4 % and the same file again 10 % faster.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _normalise_block(
    block: Sequence[tuple[int, list[Any]]],
    columns: list[tuple[int, str, Column]],
    memos: list[ColumnMemo],
    fonts: CellFonts | None = None,
) -> tuple[list[Row], list[Problem]]:
    """The block's rows with every mapped column normalised (column by column: the fast path; ``memos``, one per
    column, kept from block to block so that a text value met in an earlier block is not looked at again; ``fonts``:
    the cells typed in a legacy font, whose text is converted by their font rather than by guessing)."""
    fields = [column.field for _index, _header, column in columns]
    numbers = [number for number, _values in block]
    raws = [values for _number, values in block]  # aligned with ``columns``
    normalised_columns: list[list[Any]] = []
    notices: list[Problem] = []
    refused: defaultdict[int, list[Problem]] = defaultdict(list)  # position in the block → its problems
    with _collector_paused():
        for i, (col_index, header, column) in enumerate(columns):
            cells = [values[i] for values in raws]
            kind = column.kind
            normalised = normalise_column(
                kind,
                cells,
                label=header,
                field=column.field,
                fonts=fonts.column(i, numbers) if fonts is not None and kind in TEXT_KINDS else None,
                max_length=column.max_length,
                length=column.length if kind == Kind.CODE else None,
                memo=memos[i],
            )
            normalised_columns.append(normalised.values)
            for position, message in normalised.errors.items():
                refused[position].append(
                    Problem(numbers[position], header, col_index, column.field, _shown(cells[position]), message)
                )
            texts: dict[int, str] = {}  # the reasons' text, by the tuple's identity: changes share their reasons
            for cell_change in normalised.changes:
                change = cell_change.change
                if change.minor:
                    continue
                text = texts.get(id(change.reasons))
                if text is None:
                    text = texts[id(change.reasons)] = "; ".join(str(reason) for reason in change.reasons)
                notices.append(
                    Problem(
                        numbers[cell_change.row],
                        header,
                        col_index,
                        column.field,
                        _shown(change.before),
                        text,
                        severity=ImportProblem.Severity.NORMALISED,
                        after=_shown(change.after),
                    )
                )
        # A row's values are the mapped columns' first (an index past them failed above); no column, no value.
        by_row = zip(*normalised_columns, strict=True) if normalised_columns else repeat(())
        rows = [
            Row(number, dict(zip(fields, raw, strict=False)), dict(zip(fields, values, strict=True)))
            for number, raw, values in zip(numbers, raws, by_row, strict=False)
        ]
    for position, problems in refused.items():
        rows[position].errors.extend(problems)
    return rows, notices


def _diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list[Any]]:
    if before is None:
        return {}
    return {name: [_json(before.get(name)), _json(value)] for name, value in after.items() if before.get(name) != value}


def _stage_row(row: Row) -> dict[str, Any]:
    return {
        "r": row.number,
        "a": row.action,
        "u": row.unit_id,
        "id": row.existing["id"] if row.existing else None,
        "v": row.existing["version"] if row.existing else None,
        "d": {name: _json(value) for name, value in row.attrs.items()},
        "x": row.extras,
        "c": row.changes,
    }


def preview(job: ImportJob, *, user: Any, progress: Progress | None = None) -> ImportJob:
    """Read, normalise and check every row of ``job``'s file and stage the plan; the job ends READY (or FAILED
    with its message). Nothing is written to the records."""
    from edudb.exchange import reading, safety
    from edudb.exchange.adapters import adapter_for

    phases = Phases()
    ImportChunk.objects.filter(job=job).delete()
    ImportProblem.objects.filter(job=job).delete()
    path = job.file.path
    try:
        inspected = safety.inspect_upload(Path(path), job.file_name)
        phases.lap("inspect")
        adapter = adapter_for(job, user)
        table = reading.open_table(Path(path), inspected, adapter.layout)
        phases.lap("open")
    except (safety.UnsafeFile, reading.WrongTemplate, ImportFailed) as exc:
        return _fail(job, exc.message)
    try:
        columns = table.columns
        headers = {column.field: (header, index) for index, header, column in columns}
        adapter.headers = headers
        adapter.load_units("unit_code" in headers)
        adapter.after_units()
        adapter.rule_context.load_codes()  # up front: the rules look codes up whichever rows come
    except ImportFailed as exc:
        table.close()
        return _fail(job, exc.message)
    job.sheet_name = table.sheet_name[:100]
    job.header_row = table.header_row
    job.columns = [[header, column.field, index] for index, header, column in columns]
    job.ignored_headers = table.ignored
    job.progress_total = table.total_rows or 0
    job.progress_done = 0
    job.stage = _("Đang đọc và kiểm tra từng dòng")
    job.save(
        update_fields=[
            "sheet_name",
            "header_row",
            "columns",
            "ignored_headers",
            "progress_total",
            "progress_done",
            "stage",
        ]
    )

    counts: dict[str, int] = defaultdict(int)
    normalised_cells = 0
    # key field → value → the first row holding it. Digit strings are kept as ints ("1" prefixed, so leading
    # zeros still count): on a million-row file that halves the memory this index takes.
    seen: dict[str, dict[object, int]] = defaultdict(dict)
    duplicate_rows: dict[int, Problem] = {}
    chunk_number = 0
    done = 0
    try:
        formulas: dict[int, list[Problem]] = defaultdict(list)  # cells holding a formula without its value
        for problem in _formula_problems(table, headers):
            formulas[problem.row].append(problem)
        phases.lap("prepare")
        memos = [ColumnMemo() for _ in columns]
        for block in table.chunks(CHUNK_ROWS):
            phases.lap("read")
            with _collector_paused():
                rows, notices = _normalise_block(block, columns, memos, table.fonts)
                phases.lap("normalise")
                normalised_cells += len(notices)
                for row in rows:
                    row.errors.extend(formulas.pop(row.number, ()))
                    adapter.unit_for(row, headers)
                    adapter.build(row, headers)
                    adapter.required(row, headers)
                phases.lap("build")
                adapter.find_existing([row for row in rows if not row.errors])
                phases.lap("match")
                for row in rows:
                    if not row.errors:
                        adapter.check(row, headers)
                phases.lap("check")
                for row in rows:
                    for key_field, value in adapter.file_keys(row):
                        key: object = int("1" + value) if value.isascii() and value.isdigit() else value
                        first = seen[key_field].setdefault(key, row.number)
                        if first != row.number:
                            header, index = headers.get(key_field, (key_field, None))
                            message = _(
                                "“%(header)s” %(value)s có ở cả dòng %(first)s và dòng %(row)s: mỗi hồ sơ chỉ được một dòng. "
                                "Hãy xóa dòng trùng hoặc sửa lại cho đúng."
                            ) % {"header": header, "value": value, "first": first, "row": row.number}
                            row.errors.append(Problem(row.number, header, index, key_field, value, message))
                            duplicate_rows.setdefault(first, Problem(first, header, index, key_field, value, message))
                    if row.errors:
                        row.action = RowAction.REJECTED
                    elif row.existing is None:
                        row.action = RowAction.NEW
                    else:
                        row.changes = adapter.changes(row)
                        row.action = RowAction.CHANGED if row.changes else RowAction.UNCHANGED
                    counts[row.action] += 1
                phases.lap("compare")
                ImportChunk.of(job, chunk_number, [_stage_row(row) for row in rows]).save(force_insert=True)
                chunk_number += 1
                phases.lap("stage")
                _insert_problems(job, [problem for row in rows for problem in (*row.errors, *row.warnings)] + notices)
                done += len(rows)
                ImportJob.objects.filter(pk=job.pk).update(
                    progress_done=done, progress_total=max(done, job.progress_total)
                )
                if progress:
                    progress(done)
                phases.lap("problems")
    except (ImportFailed, safety.UnsafeFile) as exc:  # a sheet found broken part way down
        table.close()
        return _fail(job, exc.message)
    finally:
        table.close()
    if duplicate_rows:
        counts = _reject_late(job, duplicate_rows, counts)
    if formulas:  # rows whose only cells were formulas without values: never read as data, still the user's rows
        _insert_problems(job, [problem for problems in formulas.values() for problem in problems])
        counts[RowAction.REJECTED] += len(formulas)
        done += len(formulas)
    job.rows_total = done
    job.rows_new = counts[RowAction.NEW]
    job.rows_changed = counts[RowAction.CHANGED]
    job.rows_unchanged = counts[RowAction.UNCHANGED]
    job.rows_rejected = counts[RowAction.REJECTED]
    job.cells_normalised = normalised_cells
    job.progress_done = job.progress_total = done
    job.previewed_at = timezone.now()
    if done == 0:
        return _fail(job, _("Không có dòng dữ liệu nào dưới dòng tiêu đề (dòng %(row)s).") % {"row": job.header_row})
    job.state = ImportState.READY
    job.stage = ""
    job.message = ""
    job.save()
    phases.lap("finish")
    phases.log(job, "preview")
    return job


PROBLEM_COLUMNS = ["job_id", "row", "column", "column_index", "field", "value", "after", "severity", "message"]


def _insert_problems(job: ImportJob, problems: list[Problem]) -> None:
    Inserter(ImportProblem, PROBLEM_COLUMNS).insert(
        (
            job.pk,
            p.row,
            p.column[:200],
            p.column_index,
            p.field[:60],
            _short(p.value),
            _short(p.after),
            p.severity,
            p.message,
        )
        for p in problems
    )


def _formula_problems(table: Any, headers: dict[str, tuple[str, int]]) -> list[Problem]:
    by_index = {index: (header, name) for name, (header, index) in headers.items()}
    problems = []
    for row, col in table.formula_cells[:10000]:
        if col not in by_index:
            continue
        header, name = by_index[col]
        problems.append(
            Problem(
                row,
                header,
                col,
                name,
                "",
                _(
                    "Ô này chứa công thức chưa được tính nên không có giá trị: trong Excel hãy chọn cột, Sao chép rồi "
                    "Dán đặc biệt → Chỉ giá trị (Paste Values), lưu lại và nhập lại."
                ),
            )
        )
    return problems


def _reject_late(job: ImportJob, late: dict[int, Problem], counts: dict[str, int]) -> dict[str, int]:
    """Rows found wrong after their block was staged (the first of two rows with one personal ID, a formula):
    mark them rejected in their block and record the problem (a query per block of rows, never one per row)."""
    numbers = sorted(late)
    recorded: set[tuple[int, str]] = set()
    for start in range(0, len(numbers), CHUNK_ROWS):
        in_block = ImportProblem.objects.filter(job=job, row__any_in=numbers[start : start + CHUNK_ROWS])
        recorded.update(in_block.values_list("row", "message"))
    new_problems = []
    for chunk in ImportChunk.objects.filter(job=job).order_by("number").iterator(chunk_size=2):  # memory stays flat
        touched = False
        for staged in chunk.rows:
            problem = late.get(staged["r"])
            if problem is None:
                continue
            if staged["a"] != RowAction.REJECTED:
                counts[staged["a"]] -= 1
                counts[RowAction.REJECTED] += 1
                staged["a"] = RowAction.REJECTED
                touched = True
            if (staged["r"], problem.message) not in recorded:
                new_problems.append(problem.model(job))
        if touched:
            chunk.save_rows()
    ImportProblem.objects.bulk_create(new_problems, batch_size=2000)
    return counts


def _fail(job: ImportJob, message: str) -> ImportJob:
    job.state = ImportState.FAILED
    job.message = message
    job.stage = ""
    job.save()
    return job


# --- the commit ----------------------------------------------------------------------------------------------------


def commit(job: ImportJob, *, user: Any, progress: Progress | None = None) -> ImportJob:
    """Write the staged plan of a READY job in one transaction; the job ends DONE, or READY again with a message
    when nothing could be written (a record changed since the preview, a code taken meanwhile)."""
    from edudb.exchange.adapters import adapter_for

    adapter = adapter_for(job, user)
    total = job.rows_new + job.rows_changed
    ImportJob.objects.filter(pk=job.pk).update(
        stage=_("Đang ghi %(count)s bản ghi") % {"count": total}, progress_done=0, progress_total=total
    )
    shown = _CommitProgress(job.pk, total)
    phases = Phases()
    try:
        with transaction.atomic():
            _lock_job(job.pk)
            locked = ImportJob.objects.get(pk=job.pk)
            if locked.state != ImportState.COMMITTING:
                raise ImportFailed(_("Lần nhập này không ở trạng thái chờ ghi."))
            if job.mode == ImportMode.ALL_OR_NOTHING and job.rows_rejected:
                raise ImportFailed(
                    _(
                        "Còn %(count)s dòng bị từ chối: với cách nhập “tất cả hoặc không”, hãy sửa các dòng đó trong "
                        "tệp rồi tải lên lại, hoặc chọn “chỉ nhập các dòng hợp lệ”."
                    )
                    % {"count": job.rows_rejected}
                )
            written = new_count = changed_count = 0
            # Block by block (memory stays flat on a million rows), all in this one transaction.
            phases.lap("prepare")
            for chunk in ImportChunk.objects.filter(job=job).order_by("number").iterator(chunk_size=2):
                new = [staged for staged in chunk.rows if staged["a"] == RowAction.NEW]
                changed = [staged for staged in chunk.rows if staged["a"] == RowAction.CHANGED]
                expected = {
                    staged["id"]: staged["v"]
                    for staged in chunk.rows
                    if staged["a"] in (RowAction.CHANGED, RowAction.UNCHANGED)
                }
                phases.lap("load")
                _check_versions(adapter, expected)
                phases.lap("versions")
                created = adapter.write(new, changed)
                phases.lap("write")
                _record_changes(job, adapter, new, changed, created)
                phases.lap("history")
                new_count += len(new)
                changed_count += len(changed)
                written += len(new) + len(changed)
                shown(written)
                if progress:
                    progress(written)
                phases.lap("progress")
            entry = audit.record(
                "import.commit",
                by=user,
                obj=job,
                unit=job.unit,
                extra={
                    "file_name": job.file_name,
                    "file_sha256": job.file_sha256,
                    "layout": job.layout,
                    "mode": job.mode,
                    "new": new_count,
                    "changed": changed_count,
                    "unchanged": job.rows_unchanged,
                    "rejected": job.rows_rejected,
                },
            )
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportState.DONE,
                committed_at=timezone.now(),
                rows_written=written,
                progress_done=written,
                audit_entry_id=entry.pk,
                stage="",
                message="",
            )
            phases.lap("audit")
        # Leaving the block commits: PostgreSQL checks every foreign key of the rows written here (Django makes them
        # deferred), about a third of a large commit.
        phases.lap("transaction_commit")
        phases.log(job, "commit")
    except ImportFailed as exc:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportState.READY, stage="", message=exc.message)
    except (IntegrityError, ValidationError) as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportState.READY,
            stage="",
            message=_(
                "Không ghi được vì dữ liệu vừa thay đổi trong lúc ghi (%(reason)s). Không có gì được ghi: hãy bấm "
                "“Kiểm tra lại” rồi ghi lại."
            )
            % {"reason": _reason(exc)},
        )
    shown.close()
    job.refresh_from_db()
    return job


class _CommitProgress:
    """How far a commit is, visible while its one transaction is still open: on PostgreSQL written through a second
    connection (the job row is not locked by the commit, see ``_lock_job``). SQLite admits one writer at a time, so
    there the page shows the commit running without a percentage."""

    def __init__(self, job_pk: int, total: int) -> None:
        self.job_pk, self.total, self.last = job_pk, total, 0.0
        self.side: Any = None
        if connection.vendor == "postgresql" and total:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int) -> None:
        if self.side is None or time.monotonic() - self.last < 0.5:
            return
        self.last = time.monotonic()
        with self.side.cursor() as cursor:
            cursor.execute(
                "UPDATE exchange_importjob SET progress_done = %s WHERE id = %s AND state = %s",
                [done, self.job_pk, ImportState.COMMITTING],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def _lock_job(job_pk: int) -> None:
    """One commit of a job at a time, without locking its row (the progress is written to it meanwhile)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_CLASS, job_pk])
    # SQLite: the write transaction (IMMEDIATE) already excludes every other writer.


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    text = str(exc).lower()
    if "personal_id" in text:
        return _("trùng số định danh cá nhân")
    if "code" in text:
        return _("trùng mã")
    return _("trùng dữ liệu")


def _check_versions(adapter: Adapter, expected: dict[int, int]) -> None:
    """Every record the preview compared must still be as it was; else nothing is written."""
    if not expected:
        return
    moved = 0
    ids = list(expected)
    for start in range(0, len(ids), 5000):
        part = ids[start : start + 5000]
        # Locked until the commit ends: nobody saves one of them between this check and the write.
        current = dict(
            adapter.model._default_manager.select_for_update()
            .filter(pk__in=part)
            .order_by()
            .values_list("pk", "version")
        )
        moved += sum(1 for pk in part if current.get(pk) != expected[pk])
    if moved:
        raise ImportFailed(
            _(
                "%(count)s hồ sơ trong tệp đã được sửa (hoặc xóa) trên hệ thống sau lần kiểm tra. Không có gì được "
                "ghi: hãy bấm “Kiểm tra lại” để so sánh với dữ liệu mới nhất rồi ghi."
            )
            % {"count": moved}
        )


def _record_changes(
    job: ImportJob, adapter: Adapter, new: list[dict[str, Any]], changed: list[dict[str, Any]], created: dict[int, int]
) -> None:
    secret: frozenset[str] = getattr(adapter.model, "secret_fields", frozenset())
    masked = {f"{name}" for name in secret}

    names = {field.attname: field.name for field in adapter.model._meta.concrete_fields}

    def mask(changes: dict[str, Any]) -> dict[str, Any]:
        """The changes keyed by field name as the audit trail keys them ("ethnicity", not "ethnicity_id"), secret
        values masked."""
        return {
            names.get(name, name): (
                ["•••" if pair[0] else pair[0], "•••" if pair[1] else pair[1]] if name in masked else pair
            )
            for name, pair in changes.items()
        }

    # A new record's values are the staged row itself (kept with the job); its change names the file and the row.
    rows: list[tuple[Any, ...]] = [
        (job.pk, adapter.object_type, created[staged["r"]], staged["r"], RowAction.NEW, {}) for staged in new
    ]
    rows += [
        (job.pk, adapter.object_type, staged["id"], staged["r"], RowAction.CHANGED, mask(staged["c"]))
        for staged in changed
    ]
    Inserter(ImportChange, ["job_id", "object_type", "object_id", "row", "action", "changes"]).insert(rows)


def personal_id_problem(value: object) -> str | None:
    """The Vietnamese message for a malformed personal ID, or None when it is well formed."""
    try:
        validate_personal_id(repair_personal_id(value))
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def digits_problem(value: str, *, length: int, label: str) -> str | None:
    try:
        validate_digits(value, length=length, label=label)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None
