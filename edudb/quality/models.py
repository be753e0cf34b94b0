"""Code lists (danh mục) the Sở maintains: ethnicities, statuses, room kinds … matched forgivingly on input."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.scoping import Domain, ScopedQuerySet
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


# --- Completeness, validation findings, timeliness and scorecards (R6.2–R6.5) --------------------------------


class Target(models.TextChoices):
    """The kinds of record the quality rules look at, each belonging to one component database."""

    SCHOOL = "school", _("Hồ sơ trường")
    CLASS = "class", _("Lớp học")
    STAFF = "staff", _("Cán bộ, giáo viên, nhân viên")
    STUDENT = "student", _("Học sinh")
    ROOM = "room", _("Phòng học, phòng chức năng")


TARGET_DOMAIN = {
    Target.SCHOOL: Domain.SCHOOLS,
    Target.CLASS: Domain.CLASSES,
    Target.STAFF: Domain.STAFF,
    Target.STUDENT: Domain.STUDENTS,
    Target.ROOM: Domain.FACILITIES,
}


class Severity(models.TextChoices):
    """How a broken rule weighs: an error blocks saving and submitting, a warning asks for a second look."""

    ERROR = "error", _("Lỗi (chặn lưu và chốt số liệu)")
    WARNING = "warning", _("Cảnh báo (cần xem lại)")


class QualitySettings(models.Model):
    """The Sở's quality settings (one row): how old data may get before it is flagged as out of date."""

    stale_after_days = models.PositiveSmallIntegerField(
        _("dữ liệu quá hạn sau (ngày)"),
        default=180,
        help_text=_("Bản ghi không được sửa hay xác nhận trong chừng ấy ngày bị coi là chưa kịp thời."),
    )
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        verbose_name = _("thiết lập chất lượng dữ liệu")

    def __str__(self) -> str:
        return str(_("Thiết lập chất lượng dữ liệu"))

    @classmethod
    def current(cls) -> QualitySettings:
        """The settings in force: the Sở's row, or the defaults until it saves one (reading never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class CompletenessRule(models.Model):
    """A field the Sở requires for one kind of record, at every level or one level group (trường bắt buộc)."""

    target = models.CharField(_("loại bản ghi"), max_length=10, choices=Target.choices)
    field = models.CharField(_("trường thông tin"), max_length=60)
    level = models.CharField(_("cấp học"), max_length=10, blank=True, help_text=_("Để trống: áp dụng cho mọi cấp học"))
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        ordering = ["target", "field", "level"]
        verbose_name = _("quy tắc đầy đủ")
        verbose_name_plural = _("quy tắc đầy đủ")
        constraints = [models.UniqueConstraint(fields=["target", "field", "level"], name="one_completeness_rule")]

    def __str__(self) -> str:
        return f"{self.get_target_display()}: {self.field}"


class RuleSetting(models.Model):
    """The Sở's choice for one validation rule: applied or not, and whether it blocks or warns."""

    rule = models.CharField(_("quy tắc"), max_length=60, unique=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    severity = models.CharField(_("mức độ"), max_length=10, choices=Severity.choices)

    class Meta:
        verbose_name = _("thiết lập quy tắc kiểm tra")
        verbose_name_plural = _("thiết lập quy tắc kiểm tra")

    def __str__(self) -> str:
        return self.rule


class UnitTargetRow(models.Model):
    """A row about one unit's records of one kind; rows of several databases, so scoped per row by domain."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain_field: ClassVar[str] = "domain"

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    domain = models.CharField(_("cơ sở dữ liệu"), max_length=20, choices=Domain.choices)
    target = models.CharField(_("loại bản ghi"), max_length=10, choices=Target.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Finding(UnitTargetRow):
    """One problem the background check found in one record: a rule broken or a required field left empty."""

    class Kind(models.TextChoices):
        MISSING = "missing", _("Thiếu thông tin")
        INVALID = "invalid", _("Sai, không hợp lệ")
        INCONSISTENT = "inconsistent", _("Chưa thống nhất (phông chữ, định dạng)")

    object_id = models.PositiveBigIntegerField(_("mã bản ghi"))
    object_label = models.CharField(_("bản ghi"), max_length=200)
    kind = models.CharField(_("loại vấn đề"), max_length=15, choices=Kind.choices)
    rule = models.CharField(_("quy tắc"), max_length=60)
    field = models.CharField(_("trường thông tin"), max_length=60)
    severity = models.CharField(_("mức độ"), max_length=10, choices=Severity.choices)
    message = models.TextField(_("nội dung"))
    found_at = models.DateTimeField(_("phát hiện lúc"))

    class Meta:
        ordering = ["unit_id", "target", "object_label", "field"]
        verbose_name = _("vấn đề dữ liệu")
        verbose_name_plural = _("vấn đề dữ liệu")
        indexes = [models.Index(fields=["unit", "target", "severity"], name="finding_unit_target")]

    def __str__(self) -> str:
        return f"{self.object_label}: {self.message}"


class UnitScore(UnitTargetRow):
    """One unit's quality figures for one kind of record, as last measured over its own records."""

    measured_at = models.DateTimeField(_("đo lúc"))
    records = models.PositiveIntegerField(_("số bản ghi"), default=0)
    required_cells = models.PositiveIntegerField(_("số ô bắt buộc"), default=0)
    filled_cells = models.PositiveIntegerField(_("số ô bắt buộc đã có"), default=0)
    checked_values = models.PositiveIntegerField(_("số giá trị đã soát định dạng"), default=0)
    inconsistent_values = models.PositiveIntegerField(_("số giá trị chưa thống nhất"), default=0)
    records_with_errors = models.PositiveIntegerField(_("số bản ghi có lỗi"), default=0)
    records_with_warnings = models.PositiveIntegerField(_("số bản ghi có cảnh báo"), default=0)
    stale_records = models.PositiveIntegerField(_("số bản ghi quá hạn"), default=0)
    last_changed_at = models.DateTimeField(_("sửa gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("điểm chất lượng dữ liệu")
        constraints = [models.UniqueConstraint(fields=["unit", "target"], name="one_score_per_unit_target")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.target}"


class DataConfirmation(UnitTargetRow):
    """A unit's statement that its records of one kind are still correct (xác nhận dữ liệu), for timeliness."""

    confirmed_at = models.DateTimeField(_("xác nhận lúc"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("người xác nhận")
    )

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = _("xác nhận dữ liệu")
        verbose_name_plural = _("xác nhận dữ liệu")
        indexes = [models.Index(fields=["unit", "target", "-confirmed_at"], name="confirmation_latest")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.target} {self.confirmed_at:%d/%m/%Y}"
