"""Encryption at rest of sensitive personal data (R10.3): the personal ID (số định danh cá nhân) of learners and
staff is stored sealed, never as plain digits.

Sealing is deterministic — AES-SIV (RFC 5297) from the ``cryptography`` package — so the same number always gives
the same sealed text. That is what lets the database keep refusing a duplicate personal ID (a unique index on the
sealed column) and lets ``filter(personal_id=…)`` find a record, at the known cost of revealing which two records
share a number to whoever reads the raw table — which the unique index exists to forbid anyway. Everything else
(lengths, the digits) stays hidden without the key. The field's name is bound in as associated data, so a value
sealed for one column cannot be moved into another.

The key is ``settings.EDUDB_DATA_KEY`` (64 bytes: AES-SIV-256). Production must set it (``EDUDB_DATA_KEY``,
base64); development and tests derive one from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import binascii
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "s1:"  # the scheme's version, so a later key or scheme can be told apart row by row


@cache
def _cipher(key: bytes) -> AESSIV:
    if len(key) != 64:
        raise ImproperlyConfigured("EDUDB_DATA_KEY must be 64 bytes (base64-encoded in the environment)")
    return AESSIV(key)


def seal(text: str, *, purpose: str) -> str:
    """``text`` sealed for the column ``purpose`` names: the same text always gives the same result."""
    sealed = _cipher(settings.EDUDB_DATA_KEY).encrypt(text.encode(), [purpose.encode()])
    return PREFIX + base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def unseal(token: str, *, purpose: str) -> str:
    """The text ``seal`` sealed; a value that is not sealed (or not for this column) is an error, never shown."""
    if not token.startswith(PREFIX):
        raise ValueError("value is not sealed")
    body = token[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return _cipher(settings.EDUDB_DATA_KEY).decrypt(raw, [purpose.encode()]).decode()
    except (InvalidTag, binascii.Error) as exc:
        raise ValueError("sealed value does not open with this key") from exc


def sealed_length(plain_length: int) -> int:
    """The column width a sealed value of ``plain_length`` UTF-8 bytes needs (16-byte SIV tag, base64, prefix)."""
    return len(PREFIX) + -(-(plain_length + 16) * 4 // 3)


class SealedCharField(models.CharField):
    """A short text kept sealed in the database and plain in Python; exact lookups and uniqueness keep working.

    ``max_length`` is the plain value's (forms and validation use it); the column is as wide as the sealed text of
    that many characters needs."""

    def __init__(self, *args: Any, purpose: str = "", max_length: int = 0, **kwargs: Any) -> None:
        self.purpose = purpose
        self.plain_max_length = max_length
        kwargs["max_length"] = sealed_length(max_length * 4)  # UTF-8: at most 4 bytes a character
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_length"] = self.plain_max_length
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"max_length": self.plain_max_length, **kwargs})

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None or value == "" else unseal(value, purpose=self.purpose)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(str(value), purpose=self.purpose)
