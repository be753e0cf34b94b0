"""Request-wide context: a request id and the client address, for the audit trail and the logs."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from edudb.core.audit import reset_request_context, set_request_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,36}$")


def client_ip(request: HttpRequest) -> str | None:
    """The peer address; a reverse proxy in front is expected to pass the real one as REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        token = set_request_context(ip=client_ip(request), request_id=incoming if _REQUEST_ID.match(incoming) else None)
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(token)
        return response


class LanguageMiddleware:
    """Vietnamese unless the user chose English with the switch: the browser's Accept-Language is not consulted,
    so an official on an English-language browser still gets the Vietnamese UI the regulation is written in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
