"""Outside data requests, the Sở's decisions and the releases they allow (R8.2; Điều 3.2–3.3, 10.6).

- :class:`DataRequest` — what an outside party (another agency, a researcher) asks for: who, purpose, legal basis,
  the fields (catalogue keys, ``catalogue.py``), the units, the school year, the format and how long the data will
  be kept. Filed on the public page (``channel=public``; the requester gets a number and a tracking code) or entered
  by the unit that received it on paper (``channel=paper``). It is scoped by the **unit in charge** (the managing
  unit it is addressed to, Điều 10.6): that unit and everyone above it see it.
  States: submitted → under review (the unit in charge took it up) → forwarded to the Sở → approved / refused;
  withdrawn (by the requester or the unit) at any time before the decision. A request addressed to the Sở itself
  is decided from "under review" without forwarding.
- :class:`Decision` — the Sở's written answer (Điều 3.3): consent with its document number, date, signer and scan,
  the fields and units approved (never wider than asked), whether personal IDs / health data are included (only if
  the consent names them), when the release expires and how many downloads it allows; or a refusal with a reason.
  A database constraint refuses an approval without the written consent's particulars.
- :class:`Release` — the generated file. It has a non-null link to the decision and copies the consent number under
  a constraint (non-empty), the builder (``services.unscoped_build_release``) refuses anything but an approved
  decision of an approved request, and the download refuses anything but a built, unrevoked, unexpired release
  with downloads left — so nothing leaves without an approval record.
- :class:`RequestEvent` — the request's timeline (who did what, when); :class:`ReleaseDownload` — every download
  and every refused attempt on a release's link (with the address), next to the audit trail's entries.

The tracking code and the download token are random secrets shown once and stored only as SHA-256 digests.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edudb.core.models import Unit
from edudb.core.scoping import Domain, ScopedQuerySet


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("Mới tiếp nhận")
    UNDER_REVIEW = "under_review", _("Đang xem xét")
    FORWARDED = "forwarded", _("Đã chuyển Sở quyết định")
    APPROVED = "approved", _("Sở đồng ý cung cấp")
    REFUSED = "refused", _("Sở không đồng ý")
    WITHDRAWN = "withdrawn", _("Đã rút yêu cầu")


OPEN_STATES = (RequestState.SUBMITTED, RequestState.UNDER_REVIEW, RequestState.FORWARDED)


class Channel(models.TextChoices):
    PUBLIC = "public", _("Gửi qua trang công khai")
    PAPER = "paper", _("Đơn vị nhập từ văn bản giấy")


class FileFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (.xlsx)")
    CSV = "csv", _("CSV (nén .zip)")


class DataRequest(models.Model):
    """An outside party's request for data (đề nghị cung cấp dữ liệu, Điều 10.6)."""

    scope_unit_field: ClassVar[str] = "unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    number = models.CharField(_("số yêu cầu"), max_length=20, unique=True)
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="data_requests", verbose_name=_("đơn vị tiếp nhận, quản lý")
    )
    channel = models.CharField(_("hình thức gửi"), max_length=10, choices=Channel.choices)
    requester_name = models.CharField(_("họ và tên người đề nghị"), max_length=120)
    requester_organisation = models.CharField(_("cơ quan, tổ chức"), max_length=255)
    requester_email = models.EmailField(_("thư điện tử"), blank=True)
    requester_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    purpose = models.TextField(_("mục đích sử dụng"))
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    wanted_fields = models.JSONField(_("trường dữ liệu đề nghị"), default=list)
    wanted_units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("đơn vị đề nghị lấy dữ liệu"))
    school_year = models.ForeignKey(
        "reporting.SchoolYear", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("năm học")
    )
    period_note = models.CharField(_("khoảng thời gian"), max_length=120, blank=True)
    file_format = models.CharField(_("định dạng tệp"), max_length=4, choices=FileFormat.choices)
    keep_until = models.DateField(_("lưu giữ dữ liệu đến ngày"))
    tracking_hash = models.CharField(max_length=64, editable=False)
    state = models.CharField(_("trạng thái"), max_length=15, choices=RequestState.choices)
    created_at = models.DateTimeField(_("tiếp nhận lúc"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("người nhập")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("yêu cầu khai thác dữ liệu")
        verbose_name_plural = _("yêu cầu khai thác dữ liệu")
        indexes = [models.Index(fields=["unit", "state"], name="sharing_request_unit_state")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class RequestEvent(models.Model):
    """One line of a request's timeline."""

    scope_unit_field: ClassVar[str] = "request__unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    request = models.ForeignKey(DataRequest, models.CASCADE, related_name="events")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    state = models.CharField(max_length=15, choices=RequestState.choices)
    text = models.CharField(max_length=255)
    note = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Đồng ý cung cấp")
    REFUSED = "refused", _("Không đồng ý")


class Decision(models.Model):
    """The Sở's written decision on a request (Điều 3.2–3.3)."""

    scope_unit_field: ClassVar[str] = "request__unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    request = models.OneToOneField(DataRequest, models.PROTECT, related_name="decision")
    outcome = models.CharField(_("quyết định"), max_length=10, choices=Outcome.choices)
    document_number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    signer = models.CharField(_("người ký"), max_length=120, blank=True)
    scan = models.FileField(_("bản scan văn bản"), upload_to="sharing/consents/%Y/", max_length=255, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    approved_fields = models.JSONField(_("trường dữ liệu được cung cấp"), default=list)
    approved_units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("đơn vị được cung cấp"))
    include_personal_ids = models.BooleanField(_("cung cấp số định danh cá nhân"), default=False)
    include_health = models.BooleanField(_("cung cấp dữ liệu sức khỏe"), default=False)
    release_expires_on = models.DateField(_("liên kết tải hết hạn ngày"), null=True, blank=True)
    max_downloads = models.PositiveSmallIntegerField(_("số lần tải tối đa"), null=True, blank=True)
    decided_at = models.DateTimeField(_("quyết định lúc"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("người ghi quyết định")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quyết định của Sở")
        verbose_name_plural = _("quyết định của Sở")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(outcome="refused") & ~models.Q(reason="")
                    | models.Q(outcome="approved")
                    & ~models.Q(document_number="")
                    & models.Q(document_date__isnull=False)
                    & ~models.Q(signer="")
                    & ~models.Q(scan="")
                    & models.Q(release_expires_on__isnull=False)
                    & models.Q(max_downloads__gte=1)
                ),
                name="sharing_decision_has_written_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.number}: {self.get_outcome_display()}"


class ReleaseState(models.TextChoices):
    QUEUED = "queued", _("Đang tạo tệp")
    READY = "ready", _("Sẵn sàng tải")
    FAILED = "failed", _("Tạo tệp không thành công")
    REVOKED = "revoked", _("Đã thu hồi")


class Release(models.Model):
    """The file an approved request produces, and its download link's limits."""

    scope_unit_field: ClassVar[str] = "request__unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    request = models.OneToOneField(DataRequest, models.PROTECT, related_name="release")
    decision = models.ForeignKey(Decision, models.PROTECT, related_name="releases")
    consent_number = models.CharField(_("số văn bản đồng ý"), max_length=60)
    state = models.CharField(_("trạng thái"), max_length=10, choices=ReleaseState.choices)
    file = models.FileField(_("tệp"), upload_to="sharing/releases/%Y/", max_length=255, blank=True)
    file_name = models.CharField(max_length=120, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    message = models.CharField(max_length=255, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    max_downloads = models.PositiveSmallIntegerField(_("số lần tải tối đa"))
    downloads = models.PositiveSmallIntegerField(_("số lần đã tải"), default=0)
    created_at = models.DateTimeField()
    built_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    revoke_reason = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản cung cấp dữ liệu")
        verbose_name_plural = _("bản cung cấp dữ liệu")
        constraints = [
            models.CheckConstraint(condition=~models.Q(consent_number=""), name="sharing_release_needs_consent"),
            models.CheckConstraint(
                condition=models.Q(downloads__lte=models.F("max_downloads")), name="sharing_release_download_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.number} ({self.get_state_display()})"

    @property
    def downloads_left(self) -> int:
        return max(self.max_downloads - self.downloads, 0)


class ReleaseDownload(models.Model):
    """One attempt at a release's link: a download, or a refusal with its reason."""

    scope_unit_field: ClassVar[str] = "release__request__unit"
    scope_domain: ClassVar[Domain] = Domain.UNITS

    release = models.ForeignKey(Release, models.CASCADE, related_name="attempts")
    at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    ok = models.BooleanField()
    reason = models.CharField(max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {'ok' if self.ok else self.reason}"
