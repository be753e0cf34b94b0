"""Pages of the list exports: a list's file (at once, or queued for the worker), the account's export jobs with
their progress, and the download of a finished file. Every row exported comes through the list page's own view
(``exports.select``), so the scope and the filters are exactly the page's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from edudb.core.scoping import Function, get_scoped_or_404
from edudb.core.views_base import ScopedListView, htmx_target
from edudb.exchange import exports
from edudb.exchange.models import ExportJob, ExportState

JOBS_TARGET = "export-jobs"  # the jobs table, which polls itself while a job is running


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "exchange/export_refused.html", {"message": message}, status=status)


@never_cache
@login_required
@require_GET
def export(request: HttpRequest, pk: str) -> HttpResponse:
    """GET /exchange/export/<source>/?format=xlsx|csv&<the list's filters>: the file at once for a list of at most
    ``EXPORT_INLINE_ROWS`` rows, otherwise a background job and the jobs page."""
    spec = exports.get_spec(pk)
    if spec is None or not exports.may_export(request.user):
        # An account without "Xuất dữ liệu" finds no export, as out-of-scope data is simply not found (R5.2).
        raise Http404(_("Không tìm thấy danh sách để xuất, hoặc tài khoản chưa được giao chức năng Xuất dữ liệu."))
    file_format = request.GET.get("format") or "xlsx"
    if file_format not in exports.FORMATS:
        return _refused(
            request,
            _("Định dạng “%(value)s” không được hỗ trợ: tham số format chỉ nhận xlsx (Excel) hoặc csv.")
            % {"value": file_format[:20]},
            400,
        )
    query = exports.clean_query(request.GET)
    if len(query) > exports.MAX_QUERY:
        return _refused(request, _("Bộ lọc quá dài để ghi nhận; hãy bớt điều kiện lọc rồi xuất lại."), 400)
    selection = exports.select(spec, request.user, query)
    limit = exports.inline_limit()
    if exports.count_upto(selection.queryset, limit + 1) > limit:
        job = exports.queue_job(selection, file_format)
        messages.info(
            request,
            _(
                "Danh sách có hơn %(n)s dòng nên tệp “%(title)s” được tạo ở chế độ nền; tiến độ hiện dưới đây, "
                "tệp sẵn sàng thì bấm Tải về."
            )
            % {"n": f"{limit:,}".replace(",", "."), "title": job.title},
        )
        return redirect("exchange:exports")
    produced = exports.produce_inline(selection, file_format)
    response = HttpResponse(produced.content, content_type=produced.content_type)
    response["Content-Disposition"] = f'attachment; filename="{produced.name}"'
    response["X-Export-Rows"] = str(produced.rows)
    return response


class ExportJobListView(ScopedListView):
    """The account's own export files, newest first, with a progress bar that follows a running job."""

    model = ExportJob
    template_name = "exchange/export_list.html"
    paginate_by = 20

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(account=self.request.user).order_by("-created_at", "-pk")

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == JOBS_TARGET:
            return ["exchange/export_list.html#jobs"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        running = (ExportState.QUEUED, ExportState.RUNNING)
        context["running"] = any(job.state in running for job in context["object_list"])
        context["jobs_target"] = JOBS_TARGET
        context["keep_days"] = exports.keep_days()
        return context


@never_cache
@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A finished export file, for the account that asked for it only (anyone else: not found); each download is
    audited. An account that lost "Xuất dữ liệu" since no longer finds its files."""
    owner: Any = request.user
    job = get_scoped_or_404(ExportJob.objects.filter(account=owner), owner, Function.EXPORT, pk=pk)
    if job.state != ExportState.DONE:
        return render(request, "exchange/export_pending.html", {"job": job})
    stored = job.file.name or ""
    if not stored or not job.file.storage.exists(stored):
        return _refused(request, _("Tệp này không còn trên máy chủ; hãy xuất lại từ trang danh sách."), 410)
    spec = exports.get_spec(job.source)
    name = (
        exports.file_name(spec, job.file_format, timezone.localdate(job.created_at))
        if spec
        else stored.rsplit("/", 1)[-1]
    )
    exports.audit_download(job, by=request.user)
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = exports.CONTENT_TYPES[job.file_format]
    return response
