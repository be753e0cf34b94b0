"""The import pages: upload, live progress, the preview with every problem and normalisation, commit, report."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from edudb.core.models import Category, Unit
from edudb.core.scoping import Function, get_scoped_or_404, scope_for
from edudb.core.views_base import htmx_target
from edudb.exchange import services
from edudb.exchange.adapters import ADAPTERS
from edudb.exchange.layouts import LAYOUTS
from edudb.exchange.models import ImportJob, ImportMode, ImportProblem, ImportState

PAGE_SIZE = 50
ACCEPT = ".xlsx,.xls,.ods,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _writable_units(user: Any, layout: str | None = None) -> Any:
    functions = {ADAPTERS[layout].function} if layout in ADAPTERS else {a.function for a in ADAPTERS.values()}
    units = None
    for function in sorted(functions):
        scoped = Unit.objects.visible_to(user, function)
        units = scoped if units is None else units | scoped
    assert units is not None  # noqa: S101 — ADAPTERS is never empty
    return units.select_related("kind").order_by("path")


class UploadForm(forms.Form):
    layout = forms.ChoiceField(label=gettext_lazy("Loại dữ liệu"))
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Nhập cho đơn vị"),
        queryset=Unit.objects.none(),
        help_text=gettext_lazy(
            "Một trường: mọi dòng thuộc trường này. Phòng hoặc Sở: tệp cần có cột “Mã trường” cho mỗi dòng."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel"),
        help_text=gettext_lazy("Tệp .xlsx, .xls, .ods hoặc .csv — mẫu của hệ thống hoặc tệp xuất từ CSDL của Bộ."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Cách nhập"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = [(name, layout.title) for name, layout in LAYOUTS.items()]  # type: ignore[attr-defined]
        units = _writable_units(user)
        scope = scope_for(user)
        own = scope.unit if scope else None
        # The account's own unit first, then the schools below it (a Sở sees some 1,700: the select is searchable).
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units.filter(Q(pk=own.pk if own else None) | Q(kind__category=Category.INSTITUTION))
        if own is not None:
            self.fields["unit"].initial = own.pk


def _jobs(request: HttpRequest) -> Any:
    return ImportJob.objects.visible_to(request.user, Function.VIEW).select_related("unit", "account")


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """The imports the user may see (newest first) and the upload form."""
    form = UploadForm(user=request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                job = services.start_import(
                    by=request.user,
                    unit=form.cleaned_data["unit"],
                    layout=form.cleaned_data["layout"],
                    upload=form.cleaned_data["file"],
                    mode=form.cleaned_data["mode"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error("unit", str(exc))
            else:
                return redirect(job.get_absolute_url())
    page = Paginator(_jobs(request).order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/import_list.html",
        {"form": form, "page_obj": page, "jobs": page.object_list, "layouts": LAYOUTS},
        status=400 if request.method == "POST" else 200,
    )


def _problem_page(request: HttpRequest, job: ImportJob) -> tuple[str, Any, dict[str, int]]:
    counts = dict(
        job.problems.order_by().values_list("severity").annotate(n=Count("pk"))  # the job came through its scope
    )
    show = request.GET.get("show") or (
        ImportProblem.Severity.ERROR if counts.get(ImportProblem.Severity.ERROR) else ImportProblem.Severity.NORMALISED
    )
    if show not in ImportProblem.Severity.values:
        show = ImportProblem.Severity.ERROR
    problems = job.problems.filter(severity=show).order_by("row", "column_index", "pk")
    return show, Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page")), counts


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs, then the preview (counts, columns, problems) and the buttons."""
    job = get_scoped_or_404(_jobs(request), request.user, Function.VIEW, pk=pk)
    if htmx_target(request) == "import-progress":
        if job.is_running:
            return render(request, "exchange/import_detail.html#progress", {"job": job})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # finished: the whole page shows the preview
        return response
    show, problems, counts = _problem_page(request, job)
    can_write = Unit.objects.visible_to(request.user, ADAPTERS[job.layout].function).filter(pk=job.unit_id).exists()
    return render(
        request,
        "exchange/import_detail.html",
        {
            "job": job,
            "layout": LAYOUTS.get(job.layout),
            "show": show,
            "problems": problems,
            "counts": counts,
            "can_write": can_write and job.state == ImportState.READY,
            "can_discard": can_write and job.state in (ImportState.READY, ImportState.FAILED),
            "modes": ImportMode.choices,
        },
    )


def _act(request: HttpRequest, pk: int, action: Any, done: str, **kwargs: Any) -> HttpResponse:
    job = get_scoped_or_404(_jobs(request), request.user, Function.VIEW, pk=pk)
    try:
        action(job, by=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(job.get_absolute_url())


@require_POST
@login_required
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    mode = request.POST.get("mode") or ImportMode.ALL_OR_NOTHING
    return _act(request, pk, services.request_commit, _("Đang ghi dữ liệu; trang sẽ tự cập nhật khi xong."), mode=mode)


@require_POST
@login_required
def import_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.recheck, _("Đang kiểm tra lại tệp với dữ liệu mới nhất."))


@require_POST
@login_required
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.discard, _("Đã hủy lần nhập; không có gì được ghi."))


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The error report: the rejected rows as the file had them, each problem cell highlighted with its message,
    and the list of every problem — fix it and upload it again."""
    from edudb.exchange.report import build_report

    job = get_scoped_or_404(_jobs(request), request.user, Function.VIEW, pk=pk)
    buffer = io.BytesIO(build_report(job))
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="bao-cao-loi-nhap-{job.pk}.xlsx"'
    return response
