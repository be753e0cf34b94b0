"""Base page views: the only page-level doors to scoped data (DESIGN decision 1).

Subclasses declare ``model`` and ``function`` and may narrow the scoped queryset in ``refine``; they cannot
replace ``get_queryset``, so no page can forget the scope.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from edudb.core.records import StaleRecord, create_record, record_snapshot, update_record
from edudb.core.scoping import Function
from edudb.quality.text import clean_text


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


class RecordForm(forms.ModelForm[Any]):
    """A form for a component-database record: knows its editor (to restrict choices), carries the version it
    was loaded at, and stores text as NFC with tidy spaces."""

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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in data.items():
            if isinstance(value, str) and name != "version":
                data[name] = clean_text(value) if "\n" not in value else value.strip()
        return data


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
