"""Pages of feedback about data and personal-data requests (R8.3–R8.4), under /feedback/ (namespace feedback).

- ``/feedback/`` — "Phản ánh tôi đã gửi": the account's own items, whatever the unit in charge (the filer is owed
  the outcome), and nothing more of them than the filer wrote and the answer.
- ``/feedback/handling/`` — the items the account handles: ``Feedback.objects.visible_to(user, review)``, i.e. its
  unit and the units below (a manager sees its units' overdue items there, filter "quá hạn").
- ``/feedback/new/<subject>/<pk>/`` — file about a record the account sees (``view``); out of reach is 404.
- ``/feedback/<pk>/`` — detail with the timeline; handlers also get the answer form, the candidate changes and,
  for the subject record, its access log.
- ``/feedback/public/`` and ``/feedback/public/status/`` — no account: a parent or the student files, and follows
  the item with its number and code. Both are throttled per address and carry the arithmetic challenge.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from edudb.core import audit
from edudb.core.public import refuse as public_refuse
from edudb.core.public import throttle
from edudb.core.scoping import Function, get_scoped_or_404, scope_for
from edudb.feedback import services
from edudb.feedback.forms import AnswerForm, FileForm, ListFilterForm, PublicFileForm, StatusForm, refuse
from edudb.feedback.models import OPEN_STATES, Feedback, Kind, State

PAGE_SIZE = 50
PUBLIC_LIMIT = 5  # public filings per address and hour
STATUS_LIMIT = 20  # status checks per address and hour (guessing a code is pointless within that)
PUBLIC_WINDOW = dt.timedelta(hours=1)
RELATED = ("unit", "period")


def _refused(request: HttpRequest, reasons: list[str], *, status: int = 403) -> HttpResponse:
    return render(request, "feedback/refused.html", {"reasons": reasons}, status=status)


def _fetch(request: HttpRequest, pk: int) -> tuple[Feedback, bool]:
    """The item as its handler (True) or as its filer (False); anything else is 404."""
    handled = Feedback.objects.visible_to(request.user, Function.REVIEW).select_related(*RELATED).filter(pk=pk).first()
    if handled is not None:
        return handled, True
    own = services.unscoped_filed_by(request.user).select_related(*RELATED).filter(pk=pk).first()
    if own is None:
        raise Http404(_("Không tìm thấy dữ liệu."))
    return own, False


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    rows = services.unscoped_filed_by(request.user).select_related(*RELATED).order_by("-filed_at", "-pk")
    return render(request, "feedback/mine.html", {"page_obj": _page(request, rows), "today": timezone.localdate()})


@login_required
def handling(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    form = ListFilterForm(request.GET or None)
    rows = Feedback.objects.visible_to(request.user, Function.REVIEW).select_related(*RELATED, "escalated_to")
    today = timezone.localdate()
    if form.is_valid():
        state = form.cleaned_data.get("state")
        if state == "open":
            rows = rows.filter(state__in=OPEN_STATES)
        elif state:
            rows = rows.filter(state=state)
        if form.cleaned_data.get("kind"):
            rows = rows.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data.get("overdue"):
            rows = rows.filter(state__in=OPEN_STATES, deadline__lt=today)
    context = {
        "form": form,
        "page_obj": _page(request, rows.order_by("deadline", "pk")),
        "today": today,
        "may_handle": bool(scope and scope.allows(Function.REVIEW)),
        "query": request.GET.urlencode(),
    }
    return render(request, "feedback/handling.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def file(request: HttpRequest, subject: str, pk: int) -> HttpResponse:
    """File a complaint about a student, a staff member or a unit (its record, or with ``?figure=1`` a figure)."""
    kind = services.SUBJECTS.get(subject)
    if kind is None:
        raise Http404(_("Không tìm thấy dữ liệu."))
    obj: Any = None
    if request.method == "GET":
        obj = get_scoped_or_404(kind.model(), request.user, Function.VIEW, pk=pk)
    allow_figure = subject == "unit"
    initial: dict[str, str] = {"kind": Kind.FIGURE if request.GET.get("figure") and allow_figure else Kind.RECORD}
    initial["figure"] = request.GET.get("label", "")[:255]
    form = FileForm(request.POST or None, initial=initial, allow_figure=allow_figure)
    period = _period_of(request)
    indicator = (request.POST.get("indicator") or request.GET.get("indicator") or "")[:40]
    if request.method == "POST" and form.is_valid():
        try:
            made = services.file(
                by=request.user,
                subject_key=subject,
                subject_id=pk,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                period=period,
                indicator=indicator,
                figure=form.cleaned_data.get("figure", ""),
            )
        except services.OutOfReach as exc:
            return _refused(request, [str(exc)], status=404)
        except ValidationError as exc:
            refuse(form, exc)
        else:
            messages.success(
                request,
                _("Đã gửi phản ánh %(ref)s; %(unit)s xử lý trước ngày %(day)s.")
                % {"ref": made.reference, "unit": made.unit.name, "day": made.deadline.strftime("%d/%m/%Y")},
            )
            return redirect("feedback:detail", made.pk)
    if obj is None:
        model: Any = kind.model()
        obj = model._default_manager.all().visible_to(request.user, Function.VIEW).filter(pk=pk).first()
        if obj is None:
            raise Http404(_("Không tìm thấy dữ liệu."))
    context = {"form": form, "subject": obj, "subject_label": kind.label, "period": period, "indicator": indicator}
    return render(request, "feedback/file.html", context)


def _period_of(request: HttpRequest) -> Any:
    from edudb.reporting.models import ReportingPeriod

    raw = request.POST.get("period") or request.GET.get("period") or ""
    if not raw.isdigit():
        return None
    return ReportingPeriod.objects.visible_to(request.user).filter(pk=int(raw)).first()


def _detail(request: HttpRequest, feedback: Feedback, handler: bool, answer_form: AnswerForm | None = None) -> Any:
    context: dict[str, Any] = {
        "item": feedback,
        "handler": handler,
        "today": timezone.localdate(),
        "timeline": services.timeline(feedback),
        "mine": feedback.filer_id == request.user.pk,
    }
    if handler:
        changes = services.candidate_changes(feedback) if feedback.is_open else []
        report = services.approved_report_for(feedback) if feedback.is_open else None
        context.update(
            {
                "answer_form": answer_form
                or AnswerForm(outcomes=services.OUTCOMES_BY_KIND[feedback.kind], changes=changes),
                "access_log": services.access_log(feedback),
                "linked_changes": list(feedback.changes.all()),
                "approved_report": report,
                "running_correction": services.open_correction(report) if report is not None else None,
                "subject_url": _subject_url(feedback),
            }
        )
    return context


def _subject_url(feedback: Feedback) -> str:
    key = services.subject_key_of(feedback)
    names = {"student": "registry:student_detail", "staff": "registry:staff_detail", "unit": "core:unit_detail"}
    try:
        return reverse(names[key], args=[feedback.subject_id]) if key else ""
    except Exception:
        return ""


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback, handler = _fetch(request, pk)
    return render(request, "feedback/detail.html", _detail(request, feedback, handler))


@login_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    feedback, handler = _fetch(request, pk)
    if not handler:
        return _refused(request, [_("Phản ánh do đơn vị xử lý tiếp nhận.")])
    try:
        services.take(feedback, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        for line in getattr(exc, "messages", [str(exc)]):
            messages.error(request, line)
    else:
        messages.success(request, _("Đã tiếp nhận xử lý phản ánh %(ref)s.") % {"ref": feedback.reference})
    return redirect("feedback:detail", feedback.pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    feedback, handler = _fetch(request, pk)
    if not handler:
        return _refused(request, [_("Chỉ đơn vị xử lý được trả lời phản ánh.")])
    changes = services.candidate_changes(feedback)
    form = AnswerForm(request.POST, outcomes=services.OUTCOMES_BY_KIND[feedback.kind], changes=changes)
    if form.is_valid():
        try:
            services.answer(
                feedback,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                text=form.cleaned_data["answer"],
                change_ids=form.cleaned_data.get("changes") or [],
                request_correction=form.cleaned_data.get("request_correction", False),
            )
        except PermissionDenied as exc:
            return _refused(request, [str(exc)])
        except ValidationError as exc:
            refuse(form, exc)
        else:
            messages.success(request, _("Đã trả lời phản ánh %(ref)s.") % {"ref": feedback.reference})
            return redirect("feedback:detail", feedback.pk)
    return render(request, "feedback/detail.html", _detail(request, feedback, handler, form), status=200)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    feedback, _handler = _fetch(request, pk)
    try:
        services.close(feedback, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        for line in getattr(exc, "messages", [str(exc)]):
            messages.error(request, line)
    else:
        messages.success(request, _("Đã đóng phản ánh %(ref)s.") % {"ref": feedback.reference})
    return redirect("feedback:detail", feedback.pk)


@login_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """What is held about the data subject, for the unit to hand over (a "see my data" request); audited."""
    feedback, handler = _fetch(request, pk)
    if not handler:
        raise Http404(_("Không tìm thấy dữ liệu."))
    sections = services.produce_summary(feedback, by=request.user)
    response = render(request, "feedback/summary.html", {"item": feedback, "sections": sections})
    add_never_cache_headers(response)
    return response


# --- Public pages (no account) -----------------------------------------------------------------------------------------


def public_file(request: HttpRequest) -> HttpResponse:
    """A parent, guardian or the student files a complaint or a personal-data request without an account."""
    bucket = "feedback.public"
    form = PublicFileForm(request.POST or None, request=request)
    if request.method == "POST":
        limited = throttle(request, bucket, limit=PUBLIC_LIMIT, window=PUBLIC_WINDOW)
        if limited:
            return limited
        if not form.is_valid():
            if form.refusal == "honeypot":  # a script: one audited refusal, no form to fill again
                return public_refuse(request, bucket, "honeypot", status=400)
            form.audit_refusal(bucket)
        else:
            data = form.cleaned_data
            try:
                made, code = services.unscoped_file_public(
                    kind=data["kind"],
                    student_code=data["student_code"],
                    birth_date=data["birth_date"],
                    filer_name=data["filer_name"],
                    filer_relation=data["filer_relation"],
                    filer_contact=data["filer_contact"],
                    text=data["text"],
                )
            except services.NotIdentified as exc:
                audit.record("public.refused", by=None, extra={"page": bucket, "reason": "identity"})
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                refuse(form, exc)
            else:
                response = render(request, "feedback/public_done.html", {"item": made, "code": code})
                add_never_cache_headers(response)
                return response
    response = render(request, "feedback/public_file.html", {"form": form})
    add_never_cache_headers(response)
    return response


def public_status(request: HttpRequest) -> HttpResponse:
    """The filer follows the item with its number and code: the state, the deadline and, once answered, the answer."""
    bucket = "feedback.status"
    form = StatusForm(request.POST or None, request=request)
    found = None
    if request.method == "POST":
        limited = throttle(request, bucket, limit=STATUS_LIMIT, window=PUBLIC_WINDOW)
        if limited:
            return limited
        if not form.is_valid():
            form.audit_refusal(bucket)
        else:
            found = services.unscoped_status(form.cleaned_data["reference"], form.cleaned_data["code"])
            if found is None:
                audit.record("public.refused", by=None, extra={"page": bucket, "reason": "not_found"})
                form.add_error(None, _("Không tìm thấy phản ánh với số và mã tra cứu đã nhập; hãy kiểm tra lại."))
    answered = found is not None and found.state in (State.ANSWERED, State.CLOSED)
    context: dict[str, Any] = {"form": form, "item": found, "answered": answered}
    response = render(request, "feedback/public_status.html", context)
    add_never_cache_headers(response)
    return response
