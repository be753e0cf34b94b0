"""Signed-in pages of the sharing app: the requests in reach, a request's page with its timeline, decision and
release, entering a paper request, and the actions (take up, forward, decide, withdraw, revoke, retry).

Requests are fetched only through the door: ``DataRequest.objects.visible_to(user, Function.VIEW)`` for reading,
``get_scoped_or_404(..., Function.APPROVE)`` for the actions (out of reach → 404); the services then decide who
may do what (the decision and the revocation belong to the Sở) and say why in Vietnamese (403 page or form error).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from edudb.core.scoping import Domain, Function, get_scoped_or_404, reaches
from edudb.core.views_base import ScopedListView
from edudb.sharing import catalogue, services
from edudb.sharing.forms import DecisionForm, ForwardForm, PaperRequestForm, ReasonForm, RequestFilterForm
from edudb.sharing.models import DataRequest, Outcome, RequestState


def _errors_onto(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class RequestListView(ScopedListView):
    model = DataRequest
    function = Function.VIEW
    template_name = "sharing/list.html"
    paginate_by = 50

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form = RequestFilterForm(self.request.GET or None)
        queryset = queryset.select_related("unit")
        if self.form.is_bound and self.form.is_valid():
            if self.form.cleaned_data.get("state"):
                queryset = queryset.filter(state=self.form.cleaned_data["state"])
            if self.form.cleaned_data.get("q"):
                text = self.form.cleaned_data["q"].strip()
                queryset = queryset.filter(Q(number__icontains=text) | Q(requester_organisation__icontains=text))
        return queryset.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context


def _page(request: HttpRequest, obj: DataRequest, **more: Any) -> HttpResponse:
    user = request.user
    decision = getattr(obj, "decision", None) if obj.state in (RequestState.APPROVED, RequestState.REFUSED) else None
    release = getattr(obj, "release", None) if decision is not None else None
    handler = reaches(user, obj.unit, Function.APPROVE, Domain.UNITS)
    decider = services.is_department_decider(user)
    context = {
        "object": obj,
        "events": obj.events.select_related("by").all(),
        "wanted": catalogue.describe(obj.wanted_fields),
        "wanted_units": obj.wanted_units.order_by("path"),
        "decision": decision,
        "approved": catalogue.describe(decision.approved_fields) if decision else [],
        "approved_units": decision.approved_units.order_by("path") if decision else [],
        "release": release,
        "attempts": release.attempts.all()[:50] if release else [],
        "may_take_up": handler and obj.state == RequestState.SUBMITTED,
        "may_forward": handler and obj.state == RequestState.UNDER_REVIEW and obj.unit.parent_id is not None,
        "may_decide": decider and services._decidable(obj),
        "may_withdraw": handler and obj.is_open,
        "may_revoke": decider and release is not None and release.state != "revoked",
        "may_retry": decider and release is not None and release.state == "failed",
        "forward_form": ForwardForm(),
        "reason_form": ReasonForm(),
        **more,
    }
    return render(request, "sharing/detail.html", context)


def _fetch(request: HttpRequest, pk: int, function: str = Function.VIEW) -> DataRequest:
    scoped = DataRequest.objects.visible_to(request.user, function).select_related("unit__kind", "school_year")
    return get_scoped_or_404(scoped, request.user, function, pk=pk)


class RequestDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _page(request, _fetch(request, pk))


class RequestCreateView(LoginRequiredMixin, View):
    """A request received on paper, entered by the unit that received it."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._show(request, PaperRequestForm())

    def _show(self, request: HttpRequest, form: Any, status: int = 200) -> HttpResponse:
        unit = services.unit_in_charge_for(request.user)
        return render(request, "sharing/request_form.html", {"form": form, "unit": unit}, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PaperRequestForm(request.POST)
        if form.is_valid():
            try:
                created, code = services.enter_request(
                    by=request.user, data=form.service_data(), unit_codes=form.cleaned_data.get("unit_codes") or ""
                )
            except ValidationError as exc:
                services.audit_refusal(by=request.user, what="request.enter", reason="; ".join(exc.messages))
                _errors_onto(form, exc)
            except PermissionDenied as exc:
                services.audit_refusal(by=request.user, what="request.enter", reason=str(exc))
                form.add_error(None, str(exc))
                return self._show(request, form, status=403)
            else:
                messages.success(
                    request,
                    _(
                        "Đã ghi yêu cầu %(n)s. Mã tra cứu: %(c)s — hãy ghi mã này vào văn bản trả lời bên đề nghị "
                        "(mã chỉ hiện một lần; bên đề nghị dùng số yêu cầu và mã để tra cứu và tải dữ liệu)."
                    )
                    % {"n": created.number, "c": code},
                )
                return redirect("sharing:detail", pk=created.pk)
        return self._show(request, form, status=400 if form.is_bound else 200)


class _ActionView(LoginRequiredMixin, View, ABC):
    """A POST action on a request reached with ``Function.APPROVE``."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = _fetch(request, pk, Function.APPROVE)
        try:
            return self.act(request, obj)
        except PermissionDenied as exc:
            services.audit_refusal(by=request.user, what=self.__class__.__name__, reason=str(exc), obj=obj)
            return render(request, "sharing/refused.html", {"object": obj, "reason": str(exc)}, status=403)
        except ValidationError as exc:
            services.audit_refusal(
                by=request.user, what=self.__class__.__name__, reason="; ".join(exc.messages), obj=obj
            )
            for text in exc.messages:
                messages.error(request, text)
            return redirect("sharing:detail", pk=obj.pk)

    @abstractmethod
    def act(self, request: HttpRequest, obj: DataRequest) -> HttpResponse:
        """Do the action (a service call) and answer; a refusal raises and is shown on the request's page."""


class TakeUpView(_ActionView):
    def act(self, request: HttpRequest, obj: DataRequest) -> HttpResponse:
        services.take_up(request=obj, by=request.user)
        messages.success(request, _("Đã nhận xem xét yêu cầu %(n)s.") % {"n": obj.number})
        return redirect("sharing:detail", pk=obj.pk)


class ForwardView(_ActionView):
    def act(self, request: HttpRequest, obj: DataRequest) -> HttpResponse:
        form = ForwardForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        services.forward(request=obj, by=request.user, note=note)
        messages.success(request, _("Đã chuyển yêu cầu %(n)s để Sở quyết định.") % {"n": obj.number})
        return redirect("sharing:detail", pk=obj.pk)


class WithdrawView(_ActionView):
    def act(self, request: HttpRequest, obj: DataRequest) -> HttpResponse:
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.withdraw(request=obj, by=request.user, reason=reason)
        messages.success(request, _("Đã rút yêu cầu %(n)s.") % {"n": obj.number})
        return redirect("sharing:detail", pk=obj.pk)


class RevokeView(_ActionView):
    def act(self, request: HttpRequest, obj: DataRequest) -> HttpResponse:
        release = services.unscoped_release_of(obj)
        if release is None:
            raise ValidationError(_("Yêu cầu này chưa có dữ liệu được cung cấp."))
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.revoke(release=release, by=request.user, reason=reason)
        messages.success(
            request, _("Đã thu hồi dữ liệu của yêu cầu %(n)s; liên kết tải không còn dùng được.") % {"n": obj.number}
        )
        return redirect("sharing:detail", pk=obj.pk)


class RetryView(_ActionView):
    def act(self, request: HttpRequest, obj: DataRequest) -> HttpResponse:
        release = services.unscoped_release_of(obj)
        if release is None:
            raise ValidationError(_("Yêu cầu này chưa có dữ liệu được cung cấp."))
        services.retry_release(release=release, by=request.user)
        messages.success(request, _("Đã xếp lịch tạo lại tệp dữ liệu."))
        return redirect("sharing:detail", pk=obj.pk)


class DecideView(LoginRequiredMixin, View):
    """The Sở's decision form: written consent (with the scan) or refusal."""

    def _refused(self, request: HttpRequest, obj: DataRequest, exc: PermissionDenied) -> HttpResponse:
        services.audit_refusal(by=request.user, what="decide", reason=str(exc), obj=obj)
        return render(request, "sharing/refused.html", {"object": obj, "reason": str(exc)}, status=403)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = _fetch(request, pk, Function.APPROVE)
        if not services.is_department_decider(request.user):
            return self._refused(
                request, obj, PermissionDenied(_("Chỉ Sở quyết định cung cấp dữ liệu (Điều 3.2–3.3)."))
            )
        return self._show(request, obj, DecisionForm(request=obj))

    def _show(self, request: HttpRequest, obj: DataRequest, form: DecisionForm, status: int = 200) -> HttpResponse:
        context = {"object": obj, "form": form, "wanted": catalogue.describe(obj.wanted_fields)}
        return render(request, "sharing/decide.html", context, status=status)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = _fetch(request, pk, Function.APPROVE)
        form = DecisionForm(request.POST, request.FILES, request=obj)
        if form.is_valid():
            try:
                if form.cleaned_data["outcome"] == Outcome.APPROVED:
                    services.approve(request=obj, by=request.user, consent=form.consent())
                    messages.success(request, _("Đã ghi văn bản đồng ý; tệp dữ liệu đang được tạo."))
                else:
                    services.refuse(
                        request=obj,
                        by=request.user,
                        reason=form.cleaned_data.get("reason") or "",
                        document_number=form.cleaned_data.get("document_number") or "",
                        scan=form.cleaned_data.get("scan"),
                    )
                    messages.success(request, _("Đã ghi quyết định không đồng ý."))
                return redirect("sharing:detail", pk=obj.pk)
            except PermissionDenied as exc:
                return self._refused(request, obj, exc)
            except ValidationError as exc:
                services.audit_refusal(by=request.user, what="decide", reason="; ".join(exc.messages), obj=obj)
                _errors_onto(form, exc)
        return self._show(request, obj, form, status=400)


class ConsentScanView(LoginRequiredMixin, View):
    """The scan of the Sở's decision document, to whoever reads the request."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        obj = _fetch(request, pk)
        decision = (
            getattr(obj, "decision", None) if obj.state in (RequestState.APPROVED, RequestState.REFUSED) else None
        )
        if decision is None or not decision.scan:
            raise Http404(_("Không có bản scan văn bản."))
        name = decision.scan.name.rsplit("/", 1)[-1]
        return FileResponse(decision.scan.open("rb"), as_attachment=True, filename=name)
