"""The session authentication backend: loads the account with what its scope needs, in one query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from edudb.accounts.models import Account


class AccountBackend(ModelBackend):
    """Django's model backend, fetching the account's unit, kind and parent with it (every page needs them)."""

    def get_user(self, user_id: Any) -> Account | None:
        account = Account.objects.select_related("unit__kind", "unit__parent").filter(pk=user_id).first()
        return account if account is not None and self.user_can_authenticate(account) else None
