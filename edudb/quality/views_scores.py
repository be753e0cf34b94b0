"""Pages of data quality (R6.2–R6.5): a unit's scorecard rolled up the tree, the clerk's work list, the Sở's settings.

The scorecards read the stored figures of the last measurement (a fixed number of queries however large the
subtree). On the work list the missing required fields are computed live from the records, and the other problems
are the findings of the last measurement, grouped by record. Every query goes through the scoping door.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edudb.core.models import Unit, subtree_q
from edudb.core.records import StaleRecord
from edudb.core.scoping import Function, get_scoped_or_404, reaches, scope_for
from edudb.quality import completeness, scoring, services
from edudb.quality.completeness import Requirement
from edudb.quality.forms_scores import (
    CONSISTENCY_RULE,
    EVERY_LEVEL,
    SORTS,
    RequiredFieldsForm,
    RulesForm,
    StaleAfterForm,
    TargetForm,
    WorklistFilterForm,
    level_choices,
)
from edudb.quality.models import TARGET_DOMAIN, DataConfirmation, Finding, QualitySettings, Severity, Target
from edudb.quality.policy import maintains_reference_data
from edudb.quality.scoring import Figures, Scorecard
from edudb.quality.templatetags.quality import FLAG_BELOW, home_unit
from edudb.registry.models import RoomStock, SchoolClass, SchoolProfile, StaffMember, Student

PAGE_SIZE = 50

# Where a record of each kind is read and edited (a school's pages take the school profile's id, not the unit's).
RECORD_URLS = {
    Target.STUDENT: ("registry:student_detail", "registry:student_edit"),
    Target.STAFF: ("registry:staff_detail", "registry:staff_edit"),
    Target.CLASS: ("registry:class_detail", "registry:class_edit"),
    Target.SCHOOL: ("registry:school_detail", "registry:school_edit"),
    Target.ROOM: ("registry:room_detail", "registry:room_edit"),
}
# In which order the work list lists each kind of record.
RECORD_ORDER = {
    Target.STUDENT: ("unit__name_key", "name_key", "pk"),
    Target.STAFF: ("unit__name_key", "name_key", "pk"),
    Target.CLASS: ("unit__name_key", "grade", "name", "pk"),
    Target.SCHOOL: ("unit__name_key", "pk"),
    Target.ROOM: ("unit__name_key", "site__name", "room_kind__order", "pk"),
}


def _n(value: int) -> str:
    """A count as Vietnamese offices write it: 12.345."""
    return number_format(value, force_grouping=True)


# --- The scorecard --------------------------------------------------------------------------------------------------


@dataclass
class Property:
    """One of the four properties of Điều 2.1 as the scorecard shows it."""

    key: str
    title: str
    value: float | None
    detail: str

    @property
    def flagged(self) -> bool:
        return self.value is not None and self.value < FLAG_BELOW


def properties(figures: Figures, stale_after_days: int) -> list[Property]:
    """The four figures with the counts behind each, in words."""
    return [
        Property(
            "completeness",
            _("Đầy đủ"),
            figures.completeness,
            _("%(filled)s/%(required)s ô bắt buộc đã có")
            % {"filled": _n(figures.filled_cells), "required": _n(figures.required_cells)},
        ),
        Property(
            "accuracy",
            _("Chính xác"),
            figures.accuracy,
            _("%(errors)s bản ghi có lỗi, %(warnings)s có cảnh báo")
            % {"errors": _n(figures.records_with_errors), "warnings": _n(figures.records_with_warnings)},
        ),
        Property(
            "consistency",
            _("Thống nhất"),
            figures.consistency,
            _("%(n)s giá trị chưa thống nhất (trên %(checked)s giá trị đã soát)")
            % {"n": _n(figures.inconsistent_values), "checked": _n(figures.checked_values)},
        ),
        Property(
            "timeliness",
            _("Kịp thời"),
            figures.timeliness,
            _("%(n)s bản ghi quá %(days)s ngày chưa cập nhật hay xác nhận")
            % {"n": _n(figures.stale_records), "days": _n(stale_after_days)},
        ),
    ]


def _weakest(figures: Figures) -> float | None:
    parts = [
        p for p in (figures.completeness, figures.accuracy, figures.consistency, figures.timeliness) if p is not None
    ]
    return min(parts) if parts else None


def _sort_key(sort: str) -> Callable[[Scorecard], Any]:
    """How the children's table is ordered: by name, or weakest first (units with nothing measured last)."""
    if sort == "name":
        return lambda card: card.unit.name_key
    if sort == "weakest":
        return lambda card: (_weakest(card.total) is None, _weakest(card.total) or 0.0, card.unit.name_key)

    def by_figure(card: Scorecard) -> tuple[bool, float, str]:
        value = getattr(card.total, sort)
        return value is None, value or 0.0, card.unit.name_key

    return by_figure


def _ancestors(user: Any, unit: Unit) -> list[Unit]:
    """The units above ``unit`` the user may see, from the top (the breadcrumb)."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part and int(part) != unit.pk]
    return list(Unit.objects.visible_to(user).filter(pk__in=ids).order_by("depth"))


def _scorecard_page(request: HttpRequest, unit: Unit) -> HttpResponse:
    user = request.user
    sort = request.GET.get("sort", "weakest")  # what needs attention first
    if sort not in SORTS:
        sort = "weakest"
    stale_after_days = QualitySettings.current().stale_after_days
    card = scoring.scorecard(user, unit)
    children = list(Unit.objects.visible_to(user).filter(parent=unit).select_related("kind").order_by("name_key"))
    rows: list[dict[str, Any]] = []
    if children:
        cards = scoring.child_scorecards(user, unit, children)
        own = [c for c in cards if c.unit.pk == unit.pk]
        others = sorted((c for c in cards if c.unit.pk != unit.pk), key=_sort_key(sort))
        rows = [
            {"card": c, "own": c.unit.pk == unit.pk, "figures": properties(c.total, stale_after_days)}
            for c in [*own, *others]
        ]
    pager = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))  # the Sở has some 250 units below it
    targets = [
        {"target": value, "label": label, "figures": figures, "properties": properties(figures, stale_after_days)}
        for value, label, figures in card.targets
    ]
    context = {
        "unit": unit,
        "ancestors": _ancestors(user, unit),
        "card": card,
        "properties": properties(card.total, stale_after_days),
        "overall": card.total.overall,
        "targets": targets,
        "rows": pager.object_list,
        "pager": pager,
        "sort": sort,
        "sorts": SORTS,
        "stale_after_days": stale_after_days,
        "flag_below": FLAG_BELOW,
        "flag_limit": f"{round(FLAG_BELOW * 100)}%",
    }
    return render(request, "quality/scorecard.html", context)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The scorecard of the account's own unit (for a Sở office: the Sở's, as far as its oversight reaches)."""
    scope = scope_for(request.user)
    start = home_unit(request.user)
    if scope is None or start is None:
        raise Http404(_("Không tìm thấy dữ liệu."))
    # The Sở for an office that oversees its data, else the account's own unit: the higher one it may see.
    unit = (
        Unit.objects.visible_to(request.user)
        .filter(pk__in={start.pk, scope.unit.pk})
        .select_related("kind")
        .order_by("depth")
        .first()
    )
    if unit is None:
        raise Http404(_("Không tìm thấy dữ liệu."))
    return _scorecard_page(request, unit)


@login_required
@require_GET
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's scorecard over its subtree, counting only what the account may see."""
    unit = get_scoped_or_404(Unit.objects.select_related("kind"), request.user, pk=pk)
    return _scorecard_page(request, unit)


@login_required
@require_POST
def measure(request: HttpRequest, pk: int) -> HttpResponse:
    """Measure the unit and its subtree again: at once for a school, through the worker for a larger subtree."""
    unit = get_scoped_or_404(Unit, request.user, pk=pk)
    try:
        with transaction.atomic():
            done = services.remeasure(unit, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, _("Đã đo lại."))
        else:
            messages.info(request, _("Đã đưa vào hàng đợi, số liệu sẽ cập nhật sau ít phút."))
    return redirect("quality:scorecard", pk=unit.pk)


# --- The work list --------------------------------------------------------------------------------------------------


@dataclass
class WorkItem:
    """One record on the work list: what it is, where to fix it, and what is wrong with it."""

    object_id: int
    label: str
    unit_name: str
    detail_url: str
    edit_url: str
    missing: list[str] = field(default_factory=list)
    findings: list[tuple[str, Finding]] = field(default_factory=list)


def visible_records(user: Any, target: str) -> QuerySet[Any]:
    """The records of ``target`` the user may see that make up the database today (on the roll, at work, this
    year's classes and rooms)."""
    scoped: QuerySet[Any]
    if target == Target.STUDENT:
        scoped = Student.objects.visible_to(user, Function.VIEW)
    elif target == Target.STAFF:
        scoped = StaffMember.objects.visible_to(user, Function.VIEW)
    elif target == Target.CLASS:
        scoped = SchoolClass.objects.visible_to(user, Function.VIEW)
    elif target == Target.SCHOOL:
        scoped = SchoolProfile.objects.visible_to(user, Function.VIEW)
    else:
        scoped = RoomStock.objects.visible_to(user, Function.VIEW)
    return scoped & completeness.current_records(target)


def missing_q(target: str, reqs: list[Requirement]) -> Q | None:
    """Records missing at least one required field, a level group's requirement only at units teaching that level."""
    parts = []
    every_level = completeness.incomplete_q(target, [r for r in reqs if not r.level])
    if every_level is not None:
        parts.append(every_level)
    for req in reqs:
        one = completeness.incomplete_q(target, [req]) if req.level else None
        if one is not None:
            parts.append(one & Q(unit__level_codes__contains=f"|{req.level}|"))
    return reduce(or_, parts) if parts else None


def field_labels(target: str) -> dict[str, str]:
    """Every field of a kind of record with its Vietnamese label, capitalised."""
    model = completeness.target_model(target)
    return {
        f.name: capfirst(str(f.verbose_name))
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) and hasattr(f, "verbose_name")
    }


def _urls(target: str, object_id: int) -> tuple[str, str]:
    detail, edit = RECORD_URLS[Target(target)]
    return reverse(detail, kwargs={"pk": object_id}), reverse(edit, kwargs={"pk": object_id})


def _missing_cells(figures: Figures | None) -> int:
    return figures.required_cells - figures.filled_cells if figures else 0


def _default_target(card: Scorecard) -> str:
    """The first kind of record with something to fix, else the first measured, else learners."""
    for value, _label, figures in card.targets:
        if figures.filled_cells < figures.required_cells or figures.records_with_errors or figures.inconsistent_values:
            return value
    for value, _label, figures in card.targets:
        if figures.records_with_warnings:
            return value
    return card.targets[0][0] if card.targets else Target.STUDENT


def _missing_page(
    request: HttpRequest, target: str, selected: Unit, reqs: list[Requirement]
) -> tuple[Page[Any] | None, list[WorkItem]]:
    condition = missing_q(target, reqs)
    if condition is None:
        return None, []
    records = (
        visible_records(request.user, target)
        .filter(subtree_q(selected.path, "unit__"))
        .filter(condition)
        .select_related(*scoring.RECORD_SELECT[Target(target)])
        .order_by(*RECORD_ORDER[Target(target)])
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for record in page:
        own = completeness.applicable(reqs, record.unit.level_codes)
        detail_url, edit_url = _urls(target, record.pk)
        items.append(
            WorkItem(
                record.pk,
                scoring.record_label(target, record),
                record.unit.name,
                detail_url,
                edit_url,
                missing=[capfirst(r.label) for r in completeness.missing_fields(record, own)],
            )
        )
    return page, items


def _findings_page(request: HttpRequest, findings: QuerySet[Finding], target: str) -> tuple[Page[Any], list[WorkItem]]:
    """Findings grouped by record, paginated by record: a record's problems stay together on one page."""
    ids = findings.order_by("object_label", "object_id").values_list("object_id", flat=True).distinct()
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("fpage"))
    on_page = list(page.object_list)
    rows = findings.filter(object_id__in=on_page).select_related("unit").order_by("object_label", "object_id", "field")
    labels = field_labels(target)
    items = []
    for (_target, object_id), group in scoring.group_findings(rows).items():
        detail_url, edit_url = _urls(target, object_id)
        first = group[0]
        items.append(
            WorkItem(
                object_id,
                first.object_label,
                first.unit.name,
                detail_url,
                edit_url,
                findings=[(labels.get(f.field, f.field), f) for f in group],
            )
        )
    return page, items


@login_required
@require_GET
def worklist(request: HttpRequest, pk: int) -> HttpResponse:
    """What to fix, one kind of record at a time: required fields left empty, then the rules broken and the values
    not in the one stored form; with the buttons that confirm the data or standardise the values."""
    user = request.user
    unit = get_scoped_or_404(Unit.objects.select_related("kind"), user, pk=pk)
    subtree_units = Unit.objects.visible_to(user).filter(subtree_q(unit.path))
    children = list(subtree_units.filter(parent=unit).order_by("name_key"))
    form = WorklistFilterForm(request.GET or None, units=subtree_units, children=children)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # the valid filters apply, the others show their message
        data = form.cleaned_data
    selected = form.selected_unit or unit
    card = scoring.scorecard(user, selected)
    target = data.get("target") or _default_target(card)
    kind, severity, rule = data.get("kind") or "", data.get("severity") or "", data.get("rule") or ""
    reqs = completeness.requirements(target)

    show_missing = kind in ("", Finding.Kind.MISSING) and not severity and not rule
    missing_page, missing_items = _missing_page(request, target, selected, reqs) if show_missing else (None, [])

    findings_page: Page[Any] | None = None
    finding_items: list[WorkItem] = []
    if kind != Finding.Kind.MISSING:
        findings = (
            Finding.objects.visible_to(user)
            .filter(subtree_q(selected.path, "unit__"), target=target)
            .exclude(kind=Finding.Kind.MISSING)
        )
        if kind:
            findings = findings.filter(kind=kind)
        if severity:
            findings = findings.filter(severity=severity)
        if rule:
            findings = findings.filter(rule=rule)
        findings_page, finding_items = _findings_page(request, findings, target)

    domain = TARGET_DOMAIN[Target(target)]
    last_confirmation = (
        DataConfirmation.objects.visible_to(user)
        .filter(unit=selected, target=target)
        .select_related("confirmed_by")
        .order_by("-confirmed_at")
        .first()
    )
    # The button stands under the list of the very changes it makes: only when that list shows those values.
    shows_inconsistent = (
        kind in ("", Finding.Kind.INCONSISTENT)
        and rule in ("", CONSISTENCY_RULE)
        and severity in ("", Severity.WARNING)
    )
    to_standardise = (
        Finding.objects.visible_to(user).filter(unit=selected, target=target, kind=Finding.Kind.INCONSISTENT).count()
        if shows_inconsistent
        else 0
    )
    measured = [value for value, _label, _figures in card.targets]
    tabs = [
        {
            "target": t.value,
            "label": t.label,
            "figures": card.by_target.get(t.value),
            "missing_cells": _missing_cells(card.by_target.get(t.value)),
            "current": t.value == target,
        }
        for t in Target
        if not measured or t.value in measured or t.value == target
    ]
    base_query = {
        k: v for k, v in (("target", target), ("unit", form.selected_unit.pk if form.selected_unit else "")) if v
    }
    context = {
        "unit": unit,
        "selected": selected,
        "ancestors": _ancestors(user, unit),
        "form": form,
        "target": target,
        "target_label": Target(target).label,
        "tabs": tabs,
        "figures": card.by_target.get(target),
        "show_missing": show_missing,
        "has_requirements": bool(reqs),
        "missing_page": missing_page,
        "missing_items": missing_items,
        "findings_page": findings_page,
        "finding_items": finding_items,
        "last_confirmation": last_confirmation,
        "can_write": reaches(user, selected, services.WRITE_FUNCTION[Target(target)], domain),
        "to_standardise": to_standardise,
        "stale_after_days": QualitySettings.current().stale_after_days,
        "base_query": urlencode(base_query),
    }
    return render(request, "quality/worklist.html", context)


def _back_to_worklist(unit: Unit, target: str | None) -> HttpResponse:
    url = reverse("quality:worklist", kwargs={"pk": unit.pk})
    return redirect(f"{url}?{urlencode({'target': target})}" if target else url)


def _target_or_message(request: HttpRequest) -> str | None:
    form = TargetForm(request.POST)
    if form.is_valid():
        return str(form.cleaned_data["target"])
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return None


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit states that its records of one kind are still correct (xác nhận dữ liệu còn đúng)."""
    unit = get_scoped_or_404(Unit, request.user, pk=pk)
    target = _target_or_message(request)
    if target is None:
        return _back_to_worklist(unit, None)
    try:
        services.confirm_data(unit, target, by=request.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request,
            _("Đã xác nhận dữ liệu “%(target)s” của %(unit)s còn đúng.")
            % {"target": Target(target).label, "unit": unit.name},
        )
    return _back_to_worklist(unit, target)


@login_required
@require_POST
def standardise(request: HttpRequest, pk: int) -> HttpResponse:
    """Bring the unit's values listed as not consistent to the one stored form; each record's change is audited."""
    unit = get_scoped_or_404(Unit, request.user, pk=pk)
    target = _target_or_message(request)
    if target is None:
        return _back_to_worklist(unit, None)
    try:
        changed = services.standardise_records(unit, target, by=request.user)
    except (PermissionDenied, ValidationError, StaleRecord) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        if changed:
            messages.success(
                request, _("Đã chuẩn hóa %(n)s bản ghi; mỗi thay đổi được ghi vào nhật ký.") % {"n": _n(changed)}
            )
        else:
            messages.info(request, _("Không có giá trị nào cần chuẩn hóa."))
    return _back_to_worklist(unit, target)


# --- The Sở's settings ----------------------------------------------------------------------------------------------


def _required_now() -> dict[str, dict[str, list[str]]]:
    """{target: {field: [levels]}} of the required fields in force ("" = every level)."""
    result: dict[str, dict[str, list[str]]] = {t.value: {} for t in Target}
    for req in completeness.requirements():
        result[req.target].setdefault(req.field, []).append(req.level or EVERY_LEVEL)
    return result


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Readable by every account (schools see what is required of them); changed only by the Sở."""
    may_edit = maintains_reference_data(request.user)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied(_("Chỉ Sở Giáo dục và Đào tạo thay đổi được quy tắc chất lượng dữ liệu."))
    levels = level_choices()
    required = _required_now()
    quality_settings = QualitySettings.current()
    stale_form = StaleAfterForm(initial={"stale_after_days": quality_settings.stale_after_days})
    required_forms = {
        t.value: RequiredFieldsForm(target=t.value, levels=levels, current=required[t.value]) for t in Target
    }
    rules_form = RulesForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "stale":
            stale_form = StaleAfterForm(request.POST)
            if stale_form.is_valid():
                days = stale_form.cleaned_data["stale_after_days"]
                try:
                    services.set_stale_after(days, by=request.user)
                except ValidationError as exc:
                    stale_form.add_error("stale_after_days", exc)
                else:
                    messages.success(
                        request,
                        _("Đã lưu: dữ liệu không được sửa hay xác nhận quá %(n)s ngày bị coi là chưa kịp thời.")
                        % {"n": days},
                    )
                    return redirect("quality:settings")
        elif action == "required" and request.POST.get("target") in Target.values:
            target = str(request.POST["target"])
            form = RequiredFieldsForm(request.POST, target=target, levels=levels, current=required[target])
            required_forms[target] = form
            if form.is_valid():
                try:
                    services.set_required_fields(target, form.chosen(), by=request.user)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(
                        request, _("Đã lưu các trường bắt buộc của “%(target)s”.") % {"target": Target(target).label}
                    )
                    return redirect(f"{reverse('quality:settings')}#required-{target}")
        elif action == "rules":
            rules_form = RulesForm(request.POST)
            if rules_form.is_valid():
                changes = rules_form.changes()
                try:
                    with transaction.atomic():
                        for code, active, severity in changes:
                            services.set_rule(code, active=active, severity=severity, by=request.user)
                except ValidationError as exc:
                    rules_form.add_error(None, exc)
                else:
                    if changes:
                        messages.success(
                            request, _("Đã lưu %(n)s thay đổi của quy tắc kiểm tra.") % {"n": len(changes)}
                        )
                    else:
                        messages.info(request, _("Không có thay đổi nào."))
                    return redirect(f"{reverse('quality:settings')}#rules")
        else:
            messages.error(request, _("Không rõ cần lưu phần nào; hãy bấm nút Lưu của phần đó."))
            return redirect("quality:settings")
    if not may_edit:
        for shown in (stale_form, rules_form, *required_forms.values()):
            for form_field in shown.fields.values():
                form_field.disabled = True
    context = {
        "may_edit": may_edit,
        "quality_settings": quality_settings,
        "stale_form": stale_form,
        "required_forms": [(Target(t).label, t, f) for t, f in required_forms.items()],
        "levels": levels,
        "rules_form": rules_form,
        "every_level": EVERY_LEVEL,
    }
    return render(request, "quality/settings.html", context)
