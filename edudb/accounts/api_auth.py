"""API token authentication: DRF tokens that expire with the session lifetime and die with the account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def unscoped_token(key: str) -> Token | None:
    """The token with this key and its account; authentication comes before any scope exists."""
    return Token.objects.select_related("user__unit__kind", "user__unit__parent").filter(key=key).first()


class ExpiringTokenAuthentication(TokenAuthentication):
    """A token is valid for the absolute session lifetime (10 h) and only while its account is usable."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = unscoped_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không hợp lệ."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("Tài khoản đang tạm khóa."))
        if timezone.now() - token.created > settings.EDUDB_SESSION_ABSOLUTE:
            token.delete()
            raise exceptions.AuthenticationFailed(_("Mã truy cập đã hết hạn; hãy lấy mã mới."))
        if user.is_expired:
            raise exceptions.AuthenticationFailed(_("Tài khoản đã hết hạn sử dụng."))
        from edudb.oversight.terms import needs_acknowledgement

        if needs_acknowledgement(user):
            raise exceptions.PermissionDenied(_("Hãy hoàn tất các bước bắt buộc trên trang web trước."))
        return user, token
