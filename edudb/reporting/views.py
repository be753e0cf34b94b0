"""The reporting cycle's pages (R7.1–R7.3; Điều 9, Điều 10.1), included under /reporting/ (namespace reporting).

Every object comes through the scoping door (``get_scoped_or_404`` / ``visible_to``); every change is a call of
``edudb.reporting.services``, whose Vietnamese refusal is what the user reads: on the form field it names, as a
message after the redirect, or — when the account may not do it at all — as a 403 page that says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edudb.core.models import Category, Unit
from edudb.core.scoping import Function, Scope, get_scoped_or_404, scope_for
from edudb.core.views_base import ScopedListView, htmx_target
from edudb.quality.models import Target
from edudb.reporting import board as boards
from edudb.reporting import services, snapshots
from edudb.reporting.forms import (
    ApproveForm,
    BoardFilterForm,
    CorrectionForm,
    DecideCorrectionForm,
    ExtensionForm,
    PeriodForm,
    ReturnForm,
    SubmitForm,
    refuse,
)
from edudb.reporting.models import (
    Correction,
    Extension,
    ReportingPeriod,
    ReportState,
    Submission,
    UnitReport,
    default_covers,
)

PAGE_SIZE = 50
PERIODS_PAGE_SIZE = 20
LATE_SHOWN = 50  # late units listed above the board's table; the count is always complete
FIGURES = ("completeness", "accuracy", "consistency", "timeliness")  # the four properties of Điều 2.1


# --- Shared helpers --------------------------------------------------------------------------------------------------


def _scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if scope is None:
        raise Http404(_("Không tìm thấy dữ liệu."))
    return scope


def _day(value: dt.date) -> str:
    return date_format(value, "d/m/Y")


def _lines(exc: ValidationError | PermissionDenied) -> list[str]:
    """A refusal's messages, one per line (the list of problems that stops a submission is one message)."""
    texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    return [line for text in texts for line in str(text).split("\n") if line.strip()]


def _tell(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    for line in _lines(exc):
        messages.error(request, line)


def _refused(request: HttpRequest, exc: PermissionDenied | str, *, back: str = "") -> HttpResponse:
    """The 403 page: what the account may not do, why, and who does it instead (the service's own words)."""
    reasons = [exc] if isinstance(exc, str) else _lines(exc)
    return render(request, "reporting/refused.html", {"reasons": reasons, "back": back}, status=403)


def _department_refusal(user: Any) -> PermissionDenied | None:
    """None when the account manages the periods (the Sở), else the refusal the services give."""
    try:
        services.require_department(user)
    except PermissionDenied as exc:
        return exc
    return None


def _period(request: HttpRequest, pk: int) -> ReportingPeriod:
    return get_scoped_or_404(ReportingPeriod, request.user, pk=pk)


def _unit(request: HttpRequest, pk: int) -> Unit:
    return get_scoped_or_404(Unit.objects.select_related("kind", "parent"), request.user, pk=pk)


def _ancestors(user: Any, unit: Unit) -> list[Unit]:
    """The units above ``unit`` the user may see, from the top (the breadcrumb)."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part and int(part) != unit.pk]
    return list(Unit.objects.visible_to(user).filter(pk__in=ids).order_by("depth"))


@dataclass
class PeriodStatus:
    text: str
    tone: str  # "" | "warn" | "qerror": the tag's colour, the words say the same
    open_now: bool


def period_status(period: ReportingPeriod, today: dt.date) -> PeriodStatus:
    """Where a period stands today, in words: closed, not open yet, days left, or how late."""
    if period.closed_at is not None:
        day = _day(timezone.localdate(period.closed_at))
        return PeriodStatus(_("Đã khóa sổ ngày %(day)s") % {"day": day}, "", False)
    if today < period.opens_on:
        return PeriodStatus(_("Mở từ ngày %(day)s") % {"day": _day(period.opens_on)}, "", False)
    left = (period.deadline - today).days
    if left < 0:
        return PeriodStatus(_("Đã quá hạn %(n)s ngày") % {"n": -left}, "qerror", True)
    if left == 0:
        return PeriodStatus(_("Hạn chót là hôm nay"), "warn", True)
    return PeriodStatus(_("Còn %(n)s ngày") % {"n": left}, "warn" if left <= 3 else "", True)


def _state_label(report: UnitReport | None) -> str:
    return str(report.get_state_display()) if report is not None else _("Chưa chốt số liệu")


def _next_action(period: ReportingPeriod, unit: Unit, report: UnitReport | None, scope: Scope) -> tuple[str, str]:
    """The button a unit's account sees next to its report: (label, url)."""
    report_url = reverse("reporting:report", kwargs={"period": period.pk, "pk": unit.pk})
    if not scope.allows(Function.SUBMIT):
        return _("Xem báo cáo của đơn vị"), report_url
    state = report.state if report is not None else ReportState.IN_PROGRESS
    if state == ReportState.SUBMITTED and report is not None and report.latest_id:
        return _("Xem phiên bản đã chốt"), reverse("reporting:submission", args=[report.latest_id])
    if state == ReportState.APPROVED and report is not None and report.approved_id:
        return _("Xem báo cáo đã duyệt"), reverse("reporting:submission", args=[report.approved_id])
    if state == ReportState.RETURNED:
        return _("Sửa số liệu và chốt lại"), report_url
    if state == ReportState.CORRECTING:
        return _("Chốt phiên bản điều chỉnh"), report_url
    return _("Kiểm tra và chốt số liệu"), report_url


@dataclass
class PeriodLine:
    """One period on the home page, with the account's own unit's report when the unit reports."""

    period: ReportingPeriod
    status: PeriodStatus
    report: UnitReport | None = None
    state_label: str = ""
    action: tuple[str, str] | None = None


def _period_order(line: PeriodLine, today: dt.date) -> tuple[int, int]:
    """Open periods first (those still before their deadline by urgency, then the overdue ones, latest first), then
    those not open yet, then the closed ones, latest first."""
    period = line.period
    if line.status.open_now:
        left = (period.deadline - today).days
        return (0, left) if left >= 0 else (1, -period.deadline.toordinal())
    if period.closed_at is None:
        return 2, period.opens_on.toordinal()
    return 3, -period.deadline.toordinal()


# --- Home --------------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The periods, the account's own unit's report in each open one, what waits for its review."""
    user = request.user
    scope = _scope(request)
    today = timezone.localdate()
    own = scope.unit
    reporting = services.reports(own)
    lines = [PeriodLine(p, period_status(p, today)) for p in ReportingPeriod.objects.visible_to(user)]
    lines.sort(key=lambda line: _period_order(line, today))
    open_lines = [line for line in lines if line.status.open_now]
    if reporting and open_lines:
        reports = {
            r.period_id: r
            for r in UnitReport.objects.visible_to(user).filter(
                unit=own, period__in=[line.period.pk for line in open_lines]
            )
        }
        for line in open_lines:
            line.report = reports.get(line.period.pk)
            line.state_label = _state_label(line.report)
            line.action = _next_action(line.period, own, line.report, scope)
    others = Paginator([line for line in lines if not line.status.open_now], PERIODS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    reviews_below = scope.allows(Function.APPROVE) and (
        scope.unit.kind.category in (Category.DEPARTMENT, Category.OFFICE, Category.MANAGER)
    )  # a school reviews nobody: no "waiting for review: 0" on its page
    waiting = Submission.objects.visible_to(user).filter(services.pending_for(user)).count() if reviews_below else None
    context = {
        "own": own,
        "reporting": reporting,
        "open_lines": open_lines,
        "others": others,
        "waiting": waiting,
        "is_department": _department_refusal(user) is None,
    }
    return render(request, "reporting/home.html", context)


class ReviewListView(ScopedListView):
    """Submissions waiting for the account's review, oldest first."""

    model = Submission
    template_name = "reporting/reviews.html"
    paginate_by = PAGE_SIZE

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return (
            queryset.filter(services.pending_for(self.request.user))
            .select_related("report__period", "report__unit__parent", "submitted_by")
            .order_by("submitted_at", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        scope = scope_for(self.request.user)
        return super().get_context_data(may_approve=bool(scope and scope.allows(Function.APPROVE)), **kwargs)


reviews = ReviewListView.as_view()


# --- Periods -----------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def period(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    scope = _scope(request)
    the_period = _period(request, pk)
    today = timezone.localdate()
    own = scope.unit
    reporting = services.reports(own)
    report = None
    if reporting:
        report = (
            UnitReport.objects.visible_to(user)
            .filter(period=the_period, unit=own)
            .select_related("latest", "approved")
            .first()
        )
    context = {
        "period": the_period,
        "status": period_status(the_period, today),
        "own": own,
        "reporting": reporting,
        "report": report,
        "state_label": _state_label(report),
        "action": _next_action(the_period, own, report, scope) if reporting else None,
        "is_department": _department_refusal(user) is None,
    }
    return render(request, "reporting/period.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def period_new(request: HttpRequest) -> HttpResponse:
    """The Sở opens an ad-hoc report request (Điều 9.2)."""
    refusal = _department_refusal(request.user)
    if refusal is not None:
        return _refused(request, refusal, back=reverse("reporting:home"))
    initial = {"opens_on": timezone.localdate(), "covers": default_covers(), "min_completeness": 90}
    form = PeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.open_adhoc(by=request.user, **form.values())
        except PermissionDenied as exc:
            return _refused(request, exc, back=reverse("reporting:home"))
        except ValidationError as exc:
            refuse(form, exc)
        else:
            messages.success(
                request,
                _("Đã mở kỳ báo cáo đột xuất «%(title)s», hạn chót %(deadline)s; các đơn vị đã được thông báo.")
                % {"title": created.title, "deadline": _day(created.deadline)},
            )
            return redirect("reporting:period", pk=created.pk)
    return render(request, "reporting/period_form.html", {"form": form, "period": None})


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The Sở changes a period's dates, covered databases, instructions or threshold."""
    the_period = _period(request, pk)
    back = reverse("reporting:period", args=[the_period.pk])
    refusal = _department_refusal(request.user)
    if refusal is not None:
        return _refused(request, refusal, back=back)
    form = PeriodForm.for_period(the_period, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_period(the_period, by=request.user, **form.values())
        except PermissionDenied as exc:
            return _refused(request, exc, back=back)
        except ValidationError as exc:
            refuse(form, exc)
        else:
            messages.success(request, _("Đã lưu kỳ báo cáo."))
            return redirect(back)
    return render(request, "reporting/period_form.html", {"form": form, "period": the_period})


@login_required
@require_http_methods(["GET", "POST"])
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The Sở closes the period (khóa sổ), after a page that says what closing means and who is not in yet."""
    user = request.user
    scope = _scope(request)
    the_period = _period(request, pk)
    back = reverse("reporting:period", args=[the_period.pk])
    refusal = _department_refusal(user)
    if refusal is not None:
        return _refused(request, refusal, back=back)
    if request.method == "POST":
        try:
            services.close_period(the_period, by=user)
        except PermissionDenied as exc:
            return _refused(request, exc, back=back)
        except ValidationError as exc:
            _tell(request, exc)
        else:
            messages.success(request, _("Đã khóa sổ kỳ báo cáo «%(title)s».") % {"title": the_period.title})
        return redirect(back)
    if the_period.closed_at is not None:
        messages.info(request, _("Kỳ báo cáo này đã khóa sổ."))
        return redirect(back)
    board = boards.build(the_period, user, scope.unit)
    not_in = sum(board.counts[state] for state in (ReportState.NOT_STARTED, ReportState.IN_PROGRESS))
    context = {"period": the_period, "board": board, "not_in": not_in, "returned": board.counts["returned"]}
    return render(request, "reporting/period_close.html", context)


# --- The timeliness board ----------------------------------------------------------------------------------------------


def _board_root(request: HttpRequest, scope: Scope) -> Unit:
    """?unit=<id> (through the door), else the account's own unit — for a Sở office, the Sở."""
    wanted = request.GET.get("unit")
    if wanted:
        return get_scoped_or_404(Unit.objects.select_related("kind"), request.user, pk=wanted)
    own = scope.unit
    ids = {own.pk}
    if own.kind.category == Category.OFFICE and own.parent_id:
        ids.add(own.parent_id)
    root = Unit.objects.visible_to(request.user).filter(pk__in=ids).select_related("kind").order_by("depth").first()
    return root or own


@login_required
@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    """Every reporting unit's state for the period under a unit: counts, on-time rates, the late ones, the table."""
    user = request.user
    scope = _scope(request)
    the_period = _period(request, pk)
    root = _board_root(request, scope)
    form = BoardFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    built = boards.build(
        the_period,
        user,
        root,
        state=data.get("state") or "",
        query=data.get("q") or "",
        late_only=bool(data.get("late")),
        level=data.get("level") or "",
    )
    pager = Paginator(built.filtered, PAGE_SIZE).get_page(request.GET.get("page"))
    chips = [
        {"state": value, "label": label, "n": built.counts.get(value, 0), "current": data.get("state") == value}
        for value, label in boards.BOARD_STATES
    ]
    context = {
        "period": the_period,
        "status": period_status(the_period, built.today),
        "root": root,
        "ancestors": _ancestors(user, root),
        "board": built,
        "chips": chips,
        "current_state": data.get("state") or "",
        "form": form,
        "pager": pager,
        "rows": pager.object_list,
        "late_rows": built.late_rows[:LATE_SHOWN],
        "late_count": len(built.late_rows),
        "filtered_count": len(built.filtered),
        "manager_category": Category.MANAGER,
    }
    if htmx_target(request) == "board-results":
        return render(request, "reporting/board.html#results", context)
    return render(request, "reporting/board.html", context)


# --- A unit's report for a period --------------------------------------------------------------------------------------


def _explanation(report: UnitReport | None, unit: Unit, manager: str, deadline: dt.date) -> str:
    """What the report's state means and what happens next, in plain Vietnamese."""
    if report is None or report.state == ReportState.IN_PROGRESS:
        return _(
            "%(unit)s chưa chốt số liệu kỳ này. Hãy bấm “Kiểm tra trước khi chốt”, sửa những gì được liệt kê, rồi "
            "chốt số liệu chậm nhất ngày %(deadline)s. Sau khi chốt, %(manager)s sẽ duyệt báo cáo."
        ) % {"unit": unit.name, "deadline": _day(deadline), "manager": manager}
    latest = report.latest
    version = latest.version if latest else report.versions
    if report.state == ReportState.SUBMITTED:
        return _(
            "Đã chốt phiên bản %(version)s; đang chờ %(manager)s duyệt. Số liệu đã chốt không thay đổi nữa. Nếu "
            "%(manager)s trả lại, đơn vị sửa số liệu theo lý do được ghi rồi chốt phiên bản mới."
        ) % {"version": version, "manager": manager}
    if report.state == ReportState.RETURNED:
        return _(
            "%(manager)s đã trả lại phiên bản %(version)s, lý do: “%(reason)s”. Hãy sửa số liệu theo lý do này rồi "
            "chốt lại: một phiên bản mới sẽ được gửi để duyệt."
        ) % {"manager": manager, "version": version, "reason": latest.reason if latest else ""}
    if report.state == ReportState.APPROVED:
        approved = report.approved.version if report.approved else version
        return _(
            "Phiên bản %(version)s đã được %(manager)s duyệt: đây là báo cáo chính thức của đơn vị cho kỳ này. "
            "Muốn sửa số liệu đã duyệt, hãy gửi đề nghị điều chỉnh."
        ) % {"version": approved, "manager": manager}
    kept = report.approved.version if report.approved else None
    return _(
        "%(manager)s đã đồng ý cho điều chỉnh: hãy sửa số liệu rồi chốt phiên bản mới. Phiên bản đã duyệt "
        "(%(version)s) vẫn là báo cáo chính thức cho đến khi phiên bản mới được duyệt."
    ) % {"manager": manager, "version": kept or "—"}


def _report_page(
    request: HttpRequest,
    the_period: ReportingPeriod,
    unit: Unit,
    *,
    check: services.Check | None = None,
    bound: dict[str, Any] | None = None,
) -> HttpResponse:
    user = request.user
    scope = _scope(request)
    today = timezone.localdate()
    report = (
        UnitReport.objects.visible_to(user)
        .filter(period=the_period, unit=unit)
        .select_related("latest", "approved")
        .first()
    )
    if report is not None:
        report.period, report.unit = the_period, unit
    versions: list[Submission] = []
    extensions: list[Extension] = []
    corrections: list[Correction] = []
    if report is not None:
        versions = list(
            Submission.objects.visible_to(user)
            .filter(report=report)
            .select_related("submitted_by", "reviewed_by", "snapshot")
            .defer("snapshot__data")
            .order_by("-version")
        )
        extensions = list(
            Extension.objects.visible_to(user)
            .filter(report=report)
            .select_related("granted_by")
            .order_by("-granted_at")
        )
        corrections = list(
            Correction.objects.visible_to(user)
            .filter(report=report)
            .select_related("requested_by", "decided_by")
            .order_by("-requested_at")
        )
    pending_correction = next((c for c in corrections if c.decision == Correction.Decision.PENDING), None)
    manager = services.manager_name(unit)
    reporting = services.reports(unit)
    is_own = scope.unit.pk == unit.pk
    may_submit = is_own and reporting and scope.allows(Function.SUBMIT)
    reviewer = services.may_review(user, unit)
    state = report.state if report is not None else ReportState.IN_PROGRESS
    deadline = report.deadline if report is not None else the_period.deadline

    # Why the unit cannot submit now, in the services' own words (closed, not open yet, already in).
    why_not: list[str] = []
    probe = report if report is not None else UnitReport(period=the_period, unit=unit)
    try:
        services.check_may_submit(probe, today)
    except ValidationError as exc:
        why_not = _lines(exc)
    show_submit = may_submit and not why_not and services.is_open_for(the_period, report, today)

    managing = unit.kind.category == Category.MANAGER
    missing: list[Unit] = []
    if managing and reporting:
        approved_ids = set(
            UnitReport.objects.visible_to(user)
            .filter(period=the_period, unit__parent=unit, approved__isnull=False)
            .values_list("unit_id", flat=True)
        )
        missing = [
            child
            for child in Unit.objects.visible_to(user)
            .filter(parent=unit, is_active=True, kind__category__in=services.REPORTING_CATEGORIES)
            .order_by("name_key")
            if child.pk not in approved_ids
        ]
    latest = report.latest if report is not None else None
    bound = bound or {}
    context = {
        "period": the_period,
        "status": period_status(the_period, today),
        "unit": unit,
        "ancestors": _ancestors(user, unit),
        "report": report,
        "state_label": _state_label(report),
        "explanation": _explanation(report, unit, manager, deadline) if reporting else "",
        "deadline": deadline,
        "manager": manager,
        "reporting": reporting,
        "is_own": is_own,
        "may_submit": may_submit,
        "reviewer": reviewer,
        "versions": versions,
        "extensions": extensions,
        "corrections": corrections,
        "pending_correction": pending_correction,
        "why_not": why_not if may_submit and state not in (ReportState.SUBMITTED, ReportState.APPROVED) else [],
        "show_submit": show_submit,
        "managing": managing,
        "missing": missing,
        "check": check,
        "check_figures": _figures(check.scorecard.get("total", {})) if check else [],
        "submit_form": bound.get("submit") or SubmitForm(managing=managing and bool(missing)),
        "extension_form": bound.get("extension") or ExtensionForm(),
        "correction_form": bound.get("correction") or CorrectionForm(),
        "decide_form": bound.get("decide") or DecideCorrectionForm(),
        "approve_form": ApproveForm(),
        "return_form": bound.get("return") or ReturnForm(),
        "show_extension": reviewer and reporting and state not in (ReportState.SUBMITTED, ReportState.APPROVED),
        "show_correction": may_submit and state == ReportState.APPROVED and pending_correction is None,
        "show_decide": reviewer and pending_correction is not None,
        "show_review": reviewer and latest is not None and latest.review == Submission.Review.PENDING,
        "latest": latest,
    }
    if check is not None and htmx_target(request) == "check":
        return render(request, "reporting/_check.html", context)
    return render(request, "reporting/report.html", context)


def _figures(total: dict[str, Any]) -> list[tuple[str, Any]]:
    """The four frozen figures of a scorecard (as the submission stored them) with their Vietnamese names."""
    labels = {
        "completeness": _("Đầy đủ"),
        "accuracy": _("Chính xác"),
        "consistency": _("Thống nhất"),
        "timeliness": _("Kịp thời"),
    }
    return [(labels[key], total.get(key)) for key in FIGURES]


def _report_url(the_period: ReportingPeriod, unit: Unit) -> str:
    return reverse("reporting:report", kwargs={"period": the_period.pk, "pk": unit.pk})


@login_required
@require_GET
def report(request: HttpRequest, period: int, pk: int) -> HttpResponse:
    return _report_page(request, _period(request, period), _unit(request, pk))


@login_required
@require_POST
def precheck(request: HttpRequest, period: int, pk: int) -> HttpResponse:
    """Measure the unit's data afresh and list what stops it from submitting (only the unit's own accounts)."""
    the_period, unit = _period(request, period), _unit(request, pk)
    scope = _scope(request)
    if scope.unit.pk != unit.pk:
        return _refused(
            request,
            _("Chỉ tài khoản của chính %(unit)s kiểm tra số liệu trước khi chốt.") % {"unit": unit.name},
            back=_report_url(the_period, unit),
        )
    result = services.precheck(the_period, unit)
    return _report_page(request, the_period, unit, check=result)


@login_required
@require_POST
def submit(request: HttpRequest, period: int, pk: int) -> HttpResponse:
    """Chốt số liệu: the service checks again, freezes the snapshot and tells the reviewer."""
    the_period, unit = _period(request, period), _unit(request, pk)
    back = _report_url(the_period, unit)
    form = SubmitForm(request.POST, managing=unit.kind.category == Category.MANAGER)
    form.is_valid()
    data = form.cleaned_data
    try:
        made = services.submit(
            the_period, unit, by=request.user, note=data.get("note") or "", missing_note=data.get("missing_note") or ""
        )
    except PermissionDenied as exc:
        return _refused(request, exc, back=back)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and refuse(form, exc):
            return _report_page(request, the_period, unit, bound={"submit": form})
        _tell(request, exc)
        return redirect(back)
    messages.success(
        request,
        _("Đã chốt số liệu phiên bản %(version)s%(late)s; báo cáo đã được gửi %(manager)s duyệt.")
        % {
            "version": made.version,
            "late": _(" (sau hạn)") if made.late else "",
            "manager": services.manager_name(unit),
        },
    )
    return redirect(back)


@login_required
@require_POST
def extend(request: HttpRequest, period: int, pk: int) -> HttpResponse:
    """The manager above grants the unit a later deadline, with a reason."""
    the_period, unit = _period(request, period), _unit(request, pk)
    back = _report_url(the_period, unit)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _report_page(request, the_period, unit, bound={"extension": form})
    try:
        granted = services.grant_extension(
            the_period, unit, by=request.user, until=form.cleaned_data.get("until"), reason=form.cleaned_data["reason"]
        )
    except PermissionDenied as exc:
        return _refused(request, exc, back=back)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and refuse(form, exc):
            return _report_page(request, the_period, unit, bound={"extension": form})
        _tell(request, exc)
        return redirect(back)
    messages.success(
        request,
        _("Đã gia hạn cho %(unit)s đến ngày %(until)s.") % {"unit": unit.name, "until": _day(granted.until)},
    )
    return redirect(back)


@login_required
@require_POST
def correction(request: HttpRequest, period: int, pk: int) -> HttpResponse:
    """The unit asks to correct its approved report (the approved version stays until a new one is approved)."""
    the_period, unit = _period(request, period), _unit(request, pk)
    back = _report_url(the_period, unit)
    form = CorrectionForm(request.POST)
    form.is_valid()
    try:
        services.request_correction(the_period, unit, by=request.user, reason=form.cleaned_data.get("reason") or "")
    except PermissionDenied as exc:
        return _refused(request, exc, back=back)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and refuse(form, exc):
            return _report_page(request, the_period, unit, bound={"correction": form})
        _tell(request, exc)
        return redirect(back)
    messages.success(
        request,
        _("Đã gửi đề nghị điều chỉnh; %(manager)s sẽ quyết định.") % {"manager": services.manager_name(unit)},
    )
    return redirect(back)


@login_required
@require_POST
def decide_correction(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager accepts (a new version may be submitted) or refuses (with a reason) a correction request."""
    asked = get_scoped_or_404(
        Correction.objects.select_related("report__period", "report__unit__kind", "report__unit__parent"),
        request.user,
        pk=pk,
    )
    the_period, unit = asked.report.period, asked.report.unit
    back = _report_url(the_period, unit)
    form = DecideCorrectionForm(request.POST)
    form.is_valid()
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_correction(asked, by=request.user, accept=accept, answer=form.cleaned_data.get("answer") or "")
    except PermissionDenied as exc:
        return _refused(request, exc, back=back)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and refuse(form, exc):
            return _report_page(request, the_period, unit, bound={"decide": form})
        _tell(request, exc)
        return redirect(back)
    if accept:
        messages.success(request, _("Đã đồng ý cho %(unit)s điều chỉnh báo cáo.") % {"unit": unit.name})
    else:
        messages.success(request, _("Đã trả lời không đồng ý điều chỉnh."))
    return redirect(back)


# --- One submitted version ---------------------------------------------------------------------------------------------


def _submission(request: HttpRequest, pk: int) -> Submission:
    return get_scoped_or_404(
        Submission.objects.select_related(
            "report__period", "report__unit__kind", "report__unit__parent", "submitted_by", "reviewed_by", "snapshot"
        ),
        request.user,
        pk=pk,
    )


def _position(user: Any, snapshot: Any) -> list[tuple[str, int | None]]:
    """Where the unit stood in the tree when it submitted: the units of the stored path, named as the account may
    see them (the manager of that day by its stored name when it is out of sight), then the unit's name of that day."""
    ids = [int(part) for part in snapshot.unit_path.strip("/").split("/") if part]
    own_id = ids[-1] if ids else None
    visible = {u.pk: u.name for u in Unit.objects.visible_to(user).filter(pk__in=ids)}
    steps: list[tuple[str, int | None]] = []
    for pk in ids:
        if pk == own_id:
            continue
        if pk in visible:
            steps.append((visible[pk], pk))
        elif pk == snapshot.parent_id and snapshot.parent_name:
            steps.append((snapshot.parent_name, None))
    steps.append((snapshot.unit_name, None))
    return steps


def _submission_page(
    request: HttpRequest, submission: Submission, *, bound: dict[str, Any] | None = None
) -> HttpResponse:
    user = request.user
    the_report = submission.report
    unit = the_report.unit
    snapshot = submission.snapshot
    others = list(
        Submission.objects.visible_to(user)
        .filter(report=the_report)
        .exclude(pk=submission.pk)
        .select_related("snapshot")
        .defer("snapshot__data")
        .order_by("-version")
    )
    against = None
    wanted = request.GET.get("against")
    if wanted and wanted.isdigit():
        against = next((s for s in others if s.pk == int(wanted)), None)
    if against is None:
        against = next((s for s in others if s.version < submission.version), None)
    differences = []
    if against is not None:
        older, newer = (against, submission) if against.version < submission.version else (submission, against)
        older_data = snapshots.thaw(older.snapshot.data if older is against else snapshot.data)
        newer_data = snapshots.thaw(newer.snapshot.data if newer is against else snapshot.data)
        differences = snapshots.difference(older_data, newer_data)
    total = snapshot.scorecard.get("total", {})
    by_target = [
        {"label": Target(value).label, "figures": snapshot.scorecard["by_target"][value]}
        for value in Target.values
        if value in snapshot.scorecard.get("by_target", {})
    ]
    counts = [(Target(value).label, snapshot.counts[value]) for value in Target.values if value in snapshot.counts]
    bound = bound or {}
    reviewer = services.may_review(user, unit)
    context = {
        "submission": submission,
        "report": the_report,
        "period": the_report.period,
        "unit": unit,
        "snapshot": snapshot,
        "position": _position(user, snapshot),
        "counts": counts,
        "total": total,
        "figures": _figures(total),
        "by_target": by_target,
        "verified": snapshots.verify(snapshot.data, snapshot.checksum),
        "rollup": snapshot.rollup,
        "others": others,
        "against": against,
        "differences": differences,
        "changed": any(not d.empty for d in differences),
        "manager": services.manager_name(unit),
        "show_review": reviewer
        and submission.review == Submission.Review.PENDING
        and the_report.latest_id == submission.pk,
        "approve_form": bound.get("approve") or ApproveForm(),
        "return_form": bound.get("return") or ReturnForm(),
    }
    return render(request, "reporting/submission.html", context)


@login_required
@require_GET
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    return _submission_page(request, _submission(request, pk))


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the version: it becomes the unit's official report for the period (Điều 10.1)."""
    the_submission = _submission(request, pk)
    back = reverse("reporting:submission", args=[the_submission.pk])
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        services.approve(the_submission, by=request.user, comment=form.cleaned_data.get("comment") or "")
    except PermissionDenied as exc:
        return _refused(request, exc, back=back)
    except ValidationError as exc:
        _tell(request, exc)
        return redirect(back)
    messages.success(
        request,
        _("Đã duyệt phiên bản %(version)s của %(unit)s.")
        % {"version": the_submission.version, "unit": the_submission.report.unit.name},
    )
    return redirect(back)


@login_required
@require_POST
def return_submission(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the version with a reason: the unit corrects its data and submits again."""
    the_submission = _submission(request, pk)
    back = reverse("reporting:submission", args=[the_submission.pk])
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        services.return_submission(the_submission, by=request.user, reason=form.cleaned_data.get("reason") or "")
    except PermissionDenied as exc:
        return _refused(request, exc, back=back)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and refuse(form, exc):
            return _submission_page(request, the_submission, bound={"return": form})
        _tell(request, exc)
        return redirect(back)
    messages.success(
        request,
        _("Đã trả lại phiên bản %(version)s cho %(unit)s kèm lý do.")
        % {"version": the_submission.version, "unit": the_submission.report.unit.name},
    )
    return redirect(back)
