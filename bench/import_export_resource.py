"""The comparison of ``bench_import``: the same student import written the way a Django project usually writes it,
with django-import-export (a ``ModelResource``, row by row), given the same normalisation (``Normaliser.clean`` per
cell), the same code-list matching, class and school lookup, the model's own validation plus our rules, and the same
side writes (code claims, guardians, the enrolment event). Installed for benchmarks only (requirements/bench.txt).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def run_import_export(path: Path, rows: int, account: Any, headers: list[str]) -> tuple[float, int]:
    import tablib
    from django.core.exceptions import ValidationError
    from import_export import fields, resources, widgets
    from python_calamine import CalamineWorkbook

    from edudb.core.models import Unit
    from edudb.exchange.adapters import compact
    from edudb.exchange.layouts import STUDENTS, header_key
    from edudb.quality import rules
    from edudb.quality.codelists import CodeMatchers
    from edudb.quality.models import CodeItem
    from edudb.quality.normalise import Kind, Normaliser
    from edudb.registry.journal import year_and_term
    from edudb.registry.models import CodeKind, Guardian, IssuedCode, SchoolClass, Student, StudentEvent
    from edudb.reporting.models import SchoolYear

    started = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    table = sheet.to_python()
    header_row = table[2]
    # The resource reads model field names: the Ministry's headers stay, the fields are filled in per row.
    targets = [
        "unit", "ministry_code", "full_name", "birth_date", "gender", "ethnicity", "nationality", "religion",
        "personal_id", "school_class", "status", "enrolled_on", "birthplace", "home_commune_code", "home_address",
        "current_address", "phone", "semi_boarding", "boarding", "orphan", "_guardians",
    ]  # fmt: skip
    padding = ("",) * len(targets)
    data = [tuple(row) + padding for row in table[3 : 3 + rows]]
    dataset = tablib.Dataset(*data, headers=[*header_row, *targets])
    by_header = {header: STUDENTS.by_key.get(header_key(header)) for header in header_row if header}
    matchers = CodeMatchers()
    year = SchoolYear.objects.get(is_current=True)
    units = {unit.code: unit.pk for unit in Unit.objects.visible_to(account, "enter_students")}
    classes = {
        (unit_id, compact(name)): pk
        for pk, unit_id, name in SchoolClass.objects.filter(school_year=year).values_list("pk", "unit_id", "name")
    }
    context = rules.Context()
    student_rules = rules.rules_for("student")

    class StudentResource(resources.ModelResource):
        unit = fields.Field(attribute="unit", column_name="unit", widget=widgets.ForeignKeyWidget(Unit))
        gender = fields.Field(attribute="gender", column_name="gender", widget=widgets.ForeignKeyWidget(CodeItem))
        ethnicity = fields.Field(
            attribute="ethnicity", column_name="ethnicity", widget=widgets.ForeignKeyWidget(CodeItem)
        )
        nationality = fields.Field(
            attribute="nationality", column_name="nationality", widget=widgets.ForeignKeyWidget(CodeItem)
        )
        religion = fields.Field(attribute="religion", column_name="religion", widget=widgets.ForeignKeyWidget(CodeItem))
        status = fields.Field(attribute="status", column_name="status", widget=widgets.ForeignKeyWidget(CodeItem))
        school_class = fields.Field(
            attribute="school_class", column_name="school_class", widget=widgets.ForeignKeyWidget(SchoolClass)
        )

        class Meta:
            model = Student
            import_id_fields = ("ministry_code",)
            fields = (
                "unit", "ministry_code", "full_name", "birth_date", "gender", "ethnicity", "nationality", "religion",
                "personal_id", "school_class", "status", "enrolled_on", "birthplace", "home_commune_code",
                "home_address", "current_address", "phone", "semi_boarding", "boarding", "orphan",
            )  # fmt: skip
            skip_unchanged = True
            use_transactions = True
            clean_model_instances = True

        def before_import_row(self, row: Any, **kwargs: Any) -> None:
            normaliser = Normaliser()
            values: dict[str, Any] = {}
            for header, column in by_header.items():
                if column is None:
                    continue
                value = normaliser.clean(
                    column.field,
                    column.kind,
                    row[header],
                    label=str(header),
                    max_length=column.max_length,
                    length=column.length if column.kind == Kind.CODE else None,
                )
                values[column.field] = value
            if normaliser.errors:
                raise ValidationError(str(normaliser.errors))
            unit_id = units.get(str(values.get("unit_code") or ""))
            if unit_id is None:
                raise ValidationError("school out of scope")
            row["unit"] = unit_id
            for name in ("gender", "ethnicity", "nationality", "religion", "status"):
                item = (
                    matchers.match(STUDENTS.column(name).code_list or "", values.get(name))
                    if values.get(name)
                    else None
                )
                if values.get(name) and item is None:
                    raise ValidationError(matchers.explain(STUDENTS.column(name).code_list or "", values.get(name)))
                row[name] = item.pk if item else None
            row["school_class"] = classes.get((unit_id, compact(values.get("class_name") or "")))
            for name in ("ministry_code", "full_name", "birth_date", "personal_id", "enrolled_on", "birthplace",
                         "home_commune_code", "home_address", "current_address", "phone"):  # fmt: skip
                row[name] = values.get(name) or ""
            for name in ("semi_boarding", "boarding", "orphan"):
                row[name] = bool(values.get(name))
            row["_guardians"] = [
                (relation, values.get(f"{prefix}_name"), values.get(f"{prefix}_birth_year"),
                 values.get(f"{prefix}_occupation"), values.get(f"{prefix}_phone"))
                for prefix, relation in (("father", "father"), ("mother", "mother"))
                if values.get(f"{prefix}_name")
            ]  # fmt: skip

        def validate_instance(self, instance: Any, *args: Any, **kwargs: Any) -> None:
            super().validate_instance(instance, *args, **kwargs)
            blocking = [p for p in rules.run_rules(instance, student_rules, context) if p.severity == "error"]
            if blocking:
                raise ValidationError({p.field: p.message for p in blocking})

        def after_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            if kwargs.get("dry_run"):
                return
            IssuedCode.objects.get_or_create(kind=CodeKind.STUDENT, code=instance.ministry_code)
            for relation, name, born, job, phone in row.get("_guardians", []):
                Guardian.objects.create(
                    student=instance, relation=relation, full_name=name, birth_year=int(born) if born else None,
                    occupation=job or "", phone=phone or "",
                )  # fmt: skip
            day = instance.enrolled_on
            school_year, term = year_and_term(day)
            StudentEvent.objects.create(
                unit_id=instance.unit_id, student=instance, kind="enrolled", school_year=school_year, term=term,
                happened_on=day, status_id=instance.status_id, school_class_id=instance.school_class_id,
            )  # fmt: skip

    result = StudentResource().import_data(dataset, dry_run=False, raise_errors=False)
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        invalid = [(row.number, row.error_dict) for row in result.invalid_rows[:3]]
        failed = [(number, [str(error.error) for error in errors]) for number, errors in result.row_errors()[:3]]
        base = [str(error.error) for error in result.base_errors[:3]]
        raise SystemExit(f"[bench] django-import-export refused rows: {invalid} {failed} {base}")
    done = result.totals.get("new", 0) + result.totals.get("update", 0)
    return seconds, done
