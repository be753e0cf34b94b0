"""Password rules beyond Django's own (R10.1): character classes and no reuse of recent passwords."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least one lower-case letter, one capital and one digit."""

    def validate(self, password: str, user: Any = None) -> None:
        if not (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
        ):
            raise ValidationError(
                _("Mật khẩu phải có ít nhất một chữ thường, một chữ hoa và một chữ số."), code="password_classes"
            )

    def get_help_text(self) -> str:
        return _("Mật khẩu phải có chữ thường, chữ hoa và chữ số.")


class PasswordHistoryValidator:
    """Not the current password nor one of the last few."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        previous = [
            user.password,
            *user.password_history.values_list("password", flat=True)[: settings.EDUDB_PASSWORD_HISTORY],
        ]
        if any(encoded and check_password(password, encoded) for encoded in previous):
            raise ValidationError(
                _("Mật khẩu mới không được trùng %(count)s mật khẩu gần nhất.")
                % {"count": settings.EDUDB_PASSWORD_HISTORY},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("Không dùng lại các mật khẩu gần đây.")
