"""Session rules for signed-in accounts (R10.1, R4.6): idle and absolute lifetime, forced steps before any other page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

SIGNED_IN_AT = "edudb_signed_in_at"
TOUCHED_AT = "edudb_touched_at"
ENROL_TOTP = "edudb_enrol_totp"
_SEEN_EVERY = 300  # seconds between writes of last_seen_at
# Seconds between writes of the session that push its idle expiry (SESSION_COOKIE_AGE) forward. Saving it at every
# request (SESSION_SAVE_EVERY_REQUEST) made every page view a database write — on SQLite the one write lock, taken
# by every clerk's every click. So a session idle for SESSION_COOKIE_AGE ends, at most this much sooner, never later.
TOUCH_EVERY = 60


class SessionPolicyMiddleware:
    """Ends sessions past their absolute lifetime and walks new holders through the required first steps."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now().timestamp()
            request.session.setdefault(SIGNED_IN_AT, now)
            if now - request.session.get(TOUCHED_AT, 0) >= TOUCH_EVERY:
                request.session[TOUCHED_AT] = now  # saved by SessionMiddleware, with a new expiry
            response = self._enforce(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _enforce(self, request: HttpRequest) -> HttpResponse | None:
        from edudb.accounts.models import Account
        from edudb.oversight.terms import needs_acknowledgement

        user = request.user
        if not isinstance(user, Account):  # only signed-in accounts reach here
            return None
        now = timezone.now().timestamp()
        if now - request.session[SIGNED_IN_AT] > settings.EDUDB_SESSION_ABSOLUTE.total_seconds():
            logout(request)
            messages.info(request, _("Phiên làm việc đã quá 10 giờ; hãy đăng nhập lại."))
            return redirect(settings.LOGIN_URL)
        if user.last_seen_at is None or now - user.last_seen_at.timestamp() > _SEEN_EVERY:
            Account.objects.filter(pk=user.pk).update(last_seen_at=timezone.now())
        path = request.path_info
        exempt = {reverse("accounts:logout"), reverse("set_language")}
        if (
            path.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}")
            or path in exempt
            or path.startswith("/guide/")  # the help link works during the first steps too
        ):
            return None
        steps = [
            (request.session.get(ENROL_TOTP), "accounts:totp_enrol"),
            (user.must_change_password, "accounts:password_change"),
            (needs_acknowledgement(user), "accounts:acknowledge"),
        ]
        for needed, url_name in steps:
            if needed:
                target = reverse(url_name)
                if path != target:
                    if path.startswith("/api/"):
                        from django.http import JsonResponse

                        return JsonResponse(
                            {"detail": _("Hãy hoàn tất các bước bắt buộc trên trang web trước.")}, status=403
                        )
                    return redirect(target)
                return None
        return None
