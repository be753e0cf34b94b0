"""What staff and students share: identity, the Ministry code and the personal ID (R3)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from edudb.core.crypto import SealedCharField
from edudb.core.models import Unit
from edudb.core.records import Record
from edudb.quality.text import clean_text, search_key
from edudb.registry.models.schools import code_item


class Person(Record):
    """A person kept by a unit: identity, codes and the sensitive personal ID, masked unless revealed."""

    secret_fields: ClassVar[frozenset[str]] = frozenset({"personal_id"})

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    full_name = models.CharField(_("họ và tên"), max_length=120)
    birth_date = models.DateField(_("ngày sinh"))
    gender = code_item("gioi_tinh", _("giới tính"))
    ethnicity = code_item("dan_toc", _("dân tộc"), null=True, blank=True)
    personal_id = SealedCharField(
        _("số định danh cá nhân"),
        max_length=12,
        purpose="personal_id",
        null=True,
        blank=True,
        unique=True,
        help_text=_("12 chữ số (CCCD); dữ liệu cá nhân nhạy cảm: được mã hóa khi lưu, được che khi hiển thị"),
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    name_key = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_name = clean_text(self.full_name)
        self.name_key = search_key(self.full_name)
        if self.personal_id == "":
            self.personal_id = None
        super().save(*args, **kwargs)
