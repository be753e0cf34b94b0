"""Base page views: the only page-level doors to scoped data (DESIGN decision 1).

Subclasses declare ``model`` and ``function`` and may narrow the scoped queryset in ``refine``; they cannot
replace ``get_queryset``, so no page can forget the scope.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from edudb.core.records import StaleRecord, create_record, record_snapshot, update_record
from edudb.core.scoping import Function


def htmx_target(request: HttpRequest) -> str | None:
    """The id of the element an htmx request will swap, or None for a full page load."""
    details = getattr(request, "htmx", None)
    return details.target if details else None


class _ScopedMixin(LoginRequiredMixin):
    model: Any
    function: ClassVar[str] = Function.VIEW
    request: HttpRequest

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override get_queryset; narrow the scoped queryset in refine()")

    def get_queryset(self) -> models.QuerySet[Any]:
        scoped = self.model._default_manager.all().visible_to(self.request.user, self.function)
        return self.refine(scoped)

    def refine(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Narrow or annotate the already scoped queryset (filters, select_related)."""
        return queryset


class ScopedListView(_ScopedMixin, ListView):
    """A paginated list of what the user may see."""

    paginate_by = 50
    paginator_class = Paginator


class ScopedDetailView(_ScopedMixin, DetailView):
    """One object the user may see; anything else is 404."""


# Fields the normalisation layer treats as a person's name; codes and IDs have validators of their own.
_NAME_FIELDS = frozenset({"full_name", "principal_name", "to_full_name"})
_NOT_NORMALISED = frozenset({"version", "personal_id", "ministry_code", "temporary_code", "code"})


def normalise_kind(form: forms.BaseForm, name: str) -> str | None:
    """Which kind of the normalisation layer a form field holds (a member name of normalise.Kind), or None."""
    field = form.fields.get(name)
    if field is None or name in _NOT_NORMALISED or name.endswith("_code") or hasattr(field, "choices"):
        return None
    if isinstance(field, forms.EmailField):
        return "EMAIL"
    if not isinstance(field, forms.CharField) or isinstance(field, forms.URLField | forms.SlugField):
        return None
    if name in _NAME_FIELDS:
        return "NAME"
    if name.endswith("phone"):
        return "PHONE"
    if isinstance(field.widget, forms.Textarea):
        return "MULTILINE"
    return "TEXT"


class NormalisingForm(forms.BaseForm):
    """A mixin for data-entry forms: text goes through the one normalisation layer (R6.1) and nothing changes
    silently — as the clerk leaves a field the page shows what will be stored, and after the save each change is
    listed (``normalisations``; ``show_quality_warnings``)."""

    normalisations: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.normalisations = []
        preview = reverse("quality:normalise_preview")
        for name, field in self.fields.items():
            kind = normalise_kind(self, name)
            if kind and not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.update(
                    {
                        "hx-get": f"{preview}?"
                        + urlencode({"kind": kind, "field": self.add_prefix(name), "label": field.label or name}),
                        "hx-trigger": "change",
                        "hx-target": f"#norm-{self[name].auto_id}",
                        "hx-swap": "innerHTML",
                    }
                )

    def clean(self) -> dict[str, Any]:
        from edudb.quality import normalise

        data = super().clean() or {}
        layer = normalise.Normaliser()
        for name, value in list(data.items()):
            kind = normalise_kind(self, name)
            if kind is None or not isinstance(value, str) or not value:
                continue  # empty, or emptied on purpose by the field's own clean_<name>
            raw = self.data.get(self.add_prefix(name), value) if self.data else value
            result = layer.clean(
                name,
                normalise.Kind[kind],
                raw if isinstance(raw, str) else value,
                label=self.fields[name].label or name,
                max_length=getattr(self._model_field(name), "max_length", None)
                or getattr(self.fields[name], "max_length", None),
            )
            if name in layer.errors:
                self.add_error(name, layer.errors.pop(name))
            elif result is not None:
                data[name] = result
        self.normalisations = [change for change in layer.changes if not change.minor]
        return data

    def _model_field(self, name: str) -> Any:
        meta = getattr(self, "_meta", None)
        if meta is None:
            return None
        try:
            return meta.model._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field
            return None


class RecordForm(NormalisingForm, forms.ModelForm[Any]):
    """A form for a component-database record: knows its editor (to restrict choices), carries the version it
    was loaded at, normalises its text (NormalisingForm) and applies the quality rules before saving."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.restrict_choices(user)

    def restrict_choices(self, user: Any) -> None:
        """Narrow choice fields through the scoping door (subclasses)."""

    def clean_version(self) -> int | None:
        value = self.cleaned_data.get("version")
        if self.instance.pk and value is None:
            raise forms.ValidationError(_("Thiếu phiên bản của bản ghi; hãy tải lại trang rồi sửa lại."))
        return value

    def apply(self, record: Any) -> Any:
        """Put values the form holds outside the model's fields (a retyped personal ID) onto ``record``."""
        return record

    def _post_clean(self) -> None:  # Django's hook after the model's own validation
        """After the model's own checks, the quality rules (R6.3): errors stop the save, warnings go with it."""
        super()._post_clean()  # type: ignore[misc]  # private in django-stubs
        self.quality_warnings: list[str] = []
        if self.errors:
            return
        from edudb.quality.models import Severity
        from edudb.quality.rules import check_record

        for problem in check_record(self.apply(self.instance)):
            if problem.severity == Severity.ERROR:
                self.add_error(problem.field if problem.field in self.fields else None, problem.message)
            else:
                self.quality_warnings.append(problem.message)


def show_quality_warnings(request: HttpRequest, form: Any, *more: Any) -> None:
    """After a save: what the normalisation layer changed in the user's values (in ``form`` and ``more`` forms,
    e.g. the guardians' rows), and which warning rules the record breaks (saved all the same)."""
    for change in [c for f in (form, *more) for c in getattr(f, "normalisations", [])]:
        messages.info(
            request,
            _("Đã chuẩn hóa %(label)s: “%(before)s” → “%(after)s” (%(why)s).")
            % {
                "label": change.label,
                "before": change.before,
                "after": change.after,
                "why": ", ".join(str(reason) for reason in change.reasons),
            },
        )
    for warning in getattr(form, "quality_warnings", []):
        messages.warning(request, _("Cần xem lại: %(w)s") % {"w": warning})


class _RecordWriteMixin:
    """Shared by the create and edit pages: the form knows its editor; the write goes through records.*."""

    request: HttpRequest
    function: ClassVar[str]
    success_message: ClassVar[str] = ""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["user"] = self.request.user
        return kwargs

    def written(self, form: Any, record: Any) -> HttpResponse:
        form.save_m2m()
        messages.success(self.request, self.success_message or _("Đã lưu."))
        show_quality_warnings(self.request, form)
        return redirect(record.get_absolute_url())


class ScopedCreateView(_RecordWriteMixin, LoginRequiredMixin, CreateView):
    """Create a record through records.create_record (audited, scope re-checked)."""

    def form_valid(self, form: Any) -> HttpResponse:
        record = form.save(commit=False)
        try:
            create_record(record, by=self.request.user, function=self.function)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        return self.written(form, record)


class ScopedUpdateView(_RecordWriteMixin, _ScopedMixin, UpdateView):
    """Edit a record in scope; a stale version is refused with who saved it and when."""

    def get_form_kwargs(self) -> dict[str, Any]:
        self.before = record_snapshot(self.object)
        return super().get_form_kwargs()

    def form_valid(self, form: Any) -> HttpResponse:
        record = form.save(commit=False)  # new values onto the instance; m2m saved after the write
        try:
            update_record(
                record,
                by=self.request.user,
                function=self.function,
                expected_version=form.cleaned_data["version"],
                before=self.before,
            )
        except (StaleRecord, PermissionDenied) as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        return self.written(form, record)
