"""Incident reports as services (R9.2; Điều 7.2): report, triage, work, resolve, close, reopen, comment, the
security reports, and deadline extensions granted from an incident.

Each operation is one transaction that writes the incident, a line of its timeline (``IncidentEvent``) and an entry
of the audit trail, and notifies whom it concerns. Refusals are ``ValidationError`` (naming the field and the fix)
or ``PermissionDenied`` (saying who does it instead), in Vietnamese; nothing is written when one is raised.

Who does what:
- any account holding "view" reports an incident for its **own** unit, naming affected units within its reach;
- whoever sees an incident comments on it and adds screenshots while it is open;
- **the Sở handles incidents**: an account of the Sở's own unit (category "department") holding the function
  "Quản lý tài khoản khai thác" (admins hold every function) — Điều 11.2 makes the Sở the technical focal point that
  administers the software and the accounts. It triages (confirms the severity, flags a security incident, assigns
  a Sở account), starts work, resolves (with the resolution), adds affected units and records the security reports;
- the reporting unit or the Sở closes a resolved incident, and either reopens a resolved or closed one (with why);
- an extension from an incident goes through ``reporting.services.grant_extension``, so the reporting rules hold:
  the manager of each unit (the Sở for the units directly under it, a commune for its schools) grants it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.models import Category, Unit, subtree_q
from edudb.core.notifications import notify, unscoped_accounts_holding
from edudb.core.scoping import Function, scope_for
from edudb.incidents import clocks
from edudb.incidents.models import (
    OPEN_STATES,
    Incident,
    IncidentCategory,
    IncidentEvent,
    IncidentSeverity,
    IncidentState,
    Screenshot,
    SecurityReport,
)
from edudb.incidents.uploads import MAX_PER_INCIDENT, CheckedImage, check_image

EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # no incident of this system happened before
HANDLER_FUNCTION = Function.MANAGE_ACCOUNTS  # see the module docstring: the Sở's technical focal point
S = IncidentState


def _moment(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "H:i d/m/Y")


# --- Who may do what -------------------------------------------------------------------------------------------------


def is_handler(user: Any) -> bool:
    """Whether ``user`` handles incidents for the Sở (triage, assign, resolve, security reports)."""
    scope = scope_for(user)
    return scope is not None and scope.unit.kind.category == Category.DEPARTMENT and scope.allows(HANDLER_FUNCTION)


def require_handler(user: Any) -> None:
    if not is_handler(user):
        raise PermissionDenied(
            _(
                "Chỉ tài khoản của Sở Giáo dục và Đào tạo được giao chức năng «Quản lý tài khoản khai thác» (đầu mối "
                "kỹ thuật) tiếp nhận, phân công và xử lý sự cố."
            )
        )


def is_of_reporting_unit(user: Any, incident: Incident) -> bool:
    scope = scope_for(user)
    return scope is not None and scope.unit.pk == incident.unit_id


def unscoped_department_of(unit: Unit) -> Unit | None:
    """The Sở above ``unit`` (or ``unit`` itself): the department on its path."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return Unit.objects.filter(pk__in=ids, kind__category=Category.DEPARTMENT).order_by("depth").first()


def unscoped_handlers(unit: Unit) -> QuerySet[Any]:
    """The accounts that handle incidents of ``unit``: the Sở's own accounts holding the handler function."""
    department = unscoped_department_of(unit)
    if department is None:
        return unscoped_accounts_holding([], HANDLER_FUNCTION)
    return unscoped_accounts_holding([department.pk], HANDLER_FUNCTION)


def assignable_accounts(user: Any) -> QuerySet[Any]:
    """The accounts an incident may be assigned to: active accounts of the Sở and its offices, as the handler sees
    them through the scoping door (accounts are reached with the "manage accounts" function)."""
    from edudb.accounts.models import Account

    return (
        Account.objects.visible_to(user, HANDLER_FUNCTION)
        .filter(is_active=True, unit__kind__category__in=(Category.DEPARTMENT, Category.OFFICE))
        .select_related("unit")
        .order_by("unit__path", "full_name")
    )


def _event(
    incident: Incident, by: Any, kind: str, *, text: str = "", from_state: str = "", to_state: str = ""
) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident, at=timezone.now(), by=by, kind=kind, text=text, from_state=from_state, to_state=to_state
    )


def _url(incident: Incident) -> str:
    return reverse("incidents:detail", args=[incident.pk])


def _tell_reporters(incident: Incident, *, kind: str, title: str, body: str = "") -> None:
    """The reporting account and the admins of the reporting unit."""
    accounts = {incident.reported_by_id: incident.reported_by}
    for account in unscoped_accounts_holding([incident.unit_id], Function.MANAGE_ACCOUNTS):
        accounts[account.pk] = account
    notify(accounts.values(), kind=kind, title=title, body=body, url=_url(incident), unit=incident.unit)


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update(of=("self",)).select_related("unit", "reported_by").get(pk=incident.pk)


# --- Reporting an incident -------------------------------------------------------------------------------------------


def _next_number(year: int) -> int:
    last = Incident.objects.filter(year=year).order_by("-sequence").values_list("sequence", flat=True).first()
    return (last or 0) + 1


def _create_numbered(*, now: dt.datetime, **values: Any) -> Incident:
    """The incident with the next number of the year; two reports taking one number at once: the later retries."""
    for _attempt in range(5):
        sequence = _next_number(now.year)
        try:
            with transaction.atomic():
                return Incident.objects.create(
                    number=Incident.format_number(now.year, sequence), year=now.year, sequence=sequence, **values
                )
        except IntegrityError:
            continue
    raise ValidationError(_("Hệ thống đang bận; hãy gửi lại báo cáo sự cố."))  # pragma: no cover


def report(
    *,
    by: Any,
    category: str,
    severity: str,
    title: str,
    description: str,
    detected_at: dt.datetime | None = None,
    started_at: dt.datetime | None = None,
    affected_units: Iterable[Unit] = (),
    screenshots: Iterable[Any] = (),
    now: dt.datetime | None = None,
) -> Incident:
    """The account's own unit reports an incident to the Sở; a security incident alerts the Sở's handlers at once
    (with the 24-hour clock) — every new incident notifies them."""
    scope = scope_for(by)
    if scope is None or not scope.allows(Function.VIEW):
        raise PermissionDenied(_("Tài khoản không thuộc đơn vị nào hoặc chưa được giao chức năng xem dữ liệu."))
    now = now or timezone.now()
    title, description = (title or "").strip(), (description or "").strip()
    errors: dict[str, str] = {}
    if category not in IncidentCategory.values:
        errors["category"] = _("Hãy chọn loại sự cố.")
    if severity not in IncidentSeverity.values:
        errors["severity"] = _("Hãy chọn mức độ ảnh hưởng của sự cố.")
    if not title:
        errors["title"] = _("Hãy tóm tắt sự cố trong một câu, ví dụ “Không đăng nhập được từ sáng nay”.")
    if not description:
        errors["description"] = _("Hãy kể sự cố xảy ra thế nào: đang làm gì, màn hình báo gì, ai bị ảnh hưởng.")
    detected_at = detected_at or now
    if detected_at > now + dt.timedelta(minutes=5):
        errors["detected_at"] = _("Thời điểm phát hiện ở tương lai; hãy ghi lúc đã phát hiện sự cố.")
    elif detected_at < EARLIEST:
        errors["detected_at"] = _("Thời điểm phát hiện quá xa trong quá khứ; hãy ghi đúng ngày giờ (dd/mm/yyyy hh:mm).")
    if started_at is not None and started_at > detected_at:
        errors["started_at"] = _("Sự cố bắt đầu sau lúc phát hiện; hãy sửa một trong hai thời điểm.")
    elif started_at is not None and started_at < EARLIEST:
        errors["started_at"] = _("Thời điểm bắt đầu quá xa trong quá khứ; hãy ghi đúng ngày giờ (dd/mm/yyyy hh:mm).")
    affected = list({u.pk: u for u in affected_units}.values())
    reachable = set(Unit.objects.visible_to(by).filter(pk__in=[u.pk for u in affected]).values_list("pk", flat=True))
    outside = [u.name for u in affected if u.pk not in reachable]
    if outside:
        errors["affected_units"] = _(
            "Chỉ chọn được đơn vị thuộc phạm vi của tài khoản; không chọn được: %(names)s."
        ) % {"names": ", ".join(outside)}
    images, image_errors = _check_images(list(screenshots), already=0)
    if image_errors:
        errors["screenshots"] = " ".join(image_errors)
    if errors:
        raise ValidationError(errors)
    unit = scope.unit
    is_security = category == IncidentCategory.SECURITY
    with transaction.atomic():
        incident = _create_numbered(
            now=now,
            unit=unit,
            reported_by=by,
            reported_at=now,
            category=category,
            severity=severity,
            title=title,
            description=description,
            started_at=started_at,
            detected_at=detected_at,
            is_security=is_security,
        )
        if affected:
            incident.affected_units.set(affected)
        _event(incident, by, IncidentEvent.Kind.REPORTED, to_state=S.REPORTED, text=description)
        for image in images:
            _store_image(incident, image, by=by, now=now)
        audit.record(
            "incidents.report",
            by=by,
            obj=incident,
            unit=unit,
            extra={
                "number": incident.number,
                "category": category,
                "severity": severity,
                "security": is_security,
                "affected": [u.pk for u in affected],
                "screenshots": len(images),
            },
        )
        _alert_handlers(incident)
    return incident


def _alert_handlers(incident: Incident) -> None:
    handlers = unscoped_handlers(incident.unit)
    if incident.is_security:
        due = incident.detected_at + dt.timedelta(hours=clocks.INITIAL_REPORT_HOURS)
        notify(
            handlers,
            kind="incidents.security",
            title=_("Sự cố an toàn thông tin %(number)s tại %(unit)s")
            % {"number": incident.number, "unit": incident.unit.name},
            body=_("%(title)s. Hạn báo cáo ban đầu: %(due)s (%(h)s giờ từ lúc phát hiện).")
            % {"title": incident.title, "due": _moment(due), "h": clocks.INITIAL_REPORT_HOURS},
            url=_url(incident),
            unit=incident.unit,
        )
        return
    notify(
        handlers,
        kind="incidents.reported",
        title=_("Sự cố %(number)s tại %(unit)s: %(title)s")
        % {"number": incident.number, "unit": incident.unit.name, "title": incident.title},
        body=incident.get_severity_display(),
        url=_url(incident),
        unit=incident.unit,
    )


def _check_images(uploads: list[Any], *, already: int) -> tuple[list[CheckedImage], list[str]]:
    checked, errors = [], []
    if already + len(uploads) > MAX_PER_INCIDENT:
        errors.append(
            _("Mỗi sự cố có tối đa %(max)s ảnh (đã có %(n)s); hãy bớt ảnh.") % {"max": MAX_PER_INCIDENT, "n": already}
        )
        return [], errors
    for upload in uploads:
        try:
            checked.append(check_image(upload))
        except ValidationError as exc:
            errors.extend(str(m) for m in exc.messages)
    return checked, errors


def _store_image(incident: Incident, image: CheckedImage, *, by: Any, now: dt.datetime) -> Screenshot:
    shot = Screenshot(
        incident=incident,
        content_type=image.content_type,
        size=image.size,
        original_name=image.name,
        uploaded_at=now,
        uploaded_by=by,
    )
    shot.file.save("screenshot", image.upload, save=False)
    shot.save()
    return shot


def add_screenshots(incident: Incident, *, by: Any, uploads: Iterable[Any]) -> list[Screenshot]:
    """More screenshots on an open incident, by whoever sees it."""
    files = list(uploads)
    if not files:
        raise ValidationError({"screenshots": _("Hãy chọn ít nhất một ảnh chụp màn hình.")})
    if incident.state == S.CLOSED:
        raise ValidationError(_("Sự cố %(number)s đã đóng; hãy mở lại nếu cần bổ sung.") % {"number": incident.number})
    with transaction.atomic():
        locked = _locked(incident)
        images, errors = _check_images(files, already=locked.screenshots.count())
        if errors:
            raise ValidationError({"screenshots": " ".join(errors)})
        now = timezone.now()
        shots = [_store_image(locked, image, by=by, now=now) for image in images]
        _event(locked, by, IncidentEvent.Kind.SCREENSHOT, text=", ".join(s.original_name for s in shots))
        audit.record(
            "incidents.screenshot",
            by=by,
            obj=locked,
            unit=locked.unit,
            extra={"files": [{"name": s.original_name, "type": s.content_type, "size": s.size} for s in shots]},
        )
    return shots


# --- The Sở's handling -----------------------------------------------------------------------------------------------


def triage(
    incident: Incident,
    *,
    by: Any,
    severity: str,
    is_security: bool,
    assignee: Any | None,
    note: str = "",
) -> Incident:
    """The Sở confirms the severity, flags a security incident, assigns a Sở account; again later to reassign."""
    require_handler(by)
    errors: dict[str, str] = {}
    if severity not in IncidentSeverity.values:
        errors["severity"] = _("Hãy xác nhận mức độ của sự cố.")
    if assignee is None:
        errors["assignee"] = _("Hãy chọn người của Sở xử lý sự cố.")
    elif not assignable_accounts(by).filter(pk=assignee.pk).exists():
        errors["assignee"] = _("Chỉ giao được cho tài khoản đang hoạt động của Sở hoặc phòng chuyên môn thuộc Sở.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(incident)
        if locked.state not in OPEN_STATES:
            raise ValidationError(
                _("Sự cố %(number)s đang ở trạng thái «%(state)s»; hãy mở lại trước khi tiếp nhận lại.")
                % {"number": locked.number, "state": locked.get_state_display()}
            )
        before = {"severity": locked.severity, "is_security": locked.is_security, "assignee": locked.assignee_id}
        was = locked.state
        newly_security = is_security and not locked.is_security
        locked.severity, locked.is_security, locked.assignee = severity, is_security, assignee
        if was == S.REPORTED:
            locked.state, locked.triaged_at = S.TRIAGED, timezone.now()
        locked.save()
        after = {"severity": severity, "is_security": is_security, "assignee": assignee.pk if assignee else None}
        lines = [
            _("Mức độ: %(s)s.") % {"s": locked.get_severity_display()},
            _("Người xử lý: %(name)s.") % {"name": assignee.full_name if assignee else "—"},
        ]
        if is_security:
            lines.append(_("Sự cố an toàn thông tin: phải báo cáo theo quy định."))
        if note.strip():
            lines.append(note.strip())
        _event(locked, by, IncidentEvent.Kind.TRIAGE, text=" ".join(lines), from_state=was, to_state=locked.state)
        audit.record(
            "incidents.triage",
            by=by,
            obj=locked,
            unit=locked.unit,
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
            extra={"state": [was, locked.state]},
        )
        if assignee is not None and before["assignee"] != assignee.pk:
            notify(
                [assignee],
                kind="incidents.assigned",
                title=_("Bạn được giao xử lý sự cố %(number)s") % {"number": locked.number},
                body=locked.title,
                url=_url(locked),
                unit=locked.unit,
            )
        if newly_security and was != S.REPORTED:
            _alert_handlers(locked)
        if was == S.REPORTED:
            _tell_reporters(
                locked,
                kind="incidents.triaged",
                title=_("Sở đã tiếp nhận sự cố %(number)s") % {"number": locked.number},
                body=" ".join(lines[:2]),
            )
    return locked


def _move(incident: Incident, *, by: Any, to: str, allowed: tuple[str, ...], action: str, text: str = "") -> Incident:
    with transaction.atomic():
        locked = _locked(incident)
        if locked.state not in allowed:
            raise ValidationError(
                _("Sự cố %(number)s đang ở trạng thái «%(state)s» nên không chuyển sang «%(to)s» được.")
                % {"number": locked.number, "state": locked.get_state_display(), "to": S(to).label}
            )
        was = locked.state
        locked.state = to
        now = timezone.now()
        if to == S.RESOLVED:
            locked.resolved_at, locked.resolution = now, text
        elif to == S.CLOSED:
            locked.closed_at = now
        elif was in (S.RESOLVED, S.CLOSED):  # reopened
            locked.resolved_at = locked.closed_at = None
        locked.save()
        _event(locked, by, IncidentEvent.Kind.STATE, text=text, from_state=was, to_state=to)
        audit.record(action, by=by, obj=locked, unit=locked.unit, extra={"state": [was, to], "text": text})
        if to in (S.RESOLVED, S.IN_PROGRESS) and not is_of_reporting_unit(by, locked):
            _tell_reporters(
                locked,
                kind=action,
                title=_("Sự cố %(number)s: %(state)s") % {"number": locked.number, "state": S(to).label},
                body=text,
            )
        if to in (S.CLOSED, S.IN_PROGRESS) and is_of_reporting_unit(by, locked) and locked.assignee is not None:
            notify(
                [locked.assignee],
                kind=action,
                title=_("Sự cố %(number)s: %(state)s") % {"number": locked.number, "state": S(to).label},
                body=text,
                url=_url(locked),
                unit=locked.unit,
            )
    return locked


def start(incident: Incident, *, by: Any) -> Incident:
    """The Sở starts work on a triaged incident."""
    require_handler(by)
    return _move(incident, by=by, to=S.IN_PROGRESS, allowed=(S.TRIAGED,), action="incidents.start")


def resolve(incident: Incident, *, by: Any, resolution: str) -> Incident:
    """The Sở records how the problem was fixed."""
    require_handler(by)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Hãy ghi đã khắc phục thế nào, để đơn vị kiểm tra lại.")})
    return _move(
        incident, by=by, to=S.RESOLVED, allowed=(S.TRIAGED, S.IN_PROGRESS), action="incidents.resolve", text=resolution
    )


def require_party(user: Any, incident: Incident) -> None:
    if not (is_handler(user) or is_of_reporting_unit(user, incident)):
        raise PermissionDenied(
            _("Chỉ đơn vị đã báo cáo sự cố %(number)s hoặc Sở Giáo dục và Đào tạo được đóng hoặc mở lại sự cố.")
            % {"number": incident.number}
        )


def close(incident: Incident, *, by: Any, note: str = "") -> Incident:
    """The reporting unit (it works again) or the Sở closes a resolved incident."""
    require_party(by, incident)
    return _move(incident, by=by, to=S.CLOSED, allowed=(S.RESOLVED,), action="incidents.close", text=note.strip())


def reopen(incident: Incident, *, by: Any, reason: str) -> Incident:
    """The reporting unit or the Sở reopens a resolved or closed incident, saying what is still wrong."""
    require_party(by, incident)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi vì sao mở lại: sự cố còn xảy ra thế nào.")})
    return _move(
        incident, by=by, to=S.IN_PROGRESS, allowed=(S.RESOLVED, S.CLOSED), action="incidents.reopen", text=reason
    )


def comment(incident: Incident, *, by: Any, text: str) -> IncidentEvent:
    """Whoever sees the incident adds a line to its timeline."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Hãy ghi nội dung trao đổi.")})
    with transaction.atomic():
        event = _event(incident, by, IncidentEvent.Kind.COMMENT, text=text)
        audit.record("incidents.comment", by=by, obj=incident, unit=incident.unit, extra={"text": text[:500]})
        if is_of_reporting_unit(by, incident) and incident.assignee is not None:
            notify(
                [incident.assignee],
                kind="incidents.comment",
                title=_("Trao đổi mới về sự cố %(number)s") % {"number": incident.number},
                body=text[:500],
                url=_url(incident),
                unit=incident.unit,
            )
        elif not is_of_reporting_unit(by, incident):
            _tell_reporters(
                incident,
                kind="incidents.comment",
                title=_("Trao đổi mới về sự cố %(number)s") % {"number": incident.number},
                body=text[:500],
            )
    return event


def add_affected(incident: Incident, *, by: Any, units: Iterable[Unit]) -> Incident:
    """The Sở names more affected units (any unit it sees)."""
    require_handler(by)
    wanted = list({u.pk: u for u in units}.values())
    if not wanted:
        raise ValidationError({"units": _("Hãy chọn ít nhất một đơn vị bị ảnh hưởng.")})
    reachable = set(Unit.objects.visible_to(by).filter(pk__in=[u.pk for u in wanted]).values_list("pk", flat=True))
    outside = [u.name for u in wanted if u.pk not in reachable]
    if outside:
        raise ValidationError({"units": _("Không chọn được: %(names)s.") % {"names": ", ".join(outside)}})
    with transaction.atomic():
        locked = _locked(incident)
        present = set(locked.affected_units.values_list("pk", flat=True))
        new = [u for u in wanted if u.pk not in present]
        if not new:
            raise ValidationError({"units": _("Các đơn vị này đã có trong danh sách bị ảnh hưởng.")})
        locked.affected_units.add(*new)
        _event(locked, by, IncidentEvent.Kind.AFFECTED, text=", ".join(u.name for u in new))
        audit.record("incidents.affected", by=by, obj=locked, unit=locked.unit, extra={"added": [u.pk for u in new]})
    return locked


def record_security_report(
    incident: Incident,
    *,
    by: Any,
    kind: str,
    made_at: dt.datetime | None,
    recipient: str,
    document_number: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> SecurityReport:
    """The Sở records that it made the initial (24 h) or the full (72 h) report: when, to whom, which document."""
    require_handler(by)
    now = now or timezone.now()
    recipient, document_number = (recipient or "").strip(), (document_number or "").strip()
    errors: dict[str, str] = {}
    if kind not in SecurityReport.Kind.values:
        errors["kind"] = _("Hãy chọn báo cáo ban đầu hay báo cáo đầy đủ.")
    if made_at is None:
        errors["made_at"] = _("Hãy ghi thời điểm đã gửi báo cáo (dd/mm/yyyy hh:mm).")
    elif made_at > now + dt.timedelta(minutes=5):
        errors["made_at"] = _("Thời điểm gửi báo cáo ở tương lai; hãy ghi lúc đã gửi.")
    elif made_at < incident.detected_at:
        errors["made_at"] = _("Thời điểm gửi báo cáo trước lúc phát hiện sự cố; hãy kiểm tra lại.")
    if not recipient:
        errors["recipient"] = _("Hãy ghi cơ quan nhận báo cáo, ví dụ “Cục A05 – Bộ Công an”.")
    if not document_number:
        errors["document_number"] = _("Hãy ghi số văn bản báo cáo, ví dụ “125/BC-SGDĐT”.")
    if errors or made_at is None:
        raise ValidationError(errors)
    if not incident.is_security:
        raise ValidationError(
            _("Sự cố %(number)s không được đánh dấu là sự cố an toàn thông tin; hãy đánh dấu khi tiếp nhận trước.")
            % {"number": incident.number}
        )
    with transaction.atomic():
        locked = _locked(incident)
        if locked.security_reports.filter(kind=kind).exists():
            raise ValidationError(
                {"kind": _("%(kind)s của sự cố này đã được ghi nhận.") % {"kind": SecurityReport.Kind(kind).label}}
            )
        made = SecurityReport.objects.create(
            incident=locked,
            kind=kind,
            made_at=made_at,
            made_by=by,
            recipient=recipient,
            document_number=document_number,
            note=note.strip(),
        )
        field = "initial_report_at" if kind == SecurityReport.Kind.INITIAL else "full_report_at"
        setattr(locked, field, made_at)
        locked.save(update_fields=[field, "updated_at"])
        _event(
            locked,
            by,
            IncidentEvent.Kind.SECURITY_REPORT,
            text=_("%(kind)s số %(doc)s gửi %(to)s lúc %(at)s.")
            % {"kind": made.get_kind_display(), "doc": document_number, "to": recipient, "at": _moment(made_at)},
        )
        audit.record(
            "incidents.security_report",
            by=by,
            obj=locked,
            unit=locked.unit,
            extra={"kind": kind, "made_at": made_at, "recipient": recipient, "document_number": document_number},
        )
    return made


# --- Deadline extensions from an incident ----------------------------------------------------------------------------


def extension_candidates(incident: Incident, user: Any) -> list[Unit]:
    """The units of an incident (reporting and affected) whose reports ``user`` may extend: reporting units whose
    report the user reviews (``reporting.services.may_review``), as the user sees them."""
    from edudb.reporting.services import REPORTING_CATEGORIES, may_review

    ids = {incident.unit_id, *incident.affected_units.values_list("pk", flat=True)}
    units = (
        Unit.objects.visible_to(user)
        .filter(pk__in=ids, is_active=True, kind__category__in=REPORTING_CATEGORIES)
        .select_related("kind", "parent")
        .order_by("path")
    )
    return [unit for unit in units if may_review(user, unit)]


def grant_extensions(
    incident: Incident, *, by: Any, period: Any, units: Iterable[Unit], until: dt.date | None, reason: str = ""
) -> list[Any]:
    """Extend ``period``'s deadline for each of ``units`` because of the incident: each through
    ``reporting.services.grant_extension`` (its checks, audit entry and notification), linked to the incident. All
    or nothing: one refusal and no unit is extended."""
    from edudb.reporting import services as reporting

    chosen = list({u.pk: u for u in units}.values())
    if not chosen:
        raise ValidationError({"units": _("Hãy chọn ít nhất một đơn vị được gia hạn.")})
    allowed = {u.pk for u in extension_candidates(incident, by)}
    refused = [u.name for u in chosen if u.pk not in allowed]
    if refused:
        raise PermissionDenied(
            _("Không gia hạn được cho: %(names)s — gia hạn do đơn vị quản lý trực tiếp của đơn vị đó quyết định.")
            % {"names": ", ".join(refused)}
        )
    if period.is_closed:
        raise ValidationError({"period": _("Kỳ báo cáo «%(title)s» đã khóa sổ.") % {"title": period.title}})
    text = (reason or "").strip()
    full_reason = _("Gia hạn do sự cố %(number)s: %(title)s") % {"number": incident.number, "title": incident.title}
    if text:
        full_reason = f"{full_reason}. {text}"
    granted = []
    with transaction.atomic():
        for unit in chosen:
            try:
                extension = reporting.grant_extension(period, unit, by=by, until=until, reason=full_reason)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    raise
                raise ValidationError(
                    {"units": [f"{unit.name}: {m}" if unit.name not in str(m) else str(m) for m in exc.messages]}
                ) from exc
            extension.incident = incident
            extension.save(update_fields=["incident"])
            granted.append(extension)
        _event(
            incident,
            by,
            IncidentEvent.Kind.EXTENSION,
            text=_("%(title)s: gia hạn đến %(until)s cho %(names)s.")
            % {
                "title": period.title,
                "until": date_format(until, "d/m/Y") if until else "",
                "names": ", ".join(u.name for u in chosen),
            },
        )
        audit.record(
            "incidents.extend",
            by=by,
            obj=incident,
            unit=incident.unit,
            extra={"period": period.pk, "until": until, "units": [u.pk for u in chosen]},
        )
    return granted


# --- For other apps --------------------------------------------------------------------------------------------------


def open_counts_by_unit(unit_ids: list[int]) -> dict[int, int]:
    """Open incidents (reported, triaged, in progress) reported by or affecting each unit — an incident both
    reported by and affecting a unit counts once. Two grouped queries, whatever the number of units; units with
    none are absent. Unscoped: the caller (oversight) asks only for units its user sees."""
    ids = list(unit_ids)
    if not ids:
        return {}
    counts: Counter[int] = Counter(
        dict(
            Incident.objects.filter(unit_id__in=ids, state__in=OPEN_STATES)
            .order_by()
            .values_list("unit_id")
            .annotate(n=Count("pk"))
            .values_list("unit_id", "n")
        )
    )
    through = Incident.affected_units.through
    affected = (
        through.objects.filter(unit_id__in=ids, incident__state__in=OPEN_STATES)
        .exclude(incident__unit_id=F("unit_id"))
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("incident_id", distinct=True))
        .values_list("unit_id", "n")  # type: ignore[misc]  # the plugin does not see "n" on the through model
    )
    for unit_id, n in affected:
        counts[unit_id] += n
    return dict(counts)


def unscoped_security_incidents_under(unit: Unit) -> QuerySet[Incident]:
    """The security incidents reported by ``unit`` or any unit under it (for oversight's security figures; the
    caller has fetched ``unit`` through the scoping door)."""
    return Incident.objects.filter(subtree_q(unit.path, "unit__"), is_security=True)


def security_incidents_visible(user: Any, unit: Unit) -> QuerySet[Incident]:
    """The same, through the scoping door: only what ``user`` sees."""
    return Incident.objects.visible_to(user).filter(subtree_q(unit.path, "unit__"), is_security=True)


def open_q() -> Q:
    return Q(state__in=OPEN_STATES)


# --- The security clocks' reminders (hourly, edudb.incidents.tasks) --------------------------------------------------


def unscoped_remind_security_clocks(now: dt.datetime | None = None) -> int:
    """Remind the Sở's handlers of every security incident whose initial or full report is not recorded yet: once
    when less than ``clocks.WARN_WITHIN_HOURS`` are left, once when the deadline has passed. Returns the reminders
    sent (each to all the handlers). Dedup by the notification's kind and page, so an hourly run repeats nothing."""
    from edudb.core.models import Notification

    now = now or timezone.now()
    latest_due = now + dt.timedelta(hours=clocks.WARN_WITHIN_HOURS)
    pending = (
        Incident.objects.filter(is_security=True)
        .filter(Q(initial_report_at__isnull=True) | Q(full_report_at__isnull=True))
        .filter(detected_at__lte=latest_due - dt.timedelta(hours=clocks.INITIAL_REPORT_HOURS))
        .select_related("unit")
        .order_by("pk")
    )
    sent = 0
    for incident in pending:
        for clock, kind in zip(clocks.clocks(incident, now), ("initial", "full"), strict=True):
            if clock.done_at is not None or clock.due > latest_due:
                continue
            stage = "overdue" if clock.overdue else "soon"
            code = f"incidents.clock.{kind}.{stage}"
            url = _url(incident)
            if Notification.objects.filter(kind=code, url=url).exists():
                continue
            if clock.overdue:
                title = _("%(number)s: %(label)s đã quá hạn") % {"number": incident.number, "label": clock.label}
            else:
                title = _("%(number)s: %(label)s — %(text)s") % {
                    "number": incident.number,
                    "label": clock.label,
                    "text": clock.text,
                }
            with transaction.atomic():
                notify(
                    unscoped_handlers(incident.unit),
                    kind=code,
                    title=title,
                    body=_("Hạn %(due)s. Ghi nhận báo cáo đã gửi trên trang sự cố.") % {"due": _moment(clock.due)},
                    url=url,
                    unit=incident.unit,
                )
            sent += 1
    return sent
