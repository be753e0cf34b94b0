"""Every operation on a data request and its release (R8.2): atomic, audited, refusing with a Vietnamese reason.

Who does what:
- **Filing**: anyone on the public page (``unscoped_file_public``), or a signed-in account of the unit that received
  the request on paper (``enter_request``; the unit in charge is the account's unit — for a Sở office, the Sở).
  The units asked for must lie under the unit in charge (and, when entered by an account, in its scope); every field
  must be in the catalogue. Otherwise the request is refused, audited (``sharing.request_refused``), nothing saved.
- **Review and forwarding** at the unit in charge: accounts that reach it with "Duyệt báo cáo của đơn vị cấp dưới"
  (``Function.APPROVE``) — the function the units already grant for decisions on data going up the hierarchy.
- **Decision**: only accounts of the Sở itself (category department) holding ``Function.APPROVE``; an approval
  needs the written consent (number, date, signer, scan checked by content and size) and may only narrow the
  request (fields and units), never widen it.
- **Release**: made by ``unscoped_build_release`` in the worker (``tasks.build_release_task``); the requester takes
  a one-time link on the status page (number + tracking code); every download and refused attempt is logged and
  audited; the Sở revokes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import tempfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.core import audit, uploads
from edudb.core.models import Category, Unit, subtree_q
from edudb.core.notifications import notify, unscoped_accounts_holding
from edudb.core.scoping import Domain, Function, reaches, scope_for
from edudb.sharing import catalogue
from edudb.sharing.models import (
    OPEN_STATES,
    Channel,
    DataRequest,
    Decision,
    Outcome,
    Release,
    ReleaseDownload,
    ReleaseState,
    RequestEvent,
    RequestState,
)

SCAN_MAX_BYTES = 5 * 1024 * 1024
MAX_KEEP_YEARS = 5
MAX_RELEASE_DAYS = 90
MAX_DOWNLOADS = 20
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_SCAN_KINDS = frozenset({"pdf", "png", "jpeg"})


def digest(secret: str) -> str:
    return hashlib.sha256(secret.strip().upper().encode()).hexdigest()


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def department() -> Unit:
    """The Sở (the root of the unit tree)."""
    unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None:  # pragma: no cover - the unit tree always has its root
        raise LookupError("no root unit")
    return unit


def is_department_decider(user: Any) -> bool:
    scope = scope_for(user)
    return bool(scope and scope.allows(Function.APPROVE) and scope.unit.kind.category == Category.DEPARTMENT)


def sniff_scan(upload: Any) -> str:
    """The kind of a consent scan by its first bytes (PDF, PNG or JPEG) and its size; anything else is refused."""
    if upload is None:
        raise ValidationError({"scan": _("Bản scan văn bản đồng ý: chưa chọn tệp. Hãy chọn tệp PDF, PNG hoặc JPG.")})
    if upload.size > SCAN_MAX_BYTES:
        raise ValidationError({"scan": _("Bản scan văn bản đồng ý: tệp quá lớn (tối đa 5 MB). Hãy scan lại nhỏ hơn.")})
    kind = uploads.sniff(upload, _SCAN_KINDS)
    if kind is not None:
        return kind
    raise ValidationError(
        {"scan": _("Bản scan văn bản đồng ý: tệp không phải PDF, PNG hay JPG (xét theo nội dung tệp). Hãy chọn lại.")}
    )


def resolve_units(codes: str, *, within: QuerySet[Unit], addressed: Unit) -> list[Unit]:
    """The units named by ``codes`` (separated by commas, semicolons, spaces or lines); empty = the unit in charge.
    Every code must exist and lie in ``within`` (the unit in charge's subtree, and the account's scope)."""
    wanted = [code.strip().upper() for code in codes.replace(";", ",").replace("\n", ",").split(",") if code.strip()]
    wanted = list(dict.fromkeys(part for code in wanted for part in code.split()))
    if not wanted:
        return [addressed]
    if len(wanted) > 500:
        raise ValidationError(
            {"unit_codes": _("Mã đơn vị: tối đa 500 mã. Hãy chọn đơn vị cấp trên thay cho từng trường.")}
        )
    found = {unit.code.upper(): unit for unit in within.filter(code__in=wanted)}
    outside = [code for code in wanted if code not in found]
    if outside:
        raise ValidationError(
            {
                "unit_codes": _(
                    "Mã đơn vị: %(codes)s không thuộc phạm vi quản lý của %(unit)s (hoặc không có). Hãy bỏ các mã này "
                    "hoặc gửi yêu cầu đến đơn vị quản lý chúng."
                )
                % {"codes": ", ".join(outside[:20]), "unit": addressed.name}
            }
        )
    return [found[code] for code in wanted]


def _check_content(*, fields: list[str], keep_until: dt.date, file_format: str) -> None:
    errors: dict[str, str] = {}
    if not fields:
        errors["wanted_fields"] = _("Trường dữ liệu: hãy chọn ít nhất một trường dữ liệu cần khai thác.")
    elif catalogue.unknown(fields):
        errors["wanted_fields"] = _("Trường dữ liệu: %(f)s không có trong danh mục được khai thác. Hãy chọn lại.") % {
            "f": ", ".join(catalogue.unknown(fields)[:10])
        }
    today = timezone.localdate()
    if keep_until <= today:
        errors["keep_until"] = _("Lưu giữ đến ngày: phải sau ngày hôm nay.")
    elif keep_until > today.replace(year=today.year + MAX_KEEP_YEARS):
        errors["keep_until"] = _("Lưu giữ đến ngày: tối đa %(n)s năm kể từ hôm nay.") % {"n": MAX_KEEP_YEARS}
    if file_format not in ("xlsx", "csv"):
        errors["file_format"] = _("Định dạng tệp: chỉ nhận Excel (.xlsx) hoặc CSV.")
    if errors:
        raise ValidationError(errors)


def _next_number(year: int) -> str:
    prefix = f"YC-{year}-"
    last = DataRequest.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    latest = last.first()
    return f"{prefix}{(int(latest.rsplit('-', 1)[1]) + 1 if latest else 1):04d}"


def _event(request: DataRequest, *, by: Any, text: str, note: str = "") -> None:
    RequestEvent.objects.create(
        request=request,
        at=timezone.now(),
        by=by if getattr(by, "is_authenticated", False) else None,
        state=request.state,
        text=text[:255],
        note=note,
    )


def _detail_url(request: DataRequest) -> str:
    return reverse("sharing:detail", kwargs={"pk": request.pk})


def _notify_unit(unit: Unit, *, title: str, body: str, request: DataRequest) -> None:
    notify(
        unscoped_accounts_holding([unit.pk], Function.APPROVE),
        kind="sharing",
        title=title,
        body=body,
        url=_detail_url(request),
        unit=unit,
    )


def audit_refusal(*, by: Any, what: str, reason: str, obj: Any = None, unit: Unit | None = None) -> None:
    """One audit entry for a refused request, decision or download (the posted data is never recorded)."""
    audit.record("sharing.refused", by=by, obj=obj, unit=unit, extra={"what": what, "reason": reason[:500]})


def _create(
    *,
    by: Any,
    unit: Unit,
    channel: str,
    units: list[Unit],
    data: dict[str, Any],
) -> tuple[DataRequest, str]:
    fields = list(dict.fromkeys(data["wanted_fields"]))
    _check_content(fields=fields, keep_until=data["keep_until"], file_format=data["file_format"])
    code = new_tracking_code()
    now = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                request = DataRequest.objects.create(
                    number=_next_number(timezone.localdate().year),
                    unit=unit,
                    channel=channel,
                    requester_name=data["requester_name"],
                    requester_organisation=data["requester_organisation"],
                    requester_email=data.get("requester_email", ""),
                    requester_phone=data.get("requester_phone", ""),
                    purpose=data["purpose"],
                    legal_basis=data["legal_basis"],
                    wanted_fields=fields,
                    school_year=data.get("school_year"),
                    period_note=data.get("period_note", ""),
                    file_format=data["file_format"],
                    keep_until=data["keep_until"],
                    tracking_hash=digest(code),
                    state=RequestState.SUBMITTED,
                    created_at=now,
                    created_by=by if getattr(by, "is_authenticated", False) else None,
                )
                request.wanted_units.set(units)
                _event(request, by=by, text=str(Channel(channel).label))
                audit.record(
                    "sharing.submit",
                    by=by,
                    obj=request,
                    username=None if getattr(by, "is_authenticated", False) else "public",
                    extra={
                        "number": request.number,
                        "channel": channel,
                        "databases": catalogue.databases_of(fields),
                        "fields": len(fields),
                        "units": [u.code for u in units],
                    },
                )
                _notify_unit(
                    unit,
                    title=_("Yêu cầu khai thác dữ liệu mới %(n)s") % {"n": request.number},
                    body=_("%(who)s (%(org)s) đề nghị cung cấp dữ liệu. Hãy xem xét và chuyển Sở quyết định.")
                    % {"who": request.requester_name, "org": request.requester_organisation},
                    request=request,
                )
                return request, code
        except IntegrityError:  # two requests numbered at once: take the next number
            continue
    raise ValidationError(_("Hệ thống đang bận, chưa cấp được số yêu cầu. Hãy gửi lại sau ít phút."))


def public_addressees() -> QuerySet[Unit]:
    """The units a public request may be addressed to: the Sở and the managing units (Điều 10.6)."""
    return Unit.objects.filter(is_active=True, kind__category__in=(Category.DEPARTMENT, Category.MANAGER)).order_by(
        "path"
    )


def unscoped_file_public(*, data: dict[str, Any], addressed: Unit | None, unit_codes: str) -> tuple[DataRequest, str]:
    """A request filed on the public page; answers the request and its tracking code (shown once)."""
    unit = addressed or department()
    if not public_addressees().filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("Đơn vị tiếp nhận: hãy chọn Sở hoặc một đơn vị quản lý trong danh sách.")})
    units = resolve_units(unit_codes, within=Unit.objects.filter(subtree_q(unit.path), is_active=True), addressed=unit)
    return _create(by=None, unit=unit, channel=Channel.PUBLIC, units=units, data=data)


def unit_in_charge_for(user: Any) -> Unit:
    """The unit that receives a paper request entered by ``user``: its unit, or the Sở for a Sở office."""
    unit: Unit = user.unit
    if unit.kind.category == Category.OFFICE and unit.parent is not None:
        return unit.parent
    return unit


def enter_request(*, by: Any, data: dict[str, Any], unit_codes: str) -> tuple[DataRequest, str]:
    """A request received on paper, entered by an account of the unit that received it."""
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("Hãy đăng nhập để nhập yêu cầu."))
    unit = unit_in_charge_for(by)
    if not reaches(by, unit, Function.VIEW, Domain.UNITS):
        raise PermissionDenied(
            _("Tài khoản chưa được giao chức năng «Xem dữ liệu» của %(unit)s nên không nhập được yêu cầu.")
            % {"unit": unit.name}
        )
    within = Unit.objects.visible_to(by, Function.VIEW).filter(subtree_q(unit.path))
    units = resolve_units(unit_codes, within=within, addressed=unit)
    return _create(by=by, unit=unit, channel=Channel.PAPER, units=units, data=data)


def _locked(request: DataRequest) -> DataRequest:
    return DataRequest.objects.select_for_update().select_related("unit__kind").get(pk=request.pk)


def _may_handle(by: Any, request: DataRequest) -> None:
    if not reaches(by, request.unit, Function.APPROVE, Domain.UNITS):
        raise PermissionDenied(
            _("Chỉ tài khoản được giao chức năng «Duyệt báo cáo của đơn vị cấp dưới» của %(unit)s xử lý yêu cầu này.")
            % {"unit": request.unit.name}
        )


@transaction.atomic
def take_up(*, request: DataRequest, by: Any) -> DataRequest:
    """The unit in charge starts reviewing a new request."""
    request = _locked(request)
    _may_handle(by, request)
    if request.state != RequestState.SUBMITTED:
        raise ValidationError(
            _("Yêu cầu đang ở trạng thái «%(s)s», không nhận xem xét được nữa.") % {"s": request.get_state_display()}
        )
    request.state = RequestState.UNDER_REVIEW
    request.save(update_fields=["state"])
    _event(request, by=by, text=_("Đơn vị tiếp nhận bắt đầu xem xét"))
    audit.record("sharing.take_up", by=by, obj=request, extra={"number": request.number})
    return request


@transaction.atomic
def forward(*, request: DataRequest, by: Any, note: str) -> DataRequest:
    """The unit in charge forwards a reviewed request to the Sở, with its opinion."""
    request = _locked(request)
    _may_handle(by, request)
    if request.unit.parent_id is None:
        raise ValidationError(_("Yêu cầu gửi thẳng đến Sở: Sở quyết định ngay, không cần chuyển."))
    if request.state != RequestState.UNDER_REVIEW:
        raise ValidationError(
            _("Chỉ chuyển Sở được yêu cầu đang xem xét (hiện: «%(s)s»). Hãy bấm «Nhận xem xét» trước.")
            % {"s": request.get_state_display()}
        )
    if not note.strip():
        raise ValidationError({"note": _("Ý kiến của đơn vị: hãy ghi ý kiến đề xuất khi chuyển Sở.")})
    request.state = RequestState.FORWARDED
    request.save(update_fields=["state"])
    _event(request, by=by, text=_("Chuyển Sở quyết định"), note=note)
    audit.record("sharing.forward", by=by, obj=request, extra={"number": request.number})
    _notify_unit(
        department(),
        title=_("Yêu cầu khai thác dữ liệu %(n)s chờ Sở quyết định") % {"n": request.number},
        body=_("%(unit)s chuyển yêu cầu của %(org)s.")
        % {"unit": request.unit.name, "org": request.requester_organisation},
        request=request,
    )
    return request


def _decidable(request: DataRequest) -> bool:
    if request.state == RequestState.FORWARDED:
        return True
    return request.unit.parent_id is None and request.state in (RequestState.SUBMITTED, RequestState.UNDER_REVIEW)


@dataclass
class Consent:
    document_number: str
    document_date: dt.date
    signer: str
    scan: Any
    fields: list[str]
    units: list[Unit]
    include_personal_ids: bool
    include_health: bool
    expires_on: dt.date
    max_downloads: int


def _scan_name(request: DataRequest, upload: Any) -> str:
    """A stored name nobody can guess (media files are never served by URL, but a name must not tell either)."""
    extension = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}[sniff_scan(upload)]
    return f"{request.number}-{secrets.token_hex(16)}.{extension}"


def _check_consent(request: DataRequest, consent: Consent) -> None:
    errors: dict[str, str] = {}
    for name, label in (("document_number", _("Số văn bản")), ("signer", _("Người ký"))):
        if not str(getattr(consent, name) or "").strip():
            errors[name] = _("%(l)s: bắt buộc khi Sở đồng ý (văn bản đồng ý, Điều 3.3).") % {"l": label}
    today = timezone.localdate()
    if consent.document_date is None or consent.document_date > today:
        errors["document_date"] = _("Ngày văn bản: bắt buộc và không được sau hôm nay.")
    if not consent.fields:
        errors["approved_fields"] = _("Trường dữ liệu được cung cấp: hãy chọn ít nhất một trường.")
    wider = [key for key in consent.fields if key not in request.wanted_fields]
    if wider:
        errors["approved_fields"] = _(
            "Trường dữ liệu được cung cấp: %(f)s không có trong yêu cầu. Sở chỉ được thu hẹp, không mở rộng yêu cầu."
        ) % {"f": ", ".join(wider[:10])}
    asked = set(request.wanted_units.values_list("pk", flat=True))
    if not consent.units:
        errors["approved_units"] = _("Đơn vị được cung cấp: hãy chọn ít nhất một đơn vị.")
    elif any(unit.pk not in asked for unit in consent.units):
        errors["approved_units"] = _("Đơn vị được cung cấp: chỉ chọn trong các đơn vị bên đề nghị đã nêu.")
    if consent.expires_on is None or consent.expires_on < today:
        errors["expires_on"] = _("Liên kết tải hết hạn ngày: phải từ hôm nay trở đi.")
    elif consent.expires_on > today + dt.timedelta(days=MAX_RELEASE_DAYS):
        errors["expires_on"] = _("Liên kết tải hết hạn ngày: tối đa %(n)s ngày kể từ hôm nay.") % {
            "n": MAX_RELEASE_DAYS
        }
    if not consent.max_downloads or not 1 <= consent.max_downloads <= MAX_DOWNLOADS:
        errors["max_downloads"] = _("Số lần tải tối đa: từ 1 đến %(n)s.") % {"n": MAX_DOWNLOADS}
    if errors:
        raise ValidationError(errors)
    sniff_scan(consent.scan)


def _may_decide(by: Any, request: DataRequest) -> None:
    if not is_department_decider(by):
        raise PermissionDenied(
            _(
                "Chỉ Sở Giáo dục và Đào tạo quyết định cung cấp dữ liệu (Điều 3.2–3.3): tài khoản của Sở được giao "
                "chức năng «Duyệt báo cáo của đơn vị cấp dưới»."
            )
        )
    if not _decidable(request):
        raise ValidationError(
            _("Yêu cầu đang ở trạng thái «%(s)s»: Sở chỉ quyết định yêu cầu đã được đơn vị tiếp nhận chuyển lên.")
            % {"s": request.get_state_display()}
        )


@transaction.atomic
def approve(*, request: DataRequest, by: Any, consent: Consent) -> Release:
    """The Sở's written consent: records the decision and queues the release (built after commit)."""
    request = _locked(request)
    _may_decide(by, request)
    _check_consent(request, consent)
    ids_named = bool(catalogue.sensitive(consent.fields, catalogue.Sensitivity.PERSONAL_ID))
    health_named = bool(catalogue.sensitive(consent.fields, catalogue.Sensitivity.HEALTH))
    now = timezone.now()
    decision = Decision(
        request=request,
        outcome=Outcome.APPROVED,
        document_number=consent.document_number.strip(),
        document_date=consent.document_date,
        signer=consent.signer.strip(),
        approved_fields=[key for key in request.wanted_fields if key in set(consent.fields)],
        include_personal_ids=consent.include_personal_ids and ids_named,
        include_health=consent.include_health and health_named,
        release_expires_on=consent.expires_on,
        max_downloads=consent.max_downloads,
        decided_at=now,
        decided_by=by,
    )
    decision.scan.save(_scan_name(request, consent.scan), consent.scan, save=False)
    decision.save()
    decision.approved_units.set(consent.units)
    request.state = RequestState.APPROVED
    request.save(update_fields=["state"])
    expires = timezone.make_aware(dt.datetime.combine(consent.expires_on, dt.time(23, 59, 59)))
    release = Release.objects.create(
        request=request,
        decision=decision,
        consent_number=decision.document_number,
        state=ReleaseState.QUEUED,
        expires_at=expires,
        max_downloads=consent.max_downloads,
        created_at=now,
    )
    _event(
        request,
        by=by,
        text=_("Sở đồng ý cung cấp (văn bản số %(d)s)") % {"d": decision.document_number},
    )
    audit.record(
        "sharing.approve",
        by=by,
        obj=request,
        extra={
            "number": request.number,
            "document": decision.document_number,
            "fields": decision.approved_fields,
            "units": [u.code for u in consent.units],
            "personal_ids": decision.include_personal_ids,
            "health": decision.include_health,
            "expires_on": consent.expires_on.isoformat(),
            "max_downloads": consent.max_downloads,
        },
    )
    _notify_unit(
        request.unit,
        title=_("Sở đồng ý cung cấp dữ liệu theo yêu cầu %(n)s") % {"n": request.number},
        body=_("Văn bản số %(d)s. Bên đề nghị lấy liên kết tải trên trang tra cứu yêu cầu.")
        % {"d": decision.document_number},
        request=request,
    )
    from edudb.sharing.tasks import build_release_task

    pk = release.pk
    transaction.on_commit(lambda: build_release_task.enqueue(pk))
    return release


@transaction.atomic
def refuse(*, request: DataRequest, by: Any, reason: str, document_number: str = "", scan: Any = None) -> Decision:
    """The Sở refuses, with its reason (a document is optional)."""
    request = _locked(request)
    _may_decide(by, request)
    if not reason.strip():
        raise ValidationError({"reason": _("Lý do không đồng ý: bắt buộc, bên đề nghị sẽ được thông báo lý do.")})
    if scan:
        sniff_scan(scan)
    decision = Decision(
        request=request,
        outcome=Outcome.REFUSED,
        reason=reason.strip(),
        document_number=document_number.strip(),
        decided_at=timezone.now(),
        decided_by=by,
    )
    if scan:
        decision.scan.save(_scan_name(request, scan), scan, save=False)
    decision.save()
    request.state = RequestState.REFUSED
    request.save(update_fields=["state"])
    _event(request, by=by, text=_("Sở không đồng ý"), note=reason)
    audit.record("sharing.refuse", by=by, obj=request, extra={"number": request.number})
    _notify_unit(
        request.unit,
        title=_("Sở không đồng ý cung cấp dữ liệu theo yêu cầu %(n)s") % {"n": request.number},
        body=reason,
        request=request,
    )
    return decision


@transaction.atomic
def withdraw(*, request: DataRequest, by: Any, reason: str) -> DataRequest:
    """Withdraw an open request: by the unit in charge (signed in) or the requester (by the tracking code)."""
    request = _locked(request)
    if getattr(by, "is_authenticated", False):
        _may_handle(by, request)
    if request.state not in OPEN_STATES:
        raise ValidationError(_("Yêu cầu đã «%(s)s», không rút được nữa.") % {"s": request.get_state_display()})
    request.state = RequestState.WITHDRAWN
    request.save(update_fields=["state"])
    _event(request, by=by, text=_("Rút yêu cầu"), note=reason)
    audit.record(
        "sharing.withdraw",
        by=by,
        obj=request,
        username=None if getattr(by, "is_authenticated", False) else "public",
        extra={"number": request.number},
    )
    return request


@transaction.atomic
def revoke(*, release: Release, by: Any, reason: str) -> Release:
    """The Sở revokes a release: the link stops working at once and the file is deleted."""
    release = Release.objects.select_for_update().select_related("request").get(pk=release.pk)
    if not is_department_decider(by):
        raise PermissionDenied(_("Chỉ Sở thu hồi được dữ liệu đã cung cấp."))
    if release.state == ReleaseState.REVOKED:
        raise ValidationError(_("Bản cung cấp này đã bị thu hồi trước đó."))
    if not reason.strip():
        raise ValidationError({"reason": _("Lý do thu hồi: bắt buộc.")})
    release.state = ReleaseState.REVOKED
    release.revoked_at = timezone.now()
    release.revoked_by = by
    release.revoke_reason = reason.strip()
    if release.file:
        release.file.delete(save=False)
    release.save()
    _event(release.request, by=by, text=_("Sở thu hồi dữ liệu đã cung cấp"), note=reason)
    audit.record("sharing.revoke", by=by, obj=release.request, extra={"number": release.request.number})
    return release


# --- the release -----------------------------------------------------------------------------------------------------


class NoApproval(PermissionDenied):
    """A release was to be built without an approved decision behind it."""


def unscoped_build_release(release: Release) -> Release:
    """Write the release's file — only for an approved request with an approved decision recorded."""
    release = Release.objects.select_related("request__school_year", "decision").get(pk=release.pk)
    request, decision = release.request, release.decision
    approved = (
        Decision.objects.filter(pk=release.decision_id, request_id=request.pk, outcome=Outcome.APPROVED)
        .exclude(document_number="")
        .exists()
    )
    if not approved or request.state != RequestState.APPROVED:
        audit_refusal(by=None, what="release.build", reason="no_approval", obj=request)
        raise NoApproval(
            _("Không có văn bản đồng ý của Sở cho yêu cầu %(n)s: không tạo dữ liệu.") % {"n": request.number}
        )
    if release.state != ReleaseState.QUEUED:
        return release
    from edudb.sharing import release as writer

    with tempfile.TemporaryFile() as scratch:
        name, rows = writer.write(request, decision, scratch)
        scratch.seek(0)
        checksum = hashlib.file_digest(scratch, "sha256").hexdigest()
        scratch.seek(0)
        with transaction.atomic():
            fresh = Release.objects.select_for_update().get(pk=release.pk)
            if fresh.state != ReleaseState.QUEUED:  # revoked meanwhile: write nothing
                return fresh
            fresh.file.save(f"{secrets.token_hex(16)}-{name}", File(scratch, name=name), save=False)
            return _finish(fresh, request, name=name, rows=rows, checksum=checksum)


def _finish(fresh: Release, request: DataRequest, *, name: str, rows: int, checksum: str) -> Release:
    """Mark a written release ready (inside the caller's transaction) and audit it."""
    fresh.file_name = name
    fresh.sha256 = checksum
    fresh.rows = rows
    fresh.state = ReleaseState.READY
    fresh.built_at = timezone.now()
    fresh.save()
    audit.record(
        "sharing.release_built",
        by=None,
        username="system",
        obj=request,
        extra={"number": request.number, "rows": rows, "sha256": checksum, "format": request.file_format},
    )
    return fresh


def unscoped_find_request(number: str, code: str) -> DataRequest | None:
    """The request a requester names by its number and tracking code (both needed; a wrong code finds nothing)."""
    request = DataRequest.objects.select_related("unit").filter(number=number.strip().upper()).first()
    if request is None or not hmac.compare_digest(request.tracking_hash, digest(code)):
        return None
    return request


def unscoped_request_by_pk(pk: int) -> DataRequest | None:
    """A request by its id — only for a session that proved its number and tracking code (public status page)."""
    return DataRequest.objects.select_related("unit").filter(pk=pk).first()


def unscoped_release_of(request: DataRequest) -> Release | None:
    return Release.objects.filter(request=request).first()


def _usable(release: Release) -> str:
    """'' when the link may be used now, else the reason."""
    if release.state == ReleaseState.REVOKED:
        return "revoked"
    if release.expires_at <= timezone.now():
        return "expired"
    if release.downloads >= release.max_downloads:
        return "exhausted"
    if release.state != ReleaseState.READY or not release.file:
        return "not_ready"
    return ""


@transaction.atomic
def unscoped_issue_link(request: DataRequest) -> str:
    """A fresh download token for the requester (any earlier link stops working); shown once, stored hashed."""
    request = DataRequest.objects.get(pk=request.pk)
    release = Release.objects.select_for_update().filter(request=request).first()
    if release is None or request.state != RequestState.APPROVED:
        raise ValidationError(_("Yêu cầu chưa được Sở đồng ý: chưa có dữ liệu để tải."))
    reason = _usable(release)
    if reason:
        audit_refusal(by=None, what="release.link", reason=reason, obj=request)
        raise ValidationError(str(REFUSALS[reason]))
    token = secrets.token_urlsafe(32)
    release.token_hash = hashlib.sha256(token.encode()).hexdigest()
    release.link_issued_at = timezone.now()
    release.save(update_fields=["token_hash", "link_issued_at"])
    audit.record("sharing.link_issued", by=None, username="public", obj=request, extra={"number": request.number})
    return token


REFUSALS = {
    "unknown": gettext_lazy(
        "Liên kết tải không đúng hoặc đã được thay bằng liên kết mới. Hãy lấy lại liên kết trên trang tra cứu yêu cầu."
    ),
    "revoked": gettext_lazy("Sở đã thu hồi dữ liệu của yêu cầu này; liên kết không còn dùng được."),
    "expired": gettext_lazy("Liên kết tải đã hết hạn. Nếu còn cần dữ liệu, hãy gửi yêu cầu mới."),
    "exhausted": gettext_lazy(
        "Đã tải hết số lần được phép. Nếu còn cần dữ liệu, hãy liên hệ đơn vị tiếp nhận yêu cầu."
    ),
    "not_ready": gettext_lazy("Tệp dữ liệu chưa sẵn sàng. Hãy thử lại sau ít phút."),
}


class DownloadRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = str(REFUSALS[reason])


def unscoped_open_download(token: str, *, ip: str | None) -> Release:
    """Count one download of the release behind ``token`` (logged and audited) and answer it; a refusal raises
    :class:`DownloadRefused` after logging and auditing it."""
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    with transaction.atomic():
        release = (
            Release.objects.select_for_update().select_related("request").filter(token_hash=token_hash).first()
            if token
            else None
        )
        if release is None:
            reason = "unknown"
        else:
            reason = _usable(release)
        now = timezone.now()
        if not reason and release is not None:
            release.downloads += 1
            release.save(update_fields=["downloads"])
            ReleaseDownload.objects.create(release=release, at=now, ip=ip, ok=True)
            audit.record(
                "sharing.download",
                by=None,
                username="public",
                obj=release.request,
                extra={"number": release.request.number, "count": release.downloads, "of": release.max_downloads},
            )
            return release
    # The refusal is recorded in a transaction of its own (nothing else was written).
    with transaction.atomic():
        if release is not None:
            ReleaseDownload.objects.create(release=release, at=timezone.now(), ip=ip, ok=False, reason=reason)
        audit_refusal(by=None, what="release.download", reason=reason, obj=release.request if release else None)
    raise DownloadRefused(reason)


@transaction.atomic
def retry_release(*, release: Release, by: Any) -> Release:
    """The Sở queues a failed release again."""
    release = Release.objects.select_for_update().select_related("request").get(pk=release.pk)
    if not is_department_decider(by):
        raise PermissionDenied(_("Chỉ Sở tạo lại được tệp dữ liệu."))
    if release.state != ReleaseState.FAILED:
        raise ValidationError(_("Chỉ tạo lại được tệp đã tạo không thành công."))
    release.state = ReleaseState.QUEUED
    release.message = ""
    release.save(update_fields=["state", "message"])
    audit.record("sharing.release_retry", by=by, obj=release.request, extra={"number": release.request.number})
    from edudb.sharing.tasks import build_release_task

    pk = release.pk
    transaction.on_commit(lambda: build_release_task.enqueue(pk))
    return release


def unscoped_purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the files of releases whose link expired (the rows, the log and the audit trail stay)."""
    now = now or timezone.now()
    removed = 0
    for release in Release.objects.filter(expires_at__lte=now).exclude(file="").select_related("request"):
        with transaction.atomic():
            release.file.delete(save=False)
            release.save(update_fields=["file"])
            audit.record(
                "sharing.release_purged",
                by=None,
                username="system",
                obj=release.request,
                extra={"number": release.request.number},
            )
        removed += 1
    return removed
