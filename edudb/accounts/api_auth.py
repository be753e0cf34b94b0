"""API token authentication: DRF tokens that expire with the session lifetime and die with the account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ExpiringTokenAuthentication(TokenAuthentication):
    """A token is valid for the absolute session lifetime (10 h) and only while its account is usable."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if timezone.now() - token.created > settings.EDUDB_SESSION_ABSOLUTE:
            token.delete()
            raise exceptions.AuthenticationFailed(_("Mã truy cập đã hết hạn; hãy lấy mã mới."))
        if user.is_expired:
            raise exceptions.AuthenticationFailed(_("Tài khoản đã hết hạn sử dụng."))
        return user, token
