"""Guards for the few pages anyone may post to without an account (a data request, a complaint, a status check).

Three layers, none of which needs an outside service (the system has no network at run time):

- ``throttle``: a per-address limit of posts per window, counted in the database (``PublicHit``) so that it holds
  across every worker process; the address is kept only as a keyed hash.
- ``PublicForm``: a signed arithmetic question in Vietnamese ("Bảy cộng năm bằng bao nhiêu?"), a honeypot field a
  person never sees, and a minimum time between showing the form and posting it.
- Every refusal is one audit entry (``public.refused``) naming the page and the reason — never the data posted.

Usage in a view::

    form = ComplaintForm(request.POST or None, request=request)
    if request.method == "POST":
        refused = throttle(request, "feedback.public", limit=5, window=dt.timedelta(hours=1))
        if refused:
            return refused
        if form.is_valid(): ...

and in the template ``{% include "partials/public_challenge.html" %}`` inside the ``<form>``, with the form's own
fields rendered from ``form.content_fields``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudb.core import audit
from edudb.core.middleware import client_ip
from edudb.core.models import PublicHit

_SALT = "edudb.public.challenge"
# A person needs a few seconds to read a form; a script posting at once is refused (and told to try again).
MIN_FILL_SECONDS = 3
CHALLENGE_MAX_AGE = 2 * 3600
_NUMBERS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"]
GUARD_FIELDS = ("challenge_token", "challenge_answer", "website")


def _client_key(request: HttpRequest) -> str:
    address = client_ip(request) or "unknown"
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def refuse(request: HttpRequest, bucket: str, reason: str, *, status: int = 429) -> HttpResponse:
    """Audit one refused public post and answer with the Vietnamese refusal page."""
    audit.record("public.refused", by=None, extra={"page": bucket, "reason": reason})
    response = TemplateResponse(request, "public_refused.html", {"reason": reason}, status=status)
    if status == 429:
        response["Retry-After"] = "3600"
    return response


def throttle(
    request: HttpRequest, bucket: str, *, limit: int = 5, window: dt.timedelta = dt.timedelta(hours=1)
) -> HttpResponse | None:
    """Count this post against the client's address; None when it may go on, else the refusal (429, audited)."""
    now = timezone.now()
    client = _client_key(request)
    # Old hits are of no use: each call drops this bucket's hits older than a day (an indexed range delete).
    PublicHit.objects.filter(bucket=bucket, at__lt=now - max(window, dt.timedelta(days=1))).delete()
    recent = PublicHit.objects.filter(bucket=bucket, client=client, at__gte=now - window).count()
    if recent >= limit:
        return refuse(request, bucket, "rate")
    PublicHit.objects.create(bucket=bucket, client=client, at=now)
    return None


def new_challenge() -> tuple[str, str]:
    """A question in words and the signed token that carries its answer (hashed) and when it was shown."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2) and a != b:
        a, b = max(a, b), min(a, b)
        question, answer = f"{_NUMBERS[a].capitalize()} trừ {_NUMBERS[b]} bằng bao nhiêu?", a - b
    else:
        question, answer = f"{_NUMBERS[a].capitalize()} cộng {_NUMBERS[b]} bằng bao nhiêu?", a + b
    nonce = secrets.token_hex(8)
    digest = hashlib.sha256(f"{nonce}:{answer}".encode()).hexdigest()
    token = signing.dumps({"n": nonce, "d": digest, "t": time.time()}, salt=_SALT)
    return question, token


class PublicForm(forms.Form):
    """A form anyone may post: the challenge, the honeypot and the fill time are checked before anything else."""

    challenge_token = forms.CharField(widget=forms.HiddenInput, required=False)
    challenge_answer = forms.CharField(
        label=_("Kết quả phép tính (chữ số)"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # A field a person never sees (hidden by CSS, not by type=hidden): scripts that fill every input fill it.
    website = forms.CharField(
        label=_("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    refusal: str = ""

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        # A fresh question every time the form is shown, including after a failed post.
        self.challenge_question, self.fresh_token = new_challenge()

    @property
    def content_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in GUARD_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("website"):
            self.refusal = "honeypot"
            raise forms.ValidationError(_("Không gửi được biểu mẫu. Hãy tải lại trang và gửi lại."))
        try:
            token = signing.loads(cleaned.get("challenge_token") or "", salt=_SALT, max_age=CHALLENGE_MAX_AGE)
            if time.time() - float(token["t"]) > CHALLENGE_MAX_AGE:
                raise signing.SignatureExpired
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self.refusal = "challenge"
            self.add_error(
                "challenge_answer", _("Câu hỏi kiểm tra đã hết hạn (quá 2 giờ). Hãy trả lời câu hỏi mới bên dưới.")
            )
            return cleaned
        answer = (cleaned.get("challenge_answer") or "").strip()
        digest = hashlib.sha256(f"{token['n']}:{answer}".encode()).hexdigest()
        if not answer or not hmac.compare_digest(digest, token["d"]):
            self.refusal = "challenge"
            self.add_error(
                "challenge_answer",
                _("Kết quả phép tính chưa đúng. Hãy nhập kết quả bằng chữ số (ví dụ 12) cho câu hỏi mới bên dưới."),
            )
        elif time.time() - token["t"] < MIN_FILL_SECONDS:
            self.refusal = "too_fast"
            self.add_error("challenge_answer", _("Biểu mẫu được gửi quá nhanh. Hãy kiểm tra lại nội dung rồi gửi."))
        return cleaned

    def audit_refusal(self, bucket: str) -> None:
        """Record a failed challenge or a filled honeypot (call after ``is_valid()`` returned False)."""
        if self.refusal:
            audit.record("public.refused", by=None, extra={"page": bucket, "reason": self.refusal})
