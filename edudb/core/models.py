"""The unit tree (R1), the scoping door every user-visible query goes through (R5), and the audit trail (R10.2)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudb.core.scoping import Domain, Function, ScopedQuerySet
from edudb.quality.text import clean_text, search_key


class Category(models.TextChoices):
    """What a kind of unit is in the management hierarchy; the behaviour hangs on this, not on kind codes."""

    DEPARTMENT = "department", _("Sở Giáo dục và Đào tạo")
    OFFICE = "office", _("Phòng chuyên môn thuộc Sở")
    MANAGER = "manager", _("Đơn vị quản lý trung gian")
    INSTITUTION = "institution", _("Cơ sở giáo dục")


class Oversight(models.TextChoices):
    """How a Sở office oversees data (Điều 6.2): by level group, staff only, or read-and-review."""

    NONE = "", _("—")
    LEVELS = "levels", _("Theo cấp học")
    STAFF = "staff", _("Đội ngũ của Sở và đơn vị trực thuộc")
    REVIEW = "review", _("Rà soát, khai thác theo lĩnh vực")


class LevelGroup(models.Model):
    """A level group (cấp học): mầm non, tiểu học, THCS, THPT, GDTX."""

    code = models.SlugField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("cấp học")
        verbose_name_plural = _("cấp học")

    def __str__(self) -> str:
        return self.name


class UnitKind(models.Model):
    """A kind of unit (loại đơn vị) — data, so the same software runs the 2022 and the 2025 shapes (R1.2)."""

    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=150)
    category = models.CharField(_("nhóm"), max_length=20, choices=Category.choices)
    default_levels = models.CharField(
        _("cấp học mặc định"), max_length=60, blank=True, help_text=_("Mã cấp học, cách nhau bởi dấu |")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("loại đơn vị")
        verbose_name_plural = _("loại đơn vị")

    def __str__(self) -> str:
        return self.name

    @property
    def has_admin_account(self) -> bool:
        """Sở offices work through user accounts the Sở issues (Điều 5.2); every other unit has its admin."""
        return self.category != Category.OFFICE


def subtree_q(path: str, prefix: str = "") -> models.Q:
    """Everything whose unit path starts with ``path``, as an index-friendly range (paths are digits and '/')."""
    return models.Q(**{f"{prefix}path__gte": path, f"{prefix}path__lt": path + "~"})


class UnitQuerySet(ScopedQuerySet["Unit"]):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        return self.filter(subtree_q(unit.path))


class Unit(models.Model):
    """A unit of the education sector (đơn vị): the Sở, an office, a manager or an institution."""

    scope_unit_field: ClassVar[str] = ""
    scope_domain: ClassVar[Domain] = Domain.UNITS

    code = models.CharField(_("mã đơn vị"), max_length=20, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    kind = models.ForeignKey(UnitKind, models.PROTECT, related_name="units", verbose_name=_("loại đơn vị"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("đơn vị quản lý")
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    level_codes = models.CharField(_("cấp học"), max_length=60, blank=True, help_text=_("Dạng |th|thcs|"))
    oversight = models.CharField(_("phạm vi giám sát"), max_length=10, choices=Oversight.choices, blank=True)
    province_code = models.CharField(_("mã tỉnh/thành phố"), max_length=2, default="31")
    commune_code = models.CharField(_("mã xã/phường"), max_length=5, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    head_name = models.CharField(
        _("thủ trưởng đơn vị"), max_length=120, blank=True, help_text=_("Người chịu trách nhiệm về dữ liệu (Điều 8.2)")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    name_key = models.CharField(max_length=255, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False) | models.Q(depth=0), name="unit_root_has_depth_zero"
            ),
        ]
        indexes = [models.Index(fields=["parent", "kind"], name="unit_parent_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = clean_text(self.name)
        self.name_key = search_key(self.name)
        if not self.level_codes and self.kind_id:
            self.level_codes = self.kind.default_levels
        self.level_codes = normalise_level_codes(self.level_codes)
        creating = self.pk is None
        super().save(*args, **kwargs)
        if creating or not self.path:
            self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
            self.depth = self.parent.depth + 1 if self.parent else 0
            Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    @property
    def category(self) -> str:
        return self.kind.category

    @property
    def levels(self) -> list[str]:
        return [code for code in self.level_codes.split("|") if code]

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or lies below it."""
        return self.path.startswith(other.path)

    def ancestors(self) -> UnitQuerySet:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return Unit.objects.filter(pk__in=ids).order_by("depth")


def normalise_level_codes(raw: str | list[str]) -> str:
    codes = raw if isinstance(raw, list) else [part for part in raw.replace(",", "|").split("|")]
    cleaned = sorted({code.strip() for code in codes if code.strip()})
    return f"|{'|'.join(cleaned)}|" if cleaned else ""


ACTION_LABELS = {
    "signin.success": _("Đăng nhập"),
    "signin.failure": _("Đăng nhập không thành công"),
    "signout": _("Đăng xuất"),
    "account.issue": _("Cấp tài khoản"),
    "account.functions": _("Giao chức năng"),
    "account.suspend": _("Tạm khóa tài khoản"),
    "account.auto_suspend": _("Tự động tạm khóa do không sử dụng"),
    "account.reactivate": _("Mở khóa tài khoản"),
    "account.reset_password": _("Cấp lại mật khẩu"),
    "account.handover": _("Bàn giao tài khoản quản trị"),
    "account.change_password": _("Đổi mật khẩu"),
    "account.acknowledge": _("Cam kết trách nhiệm"),
    "account.totp_enrol": _("Bật xác thực hai lớp"),
    "account.api_token": _("Cấp mã truy cập API"),
    "demo.seed": _("Tạo dữ liệu mẫu"),
    "codelists.sync": _("Cập nhật danh mục"),
    "codelists.item_add": _("Thêm giá trị danh mục"),
    "codelists.item_edit": _("Sửa giá trị danh mục"),
    "codelists.item_delete": _("Xóa giá trị danh mục"),
    "quality.measure": _("Đo chất lượng dữ liệu"),
    "quality.confirm": _("Xác nhận dữ liệu còn đúng"),
    "quality.settings": _("Sửa thiết lập chất lượng dữ liệu"),
    "quality.required_fields": _("Sửa danh sách trường bắt buộc"),
    "quality.rule": _("Sửa quy tắc kiểm tra dữ liệu"),
    "reporting.period.create": _("Mở kỳ báo cáo"),
    "reporting.period.update": _("Sửa kỳ báo cáo"),
    "reporting.period.close": _("Khóa sổ kỳ báo cáo"),
    "reporting.submit": _("Chốt số liệu báo cáo"),
    "reporting.approve": _("Duyệt báo cáo"),
    "reporting.return": _("Trả lại báo cáo"),
    "reporting.extend": _("Gia hạn báo cáo"),
    "reporting.correction.request": _("Đề nghị điều chỉnh báo cáo đã duyệt"),
    "reporting.correction.decide": _("Quyết định đề nghị điều chỉnh báo cáo"),
    "stats.document": _("Tải văn bản thống kê"),
    "public.refused": _("Từ chối yêu cầu gửi từ trang công khai"),
}
# Record operations read as "<verb> <what>": "Thêm mới học sinh", "Sửa hồ sơ trường".
RECORD_VERBS = {
    "create": _("Thêm mới"),
    "update": _("Sửa"),
    "ministry_code": _("Gán mã định danh cho"),
    "reveal_personal_id": _("Xem số định danh cá nhân của"),
    "guardians": _("Cập nhật cha mẹ, người giám hộ của"),
    "policy_groups": _("Cập nhật đối tượng chính sách của"),
    "delete": _("Xóa"),
    "release": _("Gửi yêu cầu"),
    "accept": _("Tiếp nhận"),
    "refuse": _("Từ chối tiếp nhận"),
    "cancel": _("Hủy yêu cầu"),
    "transfer_in": _("Nhận chuyển đến"),
    "drop_out": _("Ghi thôi học cho"),
    "return": _("Ghi trở lại học cho"),
    "admit": _("Tiếp nhận đầu cấp"),
    "preview": _("Xem trước"),
    "apply": _("Thực hiện"),
    "apply_school": _("Thực hiện theo trường"),
    "discard": _("Bỏ bản xem trước"),
    "queue": _("Chạy nền"),
    "failed": _("Không thực hiện được"),
}


class AuditEntry(models.Model):
    """One entry of the append-only, hash-chained audit trail (nhật ký hệ thống)."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.AUDIT
    scope_function: ClassVar[str] = Function.VIEW_AUDIT

    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        "accounts.Account", models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+"
    )
    actor_username = models.CharField(_("tài khoản"), max_length=150, blank=True, db_index=True)
    unit = models.ForeignKey(Unit, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+")
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    action = models.CharField(_("thao tác"), max_length=60, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_username} {self.action}"

    @property
    def action_label(self) -> str:
        """The action in words; refusals read as the action refused."""
        base, refused = self.action.removesuffix(".refused"), self.action.endswith(".refused")
        label = str(ACTION_LABELS.get(base, "")) or self._record_label(base)
        return str(_("%(action)s — bị từ chối") % {"action": label}) if refused else label

    def _record_label(self, action: str) -> str:
        verb = RECORD_VERBS.get(action.rpartition(".")[2])
        if verb is None or "." not in self.object_type:
            return action
        try:
            from django.apps import apps

            model = apps.get_model(self.object_type)
        except LookupError:
            return action
        return f"{verb} {model._meta.verbose_name}"


class ScheduledRun(models.Model):
    """When a periodic background task was last queued, so a restarted scheduler does not queue it twice."""

    name = models.CharField(max_length=120, unique=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_enqueued_at:%Y-%m-%d %H:%M}"


class IdempotentRequest(models.Model):
    """The answer to an API write sent with an Idempotency-Key, so a retried request creates one record, not two."""

    account = models.ForeignKey("accounts.Account", models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    path = models.CharField(max_length=255)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="one_answer_per_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.key}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any, function: str = Function.VIEW, *, via: str | None = None) -> NotificationQuerySet:
        """A notification is personal: only the account it was sent to ever reads it."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(account=user)


class Notification(models.Model):
    """An in-app notification (thông báo) to one account: what happened, and the page to act on it."""

    account = models.ForeignKey("accounts.Account", models.CASCADE, related_name="notifications")
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("đơn vị"))
    kind = models.CharField(_("loại"), max_length=40)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed = models.BooleanField(_("đã gửi thư"), default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [models.Index(fields=["account", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title


class PublicHit(models.Model):
    """One post to a page anyone may use without an account (edudb/core/public.py), kept to rate-limit per address.

    Kept in the database, not in a per-process cache, so the limit holds across every worker process.
    The address is stored only as a keyed hash: the table is not a log of who wrote in.
    """

    bucket = models.CharField(max_length=40)
    client = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["bucket", "client", "at"], name="public_hit_window")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.at:%Y-%m-%d %H:%M}"
