"""Public pages of the sharing app (no account): file a request, see its confirmation, follow it with its number and
tracking code (withdraw it, take the download link once approved), and download the release by its link.

They go through ``services.unscoped_…`` functions only and show nothing beyond what the requester already knows:
the state of their own request, the decision's reason or consent document, and their release's limits.
Every post is counted by ``throttle`` (per address, in the database); the request form carries the arithmetic
challenge, honeypot and minimum fill time of ``PublicForm``; every refusal is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from edudb.core.middleware import client_ip
from edudb.core.public import throttle
from edudb.sharing import catalogue, services
from edudb.sharing.forms import PublicRequestForm, ReasonForm, StatusForm
from edudb.sharing.models import DataRequest, RequestState

REQUEST_LIMIT = 5  # requests filed per address and hour
STATUS_LIMIT = 20  # status look-ups and actions per address and hour
DOWNLOAD_LIMIT = 30  # download attempts per address and hour
HOUR = dt.timedelta(hours=1)
_SESSION_DONE = "sharing_done"
_SESSION_STATUS = "sharing_status"


class PublicRequestView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self._show(request, PublicRequestForm(request=request))

    def _show(self, request: HttpRequest, form: PublicRequestForm, status: int = 200) -> HttpResponse:
        return render(request, "sharing/public_request.html", {"form": form}, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        refused = throttle(request, "sharing.request", limit=REQUEST_LIMIT, window=HOUR)
        if refused:
            return refused
        form = PublicRequestForm(request.POST, request=request)
        if not form.is_valid():
            form.audit_refusal("sharing.request")
            return self._show(request, form, status=400)
        try:
            created, code = services.unscoped_file_public(
                data=form.service_data(),
                addressed=form.cleaned_data.get("unit"),
                unit_codes=form.cleaned_data.get("unit_codes") or "",
            )
        except ValidationError as exc:
            services.audit_refusal(by=None, what="request.public", reason="; ".join(exc.messages))
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self._show(request, form, status=400)
        request.session[_SESSION_DONE] = {"number": created.number, "code": code}
        request.session[_SESSION_STATUS] = created.pk
        return redirect("sharing:public_done")


class PublicDoneView(View):
    """The confirmation: the request number and the tracking code, shown once."""

    def get(self, request: HttpRequest) -> HttpResponse:
        done = request.session.pop(_SESSION_DONE, None)
        if not done:
            return redirect("sharing:public_status")
        return render(request, "sharing/public_done.html", done)


def _status_page(
    request: HttpRequest, obj: DataRequest | None, form: Any = None, *, status: int = 200, **more: Any
) -> HttpResponse:
    context: dict[str, Any] = {"form": form or StatusForm(), **more}
    if obj is not None:
        release = services.unscoped_release_of(obj) if obj.state == RequestState.APPROVED else None
        decision = (
            getattr(obj, "decision", None) if obj.state in (RequestState.APPROVED, RequestState.REFUSED) else None
        )
        context.update(
            {
                "object": obj,
                "wanted": catalogue.describe(obj.wanted_fields),
                "decision": decision,
                "release": release,
                "link_usable": release is not None and not services._usable(release),
                "reason_form": ReasonForm(),
            }
        )
    return render(request, "sharing/public_status.html", context, status=status)


def _current(request: HttpRequest) -> DataRequest | None:
    """The request this browser proved it knows (number + tracking code) earlier in the session."""
    pk = request.session.get(_SESSION_STATUS)
    return services.unscoped_request_by_pk(pk) if isinstance(pk, int) else None


class PublicStatusView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("other"):
            request.session.pop(_SESSION_STATUS, None)
        return _status_page(request, _current(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        refused = throttle(request, "sharing.status", limit=STATUS_LIMIT, window=HOUR)
        if refused:
            return refused
        action = request.POST.get("action", "lookup")
        if action == "lookup":
            form = StatusForm(request.POST)
            found = (
                services.unscoped_find_request(form.cleaned_data["number"], form.cleaned_data["code"])
                if form.is_valid()
                else None
            )
            if found is None:
                services.audit_refusal(by=None, what="status.lookup", reason="no_match")
                if form.is_valid():
                    form.add_error(None, _("Số yêu cầu hoặc mã tra cứu không đúng. Hãy kiểm tra lại cả hai."))
                return _status_page(request, None, form, status=400)
            request.session[_SESSION_STATUS] = found.pk
            return redirect("sharing:public_status")
        current = _current(request)
        if current is None:
            return redirect("sharing:public_status")
        try:
            if action == "link":
                token = services.unscoped_issue_link(current)
                url = request.build_absolute_uri(reverse("sharing:release_download", kwargs={"token": token}))
                return _status_page(request, current, link=url)
            if action == "withdraw":
                reason_form = ReasonForm(request.POST)
                reason = reason_form.cleaned_data["reason"] if reason_form.is_valid() else _("Bên đề nghị rút yêu cầu")
                services.withdraw(request=current, by=None, reason=reason)
                return redirect("sharing:public_status")
        except ValidationError as exc:
            services.audit_refusal(by=None, what=f"status.{action}", reason="; ".join(exc.messages), obj=current)
            return _status_page(request, current, errors=exc.messages, status=400)
        return redirect("sharing:public_status")


class ReleaseDownloadView(View):
    """The requester's download link: refused with a clear page when unknown, expired, used up or revoked."""

    def get(self, request: HttpRequest, token: str) -> HttpResponseBase:
        refused = throttle(request, "sharing.download", limit=DOWNLOAD_LIMIT, window=HOUR)
        if refused:
            return refused
        try:
            release = services.unscoped_open_download(token, ip=client_ip(request))
        except services.DownloadRefused as exc:
            status = {"unknown": 404, "not_ready": 409}.get(exc.reason, 410)
            return render(request, "sharing/download_refused.html", {"reason": exc.message}, status=status)
        response = FileResponse(release.file.open("rb"), as_attachment=True, filename=release.file_name)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
