"""Test clients signed in as a cast member: by session (pages) or by API token."""

from __future__ import annotations

from typing import Any

from django.test import Client


def signed_in(account: Any) -> Client:
    """A browser-like client with the account's session (past the first-sign-in steps of the cast)."""
    client = Client()
    client.force_login(account)
    return client


def api_client(account: Any) -> Client:
    """A client that authenticates with a fresh API token of the account."""
    from rest_framework.authtoken.models import Token

    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=account).key}")
