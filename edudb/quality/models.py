"""Code lists (danh mục) the Sở maintains: ethnicities, statuses, room kinds … matched forgivingly on input."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from edudb.quality.text import clean_text, search_key


class CodeList(models.Model):
    """A code list (danh mục), e.g. the 54 ethnic groups."""

    code = models.SlugField(_("mã danh mục"), max_length=40, unique=True)
    name = models.CharField(_("tên danh mục"), max_length=150)
    description = models.TextField(_("mô tả, căn cứ"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("danh mục")
        verbose_name_plural = _("danh mục")

    def __str__(self) -> str:
        return self.name


class CodeItemQuerySet(models.QuerySet["CodeItem"]):
    def of(self, list_code: str) -> CodeItemQuerySet:
        return self.filter(code_list__code=list_code, is_active=True)


def items_of(list_code: str) -> models.QuerySet[CodeItem]:
    """The active values of one code list: reference data every account reads, so no unit scope applies."""
    return CodeItem.objects.of(list_code)


class CodeItem(models.Model):
    """One value of a code list, with its official code and the other spellings people type."""

    code_list = models.ForeignKey(CodeList, models.CASCADE, related_name="items", verbose_name=_("danh mục"))
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=200)
    aliases = models.CharField(_("cách viết khác"), max_length=500, blank=True, help_text=_("Cách nhau bởi dấu |"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)

    objects = CodeItemQuerySet.as_manager()

    class Meta:
        ordering = ["code_list", "order", "code"]
        verbose_name = _("giá trị danh mục")
        verbose_name_plural = _("giá trị danh mục")
        constraints = [models.UniqueConstraint(fields=["code_list", "code"], name="one_code_per_list")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = clean_text(self.name)
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)

    def keys(self) -> set[str]:
        """Every folded spelling that means this item: its code, its name and its aliases."""
        spellings = [self.code, self.name, *self.aliases.split("|")]
        return {search_key(s) for s in spellings if s.strip()}
