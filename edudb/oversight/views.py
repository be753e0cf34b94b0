"""The oversight pages (R9.3–R9.4), included under /oversight/ (namespace oversight).

Objects come through the scoping door only (``get_scoped_or_404`` / ``visible_to``); changes are calls of
``edudb.oversight.services``, whose Vietnamese refusal is what the user reads — on the form, or as a 403 page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edudb.accounts.models import Account
from edudb.core import audit
from edudb.core.models import Unit, subtree_q
from edudb.core.scoping import Function, get_scoped_or_404, scope_for
from edudb.oversight import adoption, report, services
from edudb.oversight.forms import CharterForm, MemberForm, ReviewConfirmForm, SpanForm, TermsForm
from edudb.oversight.models import AccountReview, Charter, Half, TeamMember, Terms, half_of, team_name
from edudb.oversight.terms import current_terms
from edudb.reporting.models import ReportingPeriod
from edudb.stats import documents
from edudb.stats.services import header_for

CONTACTS_PAGE_SIZE = 50


def _refused(request: HttpRequest, exc: PermissionDenied | str, *, back: str = "") -> HttpResponse:
    reasons = [str(exc)]
    return render(request, "oversight/refused.html", {"reasons": reasons, "back": back}, status=403)


def _ancestors(user: Any, unit: Unit, top: Unit | None) -> list[Unit]:
    ids = [int(part) for part in unit.path.strip("/").split("/") if part and int(part) != unit.pk]
    found = Unit.objects.visible_to(user).filter(pk__in=ids).order_by("depth")
    return [u for u in found if top is None or u.depth >= top.depth]


def _root(request: HttpRequest, function: str = Function.VIEW) -> Unit | None:
    pk = request.GET.get("unit", "")
    if pk:
        if not pk.isdigit():
            raise Http404(_("Không tìm thấy dữ liệu."))
        return get_scoped_or_404(Unit.objects.select_related("kind"), request.user, function, pk=int(pk))
    return adoption.default_root(request.user)


def _period(request: HttpRequest) -> ReportingPeriod | None:
    pk = request.GET.get("period", "")
    if pk.isdigit():
        return get_scoped_or_404(ReportingPeriod, request.user, pk=int(pk))
    return adoption.current_period(request.user)


def _may_export(user: Any) -> bool:
    scope = scope_for(user)
    return scope is not None and scope.allows(Function.EXPORT)


# --- adoption (R9.3) -------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Adoption per unit: the units under a unit, each with its subtree's figures; a click drills down."""
    root = _root(request)
    if root is None:
        raise Http404(_("Không tìm thấy dữ liệu."))
    period = _period(request)
    built = adoption.build(request.user, root, period)
    top = adoption.default_root(request.user)
    periods = list(ReportingPeriod.objects.visible_to(request.user).order_by("-deadline", "-pk")[:12])
    context = {
        "root": root,
        "adoption": built,
        "period": period,
        "periods": periods,
        "ancestors": _ancestors(request.user, root, top),
        "columns": adoption.COLUMNS,
        "may_export": _may_export(request.user),
        "review_count": AccountReview.objects.visible_to(request.user)
        .filter(subtree_q(root.path, "unit__"), confirmed_at__isnull=True)
        .count(),
    }
    return render(request, "oversight/home.html", context)


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def adoption_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The adoption table as an Excel file with the official header; only accounts holding "Xuất dữ liệu"."""
    root = get_scoped_or_404(Unit.objects.select_related("kind", "parent"), request.user, Function.EXPORT, pk=pk)
    period = _period(request)
    table = adoption.as_table(adoption.build(request.user, root, period))
    content = documents.xlsx_bytes(table, header_for(root))
    audit.record(
        "oversight.adoption.export", by=request.user, obj=root, extra={"period": period.pk if period else None}
    )
    return _attachment(content, documents.XLSX_CONTENT_TYPE, f"trien-khai-{root.code}.xlsx")


# --- the management report (Điều 11.3) -----------------------------------------------------------------------------------


def _span(request: HttpRequest) -> tuple[SpanForm, report.Span | None]:
    default = report.default_span()
    data = request.GET if "start" in request.GET or "end" in request.GET else None
    form = SpanForm(data, initial={"start": default.start, "end": default.end})
    if data is None:
        return form, default
    if form.is_valid():
        return form, report.Span(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, None


@login_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    """The report on the system's management and operation for a chosen period: preview and downloads."""
    root = _root(request)
    if root is None:
        raise Http404(_("Không tìm thấy dữ liệu."))
    form, span = _span(request)
    table = report.as_table(root, span, report.lines(request.user, root, span)) if span is not None else None
    context = {
        "root": root,
        "form": form,
        "span": span,
        "table": table,
        "may_export": _may_export(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "oversight/report.html", context)


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as PDF or .xlsx with the Decree 30 header; audited; only accounts holding "Xuất dữ liệu"."""
    root = get_scoped_or_404(Unit.objects.select_related("kind", "parent"), request.user, Function.EXPORT, pk=pk)
    file_format = request.GET.get("format") or "pdf"
    form, span = _span(request)
    if file_format not in {"pdf", "xlsx"} or span is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        if file_format not in {"pdf", "xlsx"}:
            messages.error(request, _("Định dạng tệp phải là pdf hoặc xlsx."))
        return redirect(f"{_url('oversight:report')}?unit={root.pk}")
    table = report.as_table(root, span, report.lines(request.user, root, span))
    header = header_for(root)
    if file_format == "pdf":
        content, content_type = documents.pdf_bytes(table, header), documents.PDF_CONTENT_TYPE
    else:
        content, content_type = documents.xlsx_bytes(table, header), documents.XLSX_CONTENT_TYPE
    audit.record(
        "oversight.report",
        by=request.user,
        obj=root,
        extra={"format": file_format, "start": span.start.isoformat(), "end": span.end.isoformat()},
    )
    name = f"bao-cao-van-hanh-{root.code}-{span.start:%Y%m%d}-{span.end:%Y%m%d}.{file_format}"
    return _attachment(content, content_type, name)


def _url(name: str, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)


# --- the six-monthly account review ------------------------------------------------------------------------------------------


@login_required
@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    """The account reviews of a half-year: for the Sở and the managers, every unit due, overdue or confirmed; for
    a head of unit, the reviews waiting for their confirmation."""
    today = timezone.localdate()
    year, half = half_of(today)
    raw_year, raw_half = request.GET.get("year", ""), request.GET.get("half", "")
    if raw_year.isdigit() and raw_half in {"1", "2"}:
        year, half = int(raw_year), int(raw_half)
    root = _root(request)
    states = services.review_board(request.user, root, year, half, today) if root is not None else []
    mine = list(
        AccountReview.objects.visible_to(request.user)
        .filter(confirmed_at__isnull=True, unit__charter__head_account_id=request.user.pk)
        .select_related("unit")
    )
    own = [
        r
        for r in AccountReview.objects.visible_to(request.user)
        .filter(confirmed_at__isnull=True, unit_id=request.user.unit_id)  # type: ignore[union-attr]
        .select_related("unit")
        if r.pk not in {m.pk for m in mine}
    ]
    counts = {
        "total": len(states),
        "confirmed": sum(1 for s in states if s.review and s.review.confirmed_at),
        "overdue": sum(1 for s in states if s.overdue),
        "not_opened": sum(1 for s in states if s.review is None),
    }
    context = {
        "states": states,
        "mine": mine + own,
        "year": year,
        "half": half,
        "half_label": Half(half).label,
        "counts": counts,
        "root": root,
        "today": today,
        "halves": [(y, h) for y in (today.year, today.year - 1) for h in (2, 1) if (y, h) <= half_of(today)],
    }
    return render(request, "oversight/reviews.html", context)


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(AccountReview.objects.select_related("unit", "confirmed_by"), request.user, pk=pk)
    rows = item.snapshot if item.confirmed_at else services.account_list(item.unit)
    context = {
        "review": item,
        "rows": rows,
        "form": ReviewConfirmForm(),
        "may_confirm": item.confirmed_at is None and services.may_confirm(request.user, item),
        "overdue": item.is_overdue(timezone.localdate()),
    }
    return render(request, "oversight/review.html", context)


@login_required
@require_POST
def review_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(AccountReview.objects.select_related("unit"), request.user, pk=pk)
    form = ReviewConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy đánh dấu ô “Tôi xác nhận danh sách trên là đúng” trước khi xác nhận."))
        return redirect("oversight:review", pk=item.pk)
    try:
        services.confirm_review(item, by=request.user, note=form.cleaned_data["note"])
    except PermissionDenied as exc:
        return _refused(request, exc, back=_url("oversight:review", pk=item.pk))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("oversight:review", pk=item.pk)
    messages.success(request, _("Đã xác nhận kết quả rà soát tài khoản."))
    return redirect("oversight:review", pk=item.pk)


# --- the organisational records ------------------------------------------------------------------------------------------------


def _unit(request: HttpRequest, pk: int, function: str = Function.VIEW) -> Unit:
    return get_scoped_or_404(Unit.objects.select_related("kind", "parent"), request.user, function, pk=pk)


def _members(request: HttpRequest, unit: Unit) -> list[TeamMember]:
    members = list(TeamMember.objects.visible_to(request.user).filter(unit=unit))
    return sorted(members, key=lambda m: (services_role_order(m.role), m.order, m.pk))


def services_role_order(role: str) -> int:
    from edudb.oversight.models import ROLE_ORDER

    return ROLE_ORDER.get(role, 9)  # type: ignore[call-overload,no-any-return]


@login_required
@require_GET
def unit_records(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's organisational records: internal rules, its team and technical focal point, its head."""
    unit = _unit(request, pk)
    charter = Charter.objects.visible_to(request.user).filter(unit=unit).select_related("head_account").first()
    members = _members(request, unit)
    context = {
        "unit": unit,
        "charter": charter,
        "members": members,
        "technical": services.technical_contact(members),
        "team_name": team_name(unit),
        "may_edit": services.may_edit_records(request.user, unit),
        "is_head": charter is not None and charter.head_account_id == request.user.pk,
        "member_form": MemberForm(),
    }
    return render(request, "oversight/unit.html", context)


def _head_choices(unit: Unit, user: Any) -> Any:
    return Account.objects.visible_to(user, Function.VIEW).filter(unit=unit, is_active=True).order_by("full_name")


@login_required
@require_GET
def rules_file(request: HttpRequest, pk: int) -> FileResponse:
    """The unit's internal rules document, to those who reach the unit (files are not served from MEDIA_URL)."""
    unit = _unit(request, pk)
    charter = Charter.objects.visible_to(request.user).filter(unit=unit).first()
    if charter is None or not charter.rules_file:
        raise Http404(_("Đơn vị chưa tải lên văn bản quy định nội bộ."))
    name = f"quy-dinh-noi-bo-{unit.code}.pdf"
    return FileResponse(
        charter.rules_file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    back = _url("oversight:unit", pk=unit.pk)
    if not services.may_edit_records(request.user, unit):
        return _refused(
            request, _("Chỉ tài khoản quản trị của đơn vị được cập nhật hồ sơ tổ chức thực hiện."), back=back
        )
    charter = services.charter_for(unit)
    initial = {
        "rules_number": charter.rules_number,
        "rules_date": charter.rules_date,
        "rules_signer": charter.rules_signer,
        "head_account": charter.head_account_id,
    }
    accounts = _head_choices(unit, request.user)
    form = CharterForm(request.POST or None, request.FILES or None, initial=initial, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.CHARTER_FIELDS}
        try:
            services.save_charter(unit, by=request.user, values=values, rules_file=form.cleaned_data["rules_file"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except PermissionDenied as exc:
            return _refused(request, exc, back=back)
        else:
            messages.success(request, _("Đã lưu hồ sơ tổ chức thực hiện của đơn vị."))
            return redirect("oversight:unit", pk=unit.pk)
    return render(request, "oversight/unit_edit.html", {"unit": unit, "form": form, "charter": charter})


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    return _save_member(request, unit, None)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_scoped_or_404(TeamMember.objects.select_related("unit__kind"), request.user, pk=pk)
    return _save_member(request, member.unit, member)


def _save_member(request: HttpRequest, unit: Unit, member: TeamMember | None) -> HttpResponse:
    back = _url("oversight:unit", pk=unit.pk)
    if not services.may_edit_records(request.user, unit):
        return _refused(request, _("Chỉ tài khoản quản trị của đơn vị được cập nhật ban triển khai."), back=back)
    initial = {name: getattr(member, name) for name in services.MEMBER_FIELDS} if member is not None else None
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.MEMBER_FIELDS}
        try:
            services.save_member(unit, by=request.user, values=values, member=member)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except PermissionDenied as exc:
            return _refused(request, exc, back=back)
        else:
            messages.success(request, _("Đã lưu thành viên ban triển khai."))
            return redirect("oversight:unit", pk=unit.pk)
    return render(request, "oversight/member_form.html", {"unit": unit, "form": form, "member": member})


@login_required
@require_POST
def member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_scoped_or_404(TeamMember.objects.select_related("unit__kind"), request.user, pk=pk)
    try:
        services.delete_member(member, by=request.user)
    except PermissionDenied as exc:
        return _refused(request, exc, back=_url("oversight:unit", pk=member.unit_id))
    messages.success(request, _("Đã xóa thành viên khỏi ban triển khai."))
    return redirect("oversight:unit", pk=member.unit_id)


@login_required
@require_GET
def contacts(request: HttpRequest) -> HttpResponse:
    """The directory "Đầu mối liên hệ": for each unit in reach, its head, its team lead and technical focal point."""
    units = (
        Unit.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("kind", "charter__head_account")
        .prefetch_related(Prefetch("team_members", queryset=TeamMember.objects.visible_to(request.user)))
        .order_by("path")
    )
    query = (request.GET.get("q") or "").strip()[:100].replace("\x00", "")
    if query:
        from edudb.quality.text import search_key

        units = units.filter(name_key__contains=search_key(query))
    page_obj = Paginator(units, CONTACTS_PAGE_SIZE).get_page(request.GET.get("page"))
    for unit in page_obj:
        members = sorted(unit.team_members.all(), key=lambda m: (services_role_order(m.role), m.order, m.pk))
        shown = [m for m in members if m.role in {"lead", "deputy", "technical"}]
        unit.contact_members = shown  # type: ignore[attr-defined]
    return render(request, "oversight/contacts.html", {"page_obj": page_obj, "query": query})


# --- the head's security figures (Điều 8.2) -----------------------------------------------------------------------------------


@login_required
@require_GET
def security(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's security figures for its head (who answers for them) and those who read its audit trail."""
    try:
        unit = _unit(request, pk, Function.VIEW_AUDIT)
    except Http404:
        head_of = Charter.objects.visible_to(request.user).filter(unit_id=pk, head_account_id=request.user.pk).first()
        if head_of is None:
            raise
        unit = _unit(request, pk)
    figures = [services.unscoped_security_figures(unit, days) for days in (30, 180)]
    return render(request, "oversight/security.html", {"unit": unit, "figures": figures})


# --- the terms (Điều 8.3) -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest) -> HttpResponse:
    """The versions of the terms; the Sở's admin publishes a new one (everyone then acknowledges it again)."""
    current = current_terms()
    may_publish = services.may_publish_terms(request.user)
    form = TermsForm(request.POST or None, initial={"text": current.text, "effective_on": timezone.localdate()})
    if request.method == "POST":
        if not may_publish:
            return _refused(
                request, _("Chỉ tài khoản quản trị của Sở Giáo dục và Đào tạo được ban hành nội dung cam kết.")
            )
        if form.is_valid():
            try:
                made = services.publish_terms(
                    by=request.user, text=form.cleaned_data["text"], effective_on=form.cleaned_data["effective_on"]
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    _(
                        "Đã ban hành nội dung cam kết phiên bản %(v)s; mọi người dùng sẽ xác nhận lại ở lần truy cập tới."
                    )
                    % {"v": made.version},
                )
                return redirect("oversight:terms")
    versions = list(Terms.objects.visible_to(request.user).select_related("published_by")[:20])
    return render(
        request,
        "oversight/terms.html",
        {"current": current, "versions": versions, "form": form, "may_publish": may_publish, "today": dt.date.today()},
    )
