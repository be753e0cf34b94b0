"""Forms of the quality pages: the work list's filters and the Sở's settings (threshold, required fields, rules)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from edudb.core.models import LevelGroup, Unit
from edudb.quality import completeness
from edudb.quality.models import Finding, Severity, Target
from edudb.quality.rules import RULES, settings_by_rule

EVERY_LEVEL = ""
CONSISTENCY_RULE = "consistency"  # the code scoring gives the findings of the normalisation layer
FORMAT_RULE = "format"  # … and the values it cannot read at all

SORTS = {
    "name": _("Tên đơn vị"),
    "weakest": _("Chỉ số yếu nhất"),
    "completeness": _("Đầy đủ"),
    "accuracy": _("Chính xác"),
    "consistency": _("Thống nhất"),
    "timeliness": _("Kịp thời"),
    "overall": _("Chung"),
}


def rule_choices(target: str | None = None) -> list[tuple[str, Any]]:
    """The rules a finding may name (of one kind of record, when given), and the normalisation layer's."""
    return [
        ("", _("Mọi quy tắc")),
        *((code, rule.title) for code, rule in RULES.items() if target in (None, rule.target)),
        (CONSISTENCY_RULE, _("Thống nhất phông chữ, định dạng")),
        (FORMAT_RULE, _("Giá trị không đọc được (ký tự lạ, sai định dạng)")),
    ]


class WorklistFilterForm(forms.Form):
    """What the work list shows: one kind of record at a time, narrowed by problem, severity, rule and unit."""

    target = forms.ChoiceField(
        label=_("Loại bản ghi"),
        choices=Target.choices,
        required=False,
        error_messages={"invalid_choice": _("Loại bản ghi: hãy chọn trong danh sách.")},
    )
    kind = forms.ChoiceField(
        label=_("Loại vấn đề"),
        choices=[("", _("Mọi loại vấn đề")), *Finding.Kind.choices],
        required=False,
        error_messages={"invalid_choice": _("Loại vấn đề: hãy chọn trong danh sách.")},
    )
    severity = forms.ChoiceField(
        label=_("Mức độ"),
        choices=[("", _("Mọi mức độ")), *Severity.choices],
        required=False,
        error_messages={"invalid_choice": _("Mức độ: hãy chọn Lỗi hoặc Cảnh báo.")},
    )
    rule = forms.ChoiceField(
        label=_("Quy tắc"),
        choices=rule_choices,
        required=False,
        error_messages={"invalid_choice": _("Quy tắc: hãy chọn một quy tắc trong danh sách.")},
    )
    unit = forms.TypedChoiceField(
        label=_("Đơn vị"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Đơn vị: hãy chọn một đơn vị trong danh sách.")},
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], children: list[Unit], **kwargs: Any) -> None:
        """``units``: the units of the subtree the user may see (a unit filter must be one of them);
        ``children``: those offered in the list (the direct children: a city has too many units for one list)."""
        super().__init__(*args, **kwargs)
        target = self.data.get("target") if self.is_bound else None
        if target in Target.values:
            cast(forms.ChoiceField, self.fields["rule"]).choices = rule_choices(target)
        self.units = units
        self.selected_unit: Unit | None = None
        offered = [(u.pk, u.name) for u in children]
        raw = self.data.get("unit") if self.is_bound else None
        if raw and raw.isdigit() and int(raw) not in {pk for pk, _name in offered}:
            offered.append((int(raw), raw))  # accepted only if clean_unit finds it in scope
        self.offered = offered
        field = cast(forms.TypedChoiceField, self.fields["unit"])
        field.choices = [("", _("Cả đơn vị và các đơn vị trực thuộc")), *offered]
        if not children:
            field.widget = forms.HiddenInput()

    def clean_unit(self) -> int | None:
        value = self.cleaned_data.get("unit")
        if value is None:
            return None
        unit = self.units.filter(pk=value).first()
        if unit is None:
            raise forms.ValidationError(_("Đơn vị: hãy chọn một đơn vị trong danh sách."))
        self.selected_unit = unit
        field = cast(forms.TypedChoiceField, self.fields["unit"])
        offered = [(pk, unit.name if pk == unit.pk else label) for pk, label in self.offered]
        field.choices = [("", _("Cả đơn vị và các đơn vị trực thuộc")), *offered]
        return unit.pk


class TargetForm(forms.Form):
    """Which kind of record a work-list button acts on."""

    target = forms.ChoiceField(
        label=_("Loại bản ghi"),
        choices=Target.choices,
        error_messages={
            "required": _("Loại bản ghi: hãy chọn loại bản ghi."),
            "invalid_choice": _("Loại bản ghi: hãy chọn loại bản ghi trong danh sách."),
        },
    )


# --- The Sở's settings -------------------------------------------------------------------------------------------


class StaleAfterForm(forms.Form):
    stale_after_days = forms.IntegerField(
        label=_("Dữ liệu quá hạn sau (ngày)"),
        min_value=7,
        max_value=730,
        help_text=_("Bản ghi không được sửa hay xác nhận trong chừng ấy ngày bị coi là chưa kịp thời (7–730 ngày)."),
        error_messages={
            "required": _("Số ngày quá hạn: hãy nhập một số ngày từ 7 đến 730."),
            "invalid": _("Số ngày quá hạn: hãy nhập một số nguyên, ví dụ 180."),
            "min_value": _("Số ngày quá hạn: hãy nhập một số ngày từ 7 đến 730."),
            "max_value": _("Số ngày quá hạn: hãy nhập một số ngày từ 7 đến 730."),
        },
    )


def level_choices() -> list[tuple[str, str]]:
    return [(EVERY_LEVEL, str(_("Mọi cấp"))), *((g.code, g.name) for g in LevelGroup.objects.order_by("order"))]


class RequiredFieldsForm(forms.Form):
    """The required fields of one kind of record: per field, "every level" or the level groups it applies to."""

    def __init__(
        self,
        *args: Any,
        target: str,
        levels: list[tuple[str, str]],
        current: dict[str, list[str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", f"req-{target}")
        super().__init__(*args, **kwargs)
        self.target = target
        self.levels = levels
        for name, label in completeness.requirable_fields(target).items():
            self.fields[name] = forms.MultipleChoiceField(
                label=capfirst(label),
                choices=levels,
                required=False,
                initial=current.get(name, []),
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": _("%(field)s: cấp học “%%(value)s” không có; hãy chọn trong các cột.")
                    % {"field": capfirst(label)}
                },
            )

    def chosen(self) -> dict[str, list[str]]:
        """{field: [levels]} for the service; "every level" wins over single levels ticked with it."""
        result: dict[str, list[str]] = {}
        for name, levels in self.cleaned_data.items():
            if not levels:
                continue
            result[name] = [EVERY_LEVEL] if EVERY_LEVEL in levels else sorted(levels)
        return result


def rule_field_names(code: str) -> tuple[str, str]:
    key = code.replace(".", "__")
    return f"active__{key}", f"severity__{key}"


class RulesForm(forms.Form):
    """Every validation rule: applied or not, and whether it blocks (error) or asks for a second look (warning)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = settings_by_rule()
        self.rows = []
        for code, rule in RULES.items():
            active_name, severity_name = rule_field_names(code)
            active, severity = chosen[code]
            self.fields[active_name] = forms.BooleanField(
                label=_("Áp dụng: %(rule)s") % {"rule": rule.title}, required=False, initial=active
            )
            self.fields[severity_name] = forms.ChoiceField(
                label=_("Mức độ: %(rule)s") % {"rule": rule.title},
                choices=Severity.choices,
                initial=severity,
                error_messages={
                    "required": _("Mức độ của quy tắc “%(rule)s”: hãy chọn Lỗi hoặc Cảnh báo.") % {"rule": rule.title},
                    "invalid_choice": _("Mức độ của quy tắc “%(rule)s”: hãy chọn Lỗi hoặc Cảnh báo.")
                    % {"rule": rule.title},
                },
            )
            self.rows.append((code, rule, active_name, severity_name))

    def table(self) -> list[tuple[str, Any, str, forms.BoundField, forms.BoundField]]:
        """One row per rule for the template: its code, the rule, its kind of record, and its two bound fields."""
        return [
            (code, rule, str(Target(rule.target).label), self[active], self[severity])
            for code, rule, active, severity in self.rows
        ]

    def changes(self) -> list[tuple[str, bool, str]]:
        """(code, active, severity) of every rule whose setting differs from the one in force."""
        current = settings_by_rule()
        result = []
        for code, _rule, active_name, severity_name in self.rows:
            wanted = (bool(self.cleaned_data.get(active_name)), self.cleaned_data[severity_name])
            if wanted != current[code]:
                result.append((code, *wanted))
        return result
