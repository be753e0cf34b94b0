"""Forms of the results and health grids: one small form per student row, parsed here, judged by ``results``.

A row's form only parses what was typed (a code, a whole number, a measurement with a decimal comma, a date); every
rule about what fits — the levels of the class, titles, outcomes, ranges, dates — lives in
:mod:`edudb.registry.results`, so the grid and the API refuse the same things with the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.quality.models import CodeItem, items_of
from edudb.quality.text import clean_text
from edudb.registry import results
from edudb.registry.models import ResultTerm

CodeLists = dict[str, dict[str, CodeItem]]

RESULT_LISTS = {
    "academic": "ket_qua_hoc_tap",
    "conduct": "ket_qua_ren_luyen",
    "title": "danh_hieu_hoc_sinh",
    "outcome": "ket_qua_cuoi_nam",
}
MAX_ROWS = 120  # far beyond any legal class size (35 / 45): a bigger post is not a class grid


def result_lists() -> CodeLists:
    """The four code lists of a result, each as {code: item} (one query per list, whatever the class size)."""
    return {name: {item.code: item for item in items_of(list_code)} for name, list_code in RESULT_LISTS.items()}


class CodeChoiceField(forms.ChoiceField):
    """A code-list value chosen by its code. The dropdown offers the values that fit the class; the field accepts
    any active value of the list, so that the rules — not the widget — say why a value does not fit."""

    def __init__(self, items: dict[str, CodeItem], shown: Sequence[str], **kwargs: Any) -> None:
        self.offered = [("", "—")] + [(code, items[code].name) for code in shown if code in items]
        super().__init__(choices=self.offered, required=False, **kwargs)
        self.items = items

    def offer(self, code: str) -> None:
        """Add a value of the list to the dropdown (one typed or posted that the class's levels do not offer)."""
        if code in self.items and code not in dict(self.offered):
            self.offered = [*self.offered, (code, self.items[code].name)]
            self.choices = self.offered

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.items

    def clean(self, value: Any) -> CodeItem | None:
        code = super().clean(value)
        return self.items.get(code) if code else None


class MeasureInput(forms.TextInput):
    """Shows a stored measurement the Vietnamese way: 132,5."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal) and value.is_finite():
            return results.show_number(value)
        shown: str | None = super().format_value(value)
        return shown


class MeasureField(forms.DecimalField):
    """A measurement typed the Vietnamese way or the other (132,5 or 132.5), kept to one decimal."""

    widget = MeasureInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        number = super().to_python(value)
        if number is None or not number.is_finite() or abs(number) >= 10**6:
            return number  # refused by validate() or by the rules' ranges
        return results.tenth(number)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(inputmode="decimal", autocomplete="off", size="5")
        return attrs


class _RowForm(forms.Form):
    """One student's row; the version is the one of their record when the grid was loaded (blank: none yet)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, student_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.student_name = student_name
        self.label_cells()

    def label_cells(self) -> None:
        """A grid cell has no label of its own: name the field and the student for screen readers."""
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = f"{field.label} — {self.student_name}"

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data.get("note"))


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=-(2**15),
        max_value=2**15 - 1,  # out-of-range counts reach the rules, which say 0–200
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "3", "autocomplete": "off"}),
    )


class ResultRowForm(_RowForm):
    """A row of the results grid: the levels of the class's circular, the title and outcome on the year's row."""

    days_absent_excused = _count_field(gettext_lazy("Nghỉ có phép"))
    days_absent_unexcused = _count_field(gettext_lazy("Nghỉ không phép"))
    note = forms.CharField(
        label=gettext_lazy("Nhận xét"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"size": "18", "autocomplete": "off"}),
    )

    field_order = [
        "academic",
        "conduct",
        "title",
        "outcome",
        "days_absent_excused",
        "days_absent_unexcused",
        "note",
    ]

    def __init__(self, *args: Any, lists: CodeLists, grade: int | None, term: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level = results.level_of(grade) or results.SECONDARY
        offered = results.ACADEMIC_LEVELS[level]
        if term != ResultTerm.YEAR:
            offered = tuple(code for code in offered if code != "HTXS")  # an end-of-year level (TT 27/2020 Điều 9)
        self.fields["academic"] = CodeChoiceField(lists["academic"], offered, label=gettext_lazy("Học tập"))
        self.fields["conduct"] = CodeChoiceField(
            lists["conduct"], results.CONDUCT_LEVELS[level], label=gettext_lazy("Rèn luyện")
        )
        if term == ResultTerm.YEAR:
            self.fields["title"] = CodeChoiceField(
                lists["title"], results.TITLES[level], label=gettext_lazy("Danh hiệu")
            )
            self.fields["outcome"] = CodeChoiceField(
                lists["outcome"], list(lists["outcome"]), label=gettext_lazy("Kết quả cuối năm")
            )
        self.order_fields(self.field_order)
        self.label_cells()
        if self.is_bound:
            self.keep_typed_values()

    def keep_typed_values(self) -> None:
        """A value of the list that does not fit the class stays selected after a refusal, next to its message."""
        for name, field in self.fields.items():
            if isinstance(field, CodeChoiceField):
                field.offer(str(self.data.get(self.add_prefix(name)) or ""))


class HealthRowForm(_RowForm):
    """A row of the health grid: height, weight, the day they were measured, a note."""

    height_cm = MeasureField(label=gettext_lazy("Chiều cao (cm)"))
    weight_kg = MeasureField(label=gettext_lazy("Cân nặng (kg)"))
    measured_on = forms.DateField(
        label=gettext_lazy("Ngày đo"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"size": "18", "autocomplete": "off"}),
    )

    def clean_measured_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("measured_on")
        if day is not None and not 1900 <= day.year <= 2100:
            raise forms.ValidationError(_("Ngày đo không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."))
        return day


def parse_term(raw: Any, choices: Sequence[int]) -> int | None:
    """A term number from the query string or the form, if it is one of ``choices``."""
    try:
        term = int(str(raw))
    except (TypeError, ValueError):
        return None
    return term if term in choices else None


def posted_students(raw: Sequence[str]) -> list[int] | None:
    """The student ids of the posted rows, in grid order; None when the post is not a grid's (bad or too many)."""
    if len(raw) > MAX_ROWS:
        return None
    ids = []
    for value in raw:
        if not value.isdigit() or len(value) > 18:
            return None
        ids.append(int(value))
    return ids
