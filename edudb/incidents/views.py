"""The incident pages (R9.2; Điều 7.2), included under /incidents/ (namespace incidents).

Every incident, screenshot and unit comes through the scoping door (``visible_to`` / ``get_scoped_or_404``): out of
scope is 404 for pages and actions alike. Every change is a call of ``edudb.incidents.services``; its Vietnamese
refusal is shown on the form field it names, as a message after the redirect, or — when the account may not do it
at all — as a 403 page that says who does it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edudb.core import audit
from edudb.core.models import Unit
from edudb.core.scoping import Function, get_scoped_or_404
from edudb.core.views_base import ScopedListView
from edudb.incidents import clocks, services
from edudb.incidents.forms import (
    AffectedForm,
    CloseForm,
    CommentForm,
    ExtensionForm,
    FilterForm,
    ReopenForm,
    ReportForm,
    ResolveForm,
    ScreenshotForm,
    SecurityReportForm,
    TriageForm,
)
from edudb.incidents.models import OPEN_STATES, Incident, IncidentState, Screenshot
from edudb.reporting.models import Extension

PAGE_SIZE = 50


def _lines(exc: ValidationError | PermissionDenied) -> list[str]:
    texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    return [line for text in texts for line in str(text).split("\n") if line.strip()]


def _refused(request: HttpRequest, exc: PermissionDenied, *, back: str = "") -> HttpResponse:
    return render(request, "incidents/refused.html", {"reasons": _lines(exc), "back": back}, status=403)


def _put_on_form(form: Any, exc: ValidationError) -> bool:
    """Put a service's field errors on the form; False when one names a field the form does not have."""
    if not hasattr(exc, "error_dict"):
        return False
    placed = False
    for name, errors in exc.message_dict.items():
        target = name if name in form.fields else None
        for error in errors:
            form.add_error(target, error)
        placed = True
    return placed


# --- The list --------------------------------------------------------------------------------------------------------


class IncidentList(ScopedListView):
    """The incidents the account sees, newest first, with their security clocks; filters state, severity, security,
    mine (reported by or assigned to the account) and a search by number or summary."""

    model = Incident
    function = Function.VIEW
    template_name = "incidents/list.html"
    paginate_by = PAGE_SIZE

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.filters = FilterForm(self.request.GET or None)
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        state = data.get("state") or ""
        if state == "open":
            queryset = queryset.filter(state__in=OPEN_STATES)
        elif state:
            queryset = queryset.filter(state=state)
        if data.get("severity"):
            queryset = queryset.filter(severity=data["severity"])
        if data.get("security"):
            queryset = queryset.filter(is_security=True)
        if data.get("mine"):
            me = self.request.user.pk
            queryset = queryset.filter(Q(reported_by_id=me) | Q(assignee_id=me))
        query = (data.get("q") or "").strip()
        if query:
            queryset = queryset.filter(Q(number__icontains=query) | Q(title__icontains=query))
        return queryset.select_related("unit", "reported_by", "assignee").order_by("-reported_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["rows"] = [(incident, clocks.clocks(incident, now)) for incident in context["object_list"]]
        context["filters"] = self.filters
        context["is_handler"] = services.is_handler(self.request.user)
        return context


incident_list = IncidentList.as_view()


# --- Reporting -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Any account of a unit reports an incident of its own unit to the Sở."""
    form = ReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.report(
                by=request.user,
                category=data["category"],
                severity=data["severity"],
                title=data["title"],
                description=data["description"],
                detected_at=data.get("detected_at"),
                started_at=data.get("started_at"),
                affected_units=list(data.get("affected_units") or []),
                screenshots=data.get("screenshots") or [],
            )
        except PermissionDenied as exc:
            return _refused(request, exc, back=reverse("incidents:list"))
        except ValidationError as exc:
            if not _put_on_form(form, exc):
                form.add_error(None, exc)
        else:
            if incident.is_security:
                messages.warning(
                    request,
                    _(
                        "Đã gửi báo cáo sự cố an toàn thông tin %(number)s; Sở được báo ngay. Đừng tắt máy hay xóa "
                        "dấu vết; hãy giữ nguyên hiện trạng và chờ hướng dẫn."
                    )
                    % {"number": incident.number},
                )
            else:
                messages.success(request, _("Đã gửi báo cáo sự cố %(number)s tới Sở.") % {"number": incident.number})
            return redirect("incidents:detail", incident.pk)
    return render(request, "incidents/new.html", {"form": form})


# --- One incident ----------------------------------------------------------------------------------------------------


def _incident(request: HttpRequest, pk: int) -> Incident:
    return get_scoped_or_404(
        Incident.objects.select_related("unit", "reported_by", "assignee"), request.user, Function.VIEW, pk=pk
    )


def _open_periods(user: Any) -> Any:
    from edudb.reporting.models import ReportingPeriod

    today = timezone.localdate()
    return ReportingPeriod.objects.visible_to(user).filter(closed_at__isnull=True, opens_on__lte=today)


def _detail(request: HttpRequest, incident: Incident, **bound: Any) -> HttpResponse:
    """The incident page: facts, clocks, screenshots, timeline, and the actions the account may take."""
    user = request.user
    handler = services.is_handler(user)
    own = services.is_of_reporting_unit(user, incident)
    affected = list(incident.affected_units.all().order_by("path"))
    seen = set(Unit.objects.visible_to(user).filter(pk__in=[u.pk for u in affected]).values_list("pk", flat=True))
    candidates = services.extension_candidates(incident, user) if incident.is_open or handler else []
    state = incident.state
    context: dict[str, Any] = {
        "incident": incident,
        "clocks": clocks.clocks(incident, timezone.now()),
        "affected_seen": [u for u in affected if u.pk in seen],
        "affected_hidden": len(affected) - len(seen),
        "screenshots": list(incident.screenshots.select_related("uploaded_by")),
        "events": list(incident.events.select_related("by", "by__unit")),
        "security_reports": list(incident.security_reports.select_related("made_by")),
        "extensions": list(
            Extension.objects.visible_to(user)
            .filter(incident=incident)
            .select_related("report__unit", "report__period", "granted_by")
        ),
        "is_handler": handler,
        "is_own": own,
        "comment_form": bound.get("comment") or CommentForm(),
        "screenshot_form": (bound.get("screenshot") or ScreenshotForm()) if state != IncidentState.CLOSED else None,
    }
    if handler and incident.is_open:
        context["triage_form"] = bound.get("triage") or TriageForm(
            initial={
                "severity": incident.severity,
                "is_security": incident.is_security,
                "assignee": incident.assignee_id,
            },
            accounts=services.assignable_accounts(user),
        )
        context["affected_form"] = bound.get("affected") or AffectedForm(user=user)
    if handler and state == IncidentState.TRIAGED:
        context["may_start"] = True
    if handler and state in (IncidentState.TRIAGED, IncidentState.IN_PROGRESS):
        context["resolve_form"] = bound.get("resolve") or ResolveForm()
    if (handler or own) and state == IncidentState.RESOLVED:
        context["close_form"] = bound.get("close") or CloseForm()
    if (handler or own) and state in (IncidentState.RESOLVED, IncidentState.CLOSED):
        context["reopen_form"] = bound.get("reopen") or ReopenForm()
    if handler and incident.is_security:
        context["security_form"] = bound.get("security") or SecurityReportForm()
    if candidates:
        context["extension_form"] = bound.get("extension") or ExtensionForm(
            periods=_open_periods(user), units=candidates
        )
    status = 200
    return render(request, "incidents/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _incident(request, pk))


def _act(
    request: HttpRequest,
    pk: int,
    form_class: Any,
    key: str,
    call: Any,
    done: str,
    form_kwargs: Any = None,
    guard: Any = None,
) -> HttpResponse:
    """Run one action of the incident page: who may (``guard``), the form, then the service; refusals where the
    user reads them."""
    incident = _incident(request, pk)
    back = reverse("incidents:detail", args=[incident.pk])
    try:
        if guard is not None:
            guard(request.user, incident)
    except PermissionDenied as exc:
        return _refused(request, exc, back=back)
    kwargs = form_kwargs(incident) if form_kwargs else {}
    form = form_class(request.POST, request.FILES or None, **kwargs)
    if not form.is_valid():
        return _detail(request, incident, **{key: form})
    try:
        call(incident, form.cleaned_data)
    except PermissionDenied as exc:
        return _refused(request, exc, back=back)
    except ValidationError as exc:
        if _put_on_form(form, exc):
            return _detail(request, incident, **{key: form})
        for line in _lines(exc):
            messages.error(request, line)
        return redirect(back)
    messages.success(request, done % {"number": incident.number})
    return redirect(back)


def _handler(user: Any, incident: Incident) -> None:
    services.require_handler(user)


@login_required
@require_POST
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        TriageForm,
        "triage",
        lambda i, d: services.triage(
            i,
            by=request.user,
            severity=d["severity"],
            is_security=d["is_security"],
            assignee=d["assignee"],
            note=d["note"],
        ),
        _("Đã tiếp nhận, phân công sự cố %(number)s."),
        lambda i: {"accounts": services.assignable_accounts(request.user)},
        guard=_handler,
    )


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    back = reverse("incidents:detail", args=[incident.pk])
    try:
        services.start(incident, by=request.user)
    except PermissionDenied as exc:
        return _refused(request, exc, back=back)
    except ValidationError as exc:
        for line in _lines(exc):
            messages.error(request, line)
        return redirect(back)
    messages.success(request, _("Sự cố %(number)s: đang xử lý.") % {"number": incident.number})
    return redirect(back)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ResolveForm,
        "resolve",
        lambda i, d: services.resolve(i, by=request.user, resolution=d["resolution"]),
        _("Đã ghi nhận khắc phục sự cố %(number)s; đơn vị báo cáo được thông báo."),
        guard=_handler,
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        CloseForm,
        "close",
        lambda i, d: services.close(i, by=request.user, note=d.get("note") or ""),
        _("Đã đóng sự cố %(number)s."),
        guard=services.require_party,
    )


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ReopenForm,
        "reopen",
        lambda i, d: services.reopen(i, by=request.user, reason=d["reason"]),
        _("Đã mở lại sự cố %(number)s."),
        guard=services.require_party,
    )


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        CommentForm,
        "comment",
        lambda i, d: services.comment(i, by=request.user, text=d["text"]),
        _("Đã gửi trao đổi về sự cố %(number)s."),
    )


@login_required
@require_POST
def add_screenshots(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ScreenshotForm,
        "screenshot",
        lambda i, d: services.add_screenshots(i, by=request.user, uploads=d["screenshots"]),
        _("Đã thêm ảnh chụp màn hình vào sự cố %(number)s."),
    )


@login_required
@require_POST
def affected(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        AffectedForm,
        "affected",
        lambda i, d: services.add_affected(i, by=request.user, units=list(d["units"])),
        _("Đã thêm đơn vị bị ảnh hưởng vào sự cố %(number)s."),
        lambda i: {"user": request.user},
        guard=_handler,
    )


@login_required
@require_POST
def security_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        SecurityReportForm,
        "security",
        lambda i, d: services.record_security_report(
            i,
            by=request.user,
            kind=d["kind"],
            made_at=d["made_at"],
            recipient=d["recipient"],
            document_number=d["document_number"],
            note=d.get("note") or "",
        ),
        _("Đã ghi nhận báo cáo sự cố an toàn thông tin %(number)s."),
        guard=_handler,
    )


@login_required
@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ExtensionForm,
        "extension",
        lambda i, d: services.grant_extensions(
            i,
            by=request.user,
            period=d["period"],
            units=list(d["units"]),
            until=d["until"],
            reason=d.get("reason") or "",
        ),
        _("Đã gia hạn báo cáo cho các đơn vị do sự cố %(number)s."),
        lambda i: {"periods": _open_periods(request.user), "units": services.extension_candidates(i, request.user)},
    )


# --- Screenshots -----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def screenshot(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One screenshot, to whoever sees its incident (404 otherwise); served with the type found in its content."""
    shot = get_scoped_or_404(Screenshot.objects.select_related("incident__unit"), request.user, Function.VIEW, pk=pk)
    audit.record(
        "incidents.screenshot_view",
        by=request.user,
        obj=shot.incident,
        unit=shot.incident.unit,
        extra={"screenshot": shot.pk},
    )
    response = FileResponse(shot.file.open("rb"), content_type=shot.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="screenshot-{shot.pk}.{(shot.file.name or "").rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
