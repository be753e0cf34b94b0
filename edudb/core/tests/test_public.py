"""The guards of pages anyone may post to (edudb/core/public.py): rate limit, challenge, honeypot, fill time."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

import pytest
from django import forms
from django.core import signing
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.utils import timezone, translation

from edudb.core import public
from edudb.core.models import AuditEntry, PublicHit


class NoteForm(public.PublicForm):
    note = forms.CharField(label="Nội dung")


def solved(token: str) -> str:
    """The answer to a challenge, found the way a person would: by trying the small numbers it can be."""
    data = signing.loads(token, salt=public._SALT)
    for answer in range(0, 19):
        if hashlib.sha256(f"{data['n']}:{answer}".encode()).hexdigest() == data["d"]:
            return str(answer)
    raise AssertionError("no answer between 0 and 18")


def aged(token: str, seconds: float) -> str:
    """The same challenge as if shown ``seconds`` ago."""
    data = signing.loads(token, salt=public._SALT)
    data["t"] = time.time() - seconds
    return signing.dumps(data, salt=public._SALT)


def post(token: str, answer: str, **extra: Any) -> NoteForm:
    return NoteForm({"note": "Sai ngày sinh", "challenge_token": token, "challenge_answer": answer, **extra})


def test_question_is_vietnamese_words_and_answer_is_checked() -> None:
    form = NoteForm()
    assert form.challenge_question.endswith("bằng bao nhiêu?")
    assert not any(ch.isdigit() for ch in form.challenge_question)
    token = aged(form.fresh_token, 10)
    answer = solved(token)
    assert post(token, answer).is_valid()
    wrong = post(token, str(int(answer) + 1))
    assert not wrong.is_valid() and wrong.refusal == "challenge"
    assert "chữ số" in str(wrong.errors["challenge_answer"])
    assert [f.name for f in wrong.content_fields] == ["note"]
    # A failed post gets a new question, not the one the script just saw.
    assert wrong.fresh_token != token


def test_forged_expired_fast_and_honeypot_are_refused() -> None:
    token = NoteForm().fresh_token
    forged = post(token[:-3] + "abc", "5")
    assert not forged.is_valid() and forged.refusal == "challenge"
    expired = aged(token, public.CHALLENGE_MAX_AGE + 60)
    assert not post(expired, solved(expired)).is_valid()
    fast = post(token, solved(token))
    assert not fast.is_valid() and fast.refusal == "too_fast"
    ok = aged(token, 10)
    honey = post(ok, solved(ok), website="http://spam.example")
    assert not honey.is_valid() and honey.refusal == "honeypot"


@pytest.mark.django_db
def test_refusal_is_audited_without_the_posted_data() -> None:
    form = post(NoteForm().fresh_token, "99")
    assert not form.is_valid()
    form.audit_refusal("test.page")
    entry = AuditEntry.objects.get(action="public.refused")
    assert entry.extra == {"page": "test.page", "reason": "challenge"}
    assert "Sai ngày sinh" not in str(entry.extra)


@pytest.mark.django_db
def test_throttle_counts_per_address_and_window() -> None:
    factory = RequestFactory()
    first = factory.post("/x/", REMOTE_ADDR="203.0.113.7")
    other = factory.post("/x/", REMOTE_ADDR="203.0.113.8")
    for _ in range(3):
        assert public.throttle(first, "test.page", limit=3) is None
    refused = public.throttle(first, "test.page", limit=3)
    assert refused is not None and refused.status_code == 429
    assert isinstance(refused, TemplateResponse)
    with translation.override("vi"):  # no middleware here to pick the visitor's language
        refused.render()
    assert "quá nhiều yêu cầu" in refused.content.decode()
    # Another address and another page are not affected.
    assert public.throttle(other, "test.page", limit=3) is None
    assert public.throttle(first, "other.page", limit=3) is None
    assert AuditEntry.objects.filter(action="public.refused", extra__reason="rate").count() == 1
    # The address is kept only as a keyed hash.
    assert not PublicHit.objects.filter(client__contains="203.0.113").exists()
    # Once the window has passed, the address may post again.
    PublicHit.objects.update(at=timezone.now() - dt.timedelta(hours=2))
    assert public.throttle(first, "test.page", limit=3) is None
