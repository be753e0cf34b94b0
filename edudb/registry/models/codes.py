"""Identifier codes (R3): every Ministry or temporary code ever given, so none is reused, even after deletion."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CodeKind(models.TextChoices):
    STUDENT = "student", _("Mã học sinh")
    STUDENT_TEMPORARY = "student_tmp", _("Mã tạm học sinh")
    STAFF = "staff", _("Mã cán bộ")


class IssuedCode(models.Model):
    """A code once given to a record (mã định danh đã cấp): kept for ever, so it can never be given again."""

    kind = models.CharField(max_length=20, choices=CodeKind.choices)
    code = models.CharField(max_length=20)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="a_code_is_issued_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"
