"""The support contacts the Sở publishes on every page (Điều 2.2, 7.1): one row, edited by the Sở."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_EMAIL = "sogddt@haiphong.gov.vn"
DEFAULT_POSTAL_ADDRESS = "Số 9 Đinh Tiên Hoàng, phường Hồng Bàng, thành phố Hải Phòng"
DEFAULT_HOURS = "Sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ, từ thứ Hai đến thứ Sáu"


class SupportContact(models.Model):
    """The single row of support contacts; :meth:`current` gives it (or unsaved defaults from the settings)."""

    SINGLETON_ID = 1

    hotline = models.CharField(
        _("điện thoại hỗ trợ"),
        max_length=30,
        help_text=_("Số điện thoại hỗ trợ kỹ thuật, ví dụ 0225.3746220."),
    )
    email = models.EmailField(_("thư điện tử hỗ trợ"), max_length=120)
    system_address = models.URLField(
        _("địa chỉ Hệ thống"),
        max_length=200,
        help_text=_("Địa chỉ truy cập Hệ thống CSDL Ngành do Sở chỉ định, ví dụ https://csdl.haiphong.edu.vn."),
    )
    postal_address = models.CharField(_("địa chỉ trụ sở Sở"), max_length=255, blank=True)
    working_hours = models.CharField(_("thời gian hỗ trợ"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("thông tin hỗ trợ")
        verbose_name_plural = _("thông tin hỗ trợ")

    def __str__(self) -> str:
        return str(_("Thông tin hỗ trợ kỹ thuật"))

    @property
    def hotline_dial(self) -> str:
        """The hotline as a tel: link wants it: digits and a leading +."""
        return "".join(ch for ch in self.hotline if ch.isdigit() or ch == "+")

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {
            "hotline": settings.EDUDB_HOTLINE,
            "email": DEFAULT_EMAIL,
            "system_address": settings.EDUDB_SYSTEM_ADDRESS,
            "postal_address": DEFAULT_POSTAL_ADDRESS,
            "working_hours": DEFAULT_HOURS,
        }

    @classmethod
    def current(cls) -> SupportContact:
        """The saved contacts, or (before the Sở first edits them) the defaults, unsaved: one query."""
        found = cls.objects.filter(pk=cls.SINGLETON_ID).first()
        return found if found is not None else cls(pk=cls.SINGLETON_ID, **cls.defaults())
