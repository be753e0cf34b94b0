"""Feedback about data and personal-data requests as services (R8.3–R8.4; Điều 10.3, 10.5).

Every state change is one transaction with its audit entry (``feedback.*``) and the notifications it causes. Refusals
are ``ValidationError`` (the field named, in Vietnamese, with the fix) or ``PermissionDenied``; filing against a
record the account cannot reach is :class:`OutOfReach` (a 404 for the page), audited as ``feedback.file.refused``
outside the rolled-back transaction so the attempt stays on record.

Deadlines (:data:`DEADLINES`, overridable with the setting ``EDUDB_FEEDBACK_DEADLINES``):

- complaints about data (Điều 10.5 gives no figure): 10 working days from filing, the Sở's choice;
- personal-data requests: Law 91/2025/QH15 on personal data protection (in force 1/1/2026) and its Decree
  356/2025/NĐ-CP, as we read them — the request is acknowledged within 2 working days (``ack_due``: the unit moves it
  to "in progress"); access and correction are completed within 10 days, a restriction of processing within 15 days
  (calendar days). The decree allows one extension of at most 15 days, which is not modelled here (a unit that needs
  it answers "not done", with the reason and the new date). Keep the table configurable: the figures are our
  assumption of the decree's text and the Sở's legal officer should confirm them.

Working days are Monday to Friday; public holidays are not known to the system (a deadline falling just after Tết
is early rather than late).

Escalation: :func:`escalate_overdue` (the periodic ``escalate_overdue_task``) marks each open item past its deadline
escalated, once, to the unit above the unit in charge, tells that unit's accounts holding the ``review`` function and
the unit in charge, and audits ``feedback.escalate``. The manager sees the item in its own list (its scope includes
the units below it), filtered by "quá hạn".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.core import audit
from edudb.core.models import AuditEntry, Unit
from edudb.core.notifications import notify, unscoped_accounts_holding
from edudb.core.scoping import Domain, Function
from edudb.feedback.models import (
    COMPLAINT_KINDS,
    OPEN_STATES,
    PERSONAL_DATA_KINDS,
    Feedback,
    Kind,
    Outcome,
    Relation,
    State,
)
from edudb.quality.text import clean_text, search_key

# --- Deadlines ---------------------------------------------------------------------------------------------------------

# kind: (days, working days?) — see the module docstring for the sources assumed.
DEADLINES: dict[str, tuple[int, bool]] = {
    Kind.RECORD: (10, True),
    Kind.FIGURE: (10, True),
    Kind.ACCESS: (10, False),
    Kind.CORRECTION: (10, False),
    Kind.RESTRICTION: (15, False),
}
ACK_WORKING_DAYS = 2  # Decree 356/2025/NĐ-CP: answer a data subject's request within 2 working days


def deadline_table() -> dict[str, tuple[int, bool]]:
    return {**DEADLINES, **getattr(settings, "EDUDB_FEEDBACK_DEADLINES", {})}


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``days`` working days (Monday–Friday) after ``start``."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def deadline_for(kind: str, filed_on: dt.date) -> tuple[dt.date | None, dt.date]:
    """The acknowledgement date (personal-data requests only) and the handling deadline of an item filed that day."""
    days, working = deadline_table()[kind]
    deadline = add_working_days(filed_on, days) if working else filed_on + dt.timedelta(days=days)
    ack = add_working_days(filed_on, ACK_WORKING_DAYS) if kind in PERSONAL_DATA_KINDS else None
    return ack, deadline


def _day(value: dt.date) -> str:
    return date_format(value, "d/m/Y")


# --- Subjects -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A kind of record one may complain about: its model, its component database and its unit in charge."""

    key: str
    label: Any
    model: Callable[[], type[models.Model]]
    domain: str
    unit_of: Callable[[Any], Unit]


def _student_model() -> type[models.Model]:
    from edudb.registry.models import Student

    return Student


def _staff_model() -> type[models.Model]:
    from edudb.registry.models import StaffMember

    return StaffMember


SUBJECTS: dict[str, Subject] = {
    "student": Subject("student", gettext_lazy("Học sinh"), _student_model, Domain.STUDENTS, lambda o: o.unit),
    "staff": Subject("staff", gettext_lazy("Cán bộ, giáo viên"), _staff_model, Domain.STAFF, lambda o: o.unit),
    "unit": Subject("unit", gettext_lazy("Đơn vị, trường"), lambda: Unit, Domain.UNITS, lambda o: o),
}


def subject_key_of(feedback: Feedback) -> str:
    for key, subject in SUBJECTS.items():
        if subject.model()._meta.label_lower == feedback.subject_type:
            return key
    return ""


def _describe(obj: Any) -> str:
    code = getattr(obj, "code", "") or ""
    return f"{obj} ({code})"[:255] if code else str(obj)[:255]


def unscoped_subject(feedback: Feedback) -> Any:
    """The record a feedback item is about (None when it was deleted); call only after the item came through the
    scoping door."""
    key = subject_key_of(feedback)
    if not key:
        return None
    return SUBJECTS[key].model()._default_manager.filter(pk=feedback.subject_id).first()


class OutOfReach(PermissionDenied):
    """Filing against a record the account cannot reach: answered as "not found" and audited."""


class NotIdentified(ValidationError):
    """The public form's identification did not match a record: one neutral message, whatever did not match."""


NEUTRAL_REFUSAL = gettext_lazy(
    "Không xác định được học sinh với thông tin đã nhập. Hãy kiểm tra mã học sinh, ngày sinh (dd/mm/yyyy) và họ tên "
    "người gửi đúng như trong hồ sơ nhà trường, hoặc liên hệ trực tiếp nhà trường."
)


# --- Codes given to the filer -----------------------------------------------------------------------------------------

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone without mistakes


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _new_reference() -> str:
    while True:
        reference = f"PA-{_random(8)}"
        if not Feedback.objects.filter(reference=reference).exists():
            return reference


def hash_code(code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"feedback:{code.strip().upper()}".encode(), hashlib.sha256
    ).hexdigest()


# --- Filing ------------------------------------------------------------------------------------------------------------


def _tell_handlers(feedback: Feedback, *, kind: str, title: str, units: Iterable[int] | None = None) -> None:
    notify(
        unscoped_accounts_holding(list(units or [feedback.unit_id]), Function.REVIEW),
        kind=kind,
        title=title,
        body=feedback.text[:500],
        url=reverse("feedback:detail", args=[feedback.pk]),
        unit=feedback.unit,
    )


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        raise ValidationError({"text": _("Hãy ghi nội dung: thông tin nào chưa đúng và đúng là gì.")})
    if len(text) > 4000:
        raise ValidationError({"text": _("Nội dung dài quá 4.000 ký tự; hãy viết ngắn gọn hơn.")})
    return text


def _create(
    *,
    kind: str,
    subject: Subject,
    obj: Any,
    text: str,
    filer: Any = None,
    period: Any = None,
    indicator: str = "",
    figure: str = "",
    filer_name: str = "",
    filer_relation: str = "",
    filer_contact: str = "",
    access_code: str = "",
) -> Feedback:
    now = timezone.now()
    ack, deadline = deadline_for(kind, timezone.localdate(now))
    unit = subject.unit_of(obj)
    domain = subject.domain
    if kind == Kind.FIGURE and indicator:
        from edudb.stats import indicators

        found = indicators.get(indicator)
        domain = str(found.domain) if found else domain
    return Feedback.objects.create(
        reference=_new_reference(),
        kind=kind,
        unit=unit,
        domain=domain,
        subject_type=subject.model()._meta.label_lower,
        subject_id=obj.pk,
        subject_repr=_describe(obj),
        period=period,
        indicator=indicator,
        figure=figure.strip()[:255],
        text=text,
        filer=filer,
        filer_name=filer_name,
        filer_relation=filer_relation,
        filer_contact=filer_contact,
        access_code_hash=hash_code(access_code) if access_code else "",
        filed_at=now,
        ack_due=ack,
        deadline=deadline,
    )


def file(
    *,
    by: Any,
    subject_key: str,
    subject_id: int,
    kind: str,
    text: str,
    period: Any = None,
    indicator: str = "",
    figure: str = "",
) -> Feedback:
    """An account files a complaint about a record it can see (``view``) or a figure of a unit it can see.

    Out of reach — missing, or outside the account's scope — is :class:`OutOfReach` with one message, audited."""
    subject = SUBJECTS.get(subject_key)
    if subject is None:
        raise ValidationError({"subject": _("Loại đối tượng không hợp lệ.")})
    model: Any = subject.model()
    obj = model._default_manager.all().visible_to(by, Function.VIEW).filter(pk=subject_id).first()
    if obj is None:
        audit.record(
            "feedback.file.refused",
            by=by,
            extra={"subject": subject_key, "id": str(subject_id)[:20], "reason": "out_of_reach"},
        )
        raise OutOfReach(_("Không tìm thấy dữ liệu trong phạm vi quản lý của bạn; không có phản ánh nào được gửi."))
    if kind not in COMPLAINT_KINDS:
        raise ValidationError({"kind": _("Hãy chọn loại phản ánh: thông tin hồ sơ hoặc số liệu báo cáo.")})
    if kind == Kind.FIGURE and subject_key != "unit":
        raise ValidationError({"kind": _("Phản ánh số liệu báo cáo được gửi từ trang số liệu của đơn vị.")})
    if kind == Kind.FIGURE and not (figure or "").strip():
        raise ValidationError({"figure": _("Hãy ghi số liệu nào chưa đúng (tên chỉ tiêu và con số đang hiển thị).")})
    if indicator:
        from edudb.stats import indicators

        if indicators.get(indicator) is None:
            raise ValidationError({"indicator": _("Chỉ tiêu không có trong danh mục; hãy mở lại từ trang số liệu.")})
    text = _clean_text(text)
    with transaction.atomic():
        feedback = _create(
            kind=kind,
            subject=subject,
            obj=obj,
            text=text,
            filer=by,
            period=period,
            indicator=indicator,
            figure=figure,
        )
        audit.record(
            "feedback.file",
            by=by,
            obj=feedback,
            extra={"kind": kind, "subject": feedback.subject_type, "subject_id": obj.pk, "deadline": feedback.deadline},
        )
        _tell_handlers(
            feedback,
            kind="feedback.filed",
            title=_("Phản ánh mới về %(subject)s (hạn xử lý %(day)s)")
            % {"subject": feedback.subject_repr, "day": _day(feedback.deadline)},
        )
    return feedback


def _guardian_matches(student: Any, name: str) -> bool:
    names = [search_key(g.full_name) for g in student.guardians.all()]
    return not names or search_key(name) in names


def unscoped_file_public(
    *,
    kind: str,
    student_code: str,
    birth_date: dt.date,
    filer_name: str,
    filer_relation: str,
    filer_contact: str,
    text: str,
) -> tuple[Feedback, str]:
    """A parent, guardian or the student files without an account; answers the item and its access code (shown
    once). The student is identified by code and birth date; a personal-data request by a parent or guardian also
    needs the filer's name as recorded among the student's guardians (when the school recorded any). Any mismatch is
    :class:`NotIdentified` with :data:`NEUTRAL_REFUSAL` — never whether the code exists."""
    from edudb.registry.models import Student

    code = (student_code or "").strip().upper()
    student = (
        Student.objects.filter(Q(ministry_code=code) | Q(temporary_code=code), birth_date=birth_date)
        .select_related("unit")
        .prefetch_related("guardians")
        .first()
        if code
        else None
    )
    parent = filer_relation in (Relation.FATHER, Relation.MOTHER, Relation.GUARDIAN)
    if student is None or (kind in PERSONAL_DATA_KINDS and parent and not _guardian_matches(student, filer_name)):
        raise NotIdentified(NEUTRAL_REFUSAL)
    if kind == Kind.FIGURE or kind not in Kind.values:
        raise ValidationError({"kind": _("Hãy chọn loại phản ánh hoặc yêu cầu trong danh sách.")})
    text = _clean_text(text)
    access_code = _random(8)
    with transaction.atomic():
        feedback = _create(
            kind=kind,
            subject=SUBJECTS["student"],
            obj=student,
            text=text,
            filer_name=clean_text(filer_name)[:120],
            filer_relation=filer_relation,
            filer_contact=clean_text(filer_contact)[:120],
            access_code=access_code,
        )
        audit.record(
            "feedback.file",
            by=None,
            obj=feedback,
            username="public",
            extra={"kind": kind, "subject": feedback.subject_type, "subject_id": student.pk, "public": True},
        )
        _tell_handlers(
            feedback,
            kind="feedback.filed",
            title=_("%(kind)s: %(subject)s (hạn %(day)s)")
            % {"kind": feedback.get_kind_display(), "subject": feedback.subject_repr, "day": _day(feedback.deadline)},
        )
    return feedback, access_code


def unscoped_status(reference: str, code: str) -> Feedback | None:
    """The item a public filer follows with its number and code (both must match; the code compared in constant time)."""
    feedback = Feedback.objects.filter(reference=(reference or "").strip().upper()).first()
    if feedback is None or not feedback.access_code_hash:
        hmac.compare_digest(hash_code(code or "x"), hash_code("y"))  # the same work either way
        return None
    return feedback if hmac.compare_digest(feedback.access_code_hash, hash_code(code or "")) else None


def unscoped_filed_by(account: Any) -> models.QuerySet[Feedback]:
    """What ``account`` filed (it sees its own items and their outcome, whatever its scope)."""
    if not getattr(account, "is_authenticated", False):
        return Feedback.objects.none()
    return Feedback.objects.filter(filer=account)


# --- Handling ----------------------------------------------------------------------------------------------------------


def may_handle(user: Any, feedback: Feedback) -> bool:
    return Feedback.objects.visible_to(user, Function.REVIEW).filter(pk=feedback.pk).exists()


def _locked(feedback: Feedback, by: Any) -> Feedback:
    if not may_handle(by, feedback):
        raise PermissionDenied(
            _("Phản ánh này do tài khoản có chức năng «Rà soát dữ liệu» của %(unit)s (hoặc đơn vị quản lý) xử lý.")
            % {"unit": feedback.unit.name}
        )
    return Feedback.objects.select_for_update().select_related("unit").get(pk=feedback.pk)


def take(feedback: Feedback, *, by: Any) -> Feedback:
    """The unit acknowledges the item and starts handling it (the acknowledgement the decree asks for)."""
    with transaction.atomic():
        feedback = _locked(feedback, by)
        if feedback.state != State.RECEIVED:
            raise ValidationError(
                _("Phản ánh đang ở trạng thái «%(state)s»; hãy tải lại trang.")
                % {"state": feedback.get_state_display()}
            )
        feedback.state = State.IN_PROGRESS
        feedback.taken_at = timezone.now()
        feedback.taken_by = by
        feedback.save(update_fields=["state", "taken_at", "taken_by"])
        audit.record("feedback.take", by=by, obj=feedback)
    return feedback


OUTCOMES_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.RECORD: (Outcome.CORRECTED, Outcome.NOT_CORRECTED),
    Kind.FIGURE: (Outcome.CORRECTED, Outcome.NOT_CORRECTED),
    Kind.CORRECTION: (Outcome.CORRECTED, Outcome.NOT_CORRECTED),
    Kind.ACCESS: (Outcome.PROVIDED, Outcome.REFUSED),
    Kind.RESTRICTION: (Outcome.RESTRICTED, Outcome.REFUSED),
}
CHANGES_LISTED = 50
RECORD_VERBS = (".create", ".update", ".delete", ".guardians", ".policy_groups", ".ministry_code")


def candidate_changes(feedback: Feedback) -> list[AuditEntry]:
    """The changes since filing the answer may point to: the record's own audit entries, or — for a unit or a
    figure — the changes of records of the unit in charge. Call after the item came through the scoping door."""
    since = AuditEntry.objects.filter(at__gte=feedback.filed_at)
    if feedback.subject_type == Unit._meta.label_lower:
        verbs = Q()
        for verb in RECORD_VERBS:
            verbs |= Q(action__endswith=verb)
        rows = since.filter(verbs, unit_id=feedback.unit_id)
    else:
        rows = since.filter(object_type=feedback.subject_type, object_id=str(feedback.subject_id)).exclude(
            action__endswith=".reveal_personal_id"
        )
    return list(rows.order_by("-id")[:CHANGES_LISTED])


def access_log(feedback: Feedback, limit: int = 100) -> list[AuditEntry]:
    """The subject record's audit entries — views of the personal ID, changes, exports where recorded — for the
    handling unit (personal-data requests, Law 91/2025 right to know how one's data was processed)."""
    return list(
        AuditEntry.objects.filter(object_type=feedback.subject_type, object_id=str(feedback.subject_id)).order_by(
            "-id"
        )[:limit]
    )


def timeline(feedback: Feedback) -> list[AuditEntry]:
    """The item's own audit entries, oldest first."""
    return list(
        AuditEntry.objects.filter(object_type=Feedback._meta.label_lower, object_id=str(feedback.pk)).order_by("id")
    )


def approved_report_for(feedback: Feedback) -> Any:
    """The unit in charge's approved report the complained data belongs to, or None.

    A figure complaint names its period. A record complaint belongs to the latest period opened before filing whose
    report of the unit in charge is approved (or being corrected after approval) and that covers the record's
    component database."""
    from edudb.reporting.models import ReportState, UnitReport

    rows = UnitReport.objects.filter(
        unit_id=feedback.unit_id, state__in=[ReportState.APPROVED, ReportState.CORRECTING]
    ).select_related("period")
    if feedback.period_id:
        return rows.filter(period_id=feedback.period_id).first()
    filed_on = timezone.localdate(feedback.filed_at)
    for report in rows.filter(period__opens_on__lte=filed_on).order_by("-period__deadline", "-pk"):
        if feedback.domain == Domain.UNITS or feedback.domain in report.period.covers:
            return report
    return None


def open_correction(report: Any) -> Any:
    """The report's correction request still running: pending, or accepted while the report is being corrected."""
    from edudb.reporting.models import Correction, ReportState

    pending = report.corrections.filter(decision=Correction.Decision.PENDING).first()
    if pending is not None:
        return pending
    if report.state == ReportState.CORRECTING:
        return report.corrections.filter(decision=Correction.Decision.ACCEPTED).order_by("-decided_at").first()
    return None


def answer(
    feedback: Feedback,
    *,
    by: Any,
    outcome: str,
    text: str,
    change_ids: Iterable[int] = (),
    request_correction: bool = False,
) -> Feedback:
    """The unit answers. "Corrected" points to the audit entries of the change made since filing; when the data's
    report was already approved, the item is linked to the reporting cycle's correction request (the running one,
    or a new one made here with ``request_correction`` — which needs the ``submit`` function of the unit in charge)."""
    from edudb.reporting import services as reporting

    text = (text or "").strip()
    errors: dict[str, str] = {}
    if outcome not in OUTCOMES_BY_KIND[feedback.kind]:
        errors["outcome"] = _("Hãy chọn kết quả xử lý trong danh sách.")
    if not text:
        errors["answer"] = _("Hãy ghi nội dung trả lời cho người gửi: đã làm gì, hoặc vì sao không điều chỉnh.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        feedback = _locked(feedback, by)
        if not feedback.is_open:
            raise ValidationError(
                _("Phản ánh đã được trả lời (%(state)s); hãy tải lại trang.") % {"state": feedback.get_state_display()}
            )
        chosen: list[AuditEntry] = []
        correction = None
        if outcome == Outcome.CORRECTED:
            candidates = {entry.pk: entry for entry in candidate_changes(feedback)}
            wanted = [int(pk) for pk in change_ids]
            if not candidates:
                raise ValidationError(
                    {
                        "changes": _(
                            "Chưa có thay đổi nào của dữ liệu được ghi từ khi nhận phản ánh. Hãy sửa hồ sơ trước, "
                            "rồi trả lời và chọn thay đổi đó."
                        )
                    }
                )
            chosen = [candidates[pk] for pk in wanted if pk in candidates]
            if not chosen or len(chosen) != len(set(wanted)):
                raise ValidationError({"changes": _("Hãy chọn (các) thay đổi đã sửa dữ liệu theo phản ánh.")})
            report = approved_report_for(feedback)
            if report is not None:
                correction = open_correction(report)
                if correction is None and not request_correction:
                    raise ValidationError(
                        {
                            "request_correction": _(
                                "Báo cáo %(title)s của đơn vị đã được duyệt: hãy đánh dấu «Gửi đề nghị điều chỉnh "
                                "báo cáo» để số liệu đã duyệt được điều chỉnh."
                            )
                            % {"title": report.period.title}
                        }
                    )
                if correction is None:
                    try:
                        correction = reporting.request_correction(
                            report.period,
                            feedback.unit,
                            by=by,
                            reason=_("Điều chỉnh theo phản ánh %(ref)s: %(text)s")
                            % {"ref": feedback.reference, "text": text},
                        )
                    except PermissionDenied as exc:
                        raise ValidationError({"request_correction": str(exc)}) from exc
                    except ValidationError as exc:
                        raise ValidationError({"request_correction": " ".join(exc.messages)}) from exc
        now = timezone.now()
        feedback.state = State.ANSWERED
        feedback.outcome = outcome
        feedback.answer = text
        feedback.answered_at = now
        feedback.answered_by = by
        feedback.restricted = outcome == Outcome.RESTRICTED
        feedback.correction = correction
        if feedback.taken_at is None:
            feedback.taken_at, feedback.taken_by = now, by
        feedback.save()
        feedback.changes.set(chosen)
        audit.record(
            "feedback.answer",
            by=by,
            obj=feedback,
            extra={
                "outcome": outcome,
                "changes": [entry.pk for entry in chosen],
                "correction": correction.pk if correction else None,
                "on_time": timezone.localdate(now) <= feedback.deadline,
            },
        )
        if feedback.filer_id:
            notify(
                [feedback.filer],
                kind="feedback.answered",
                title=_("Phản ánh %(ref)s đã được trả lời: %(outcome)s")
                % {"ref": feedback.reference, "outcome": feedback.get_outcome_display()},
                body=text,
                url=reverse("feedback:detail", args=[feedback.pk]),
                unit=feedback.unit,
            )
    return feedback


def close(feedback: Feedback, *, by: Any) -> Feedback:
    """Close an answered item: the filer account (satisfied) or the unit that handles it."""
    with transaction.atomic():
        mine = feedback.filer_id is not None and feedback.filer_id == getattr(by, "pk", None)
        if not mine and not may_handle(by, feedback):
            raise PermissionDenied(_("Chỉ người gửi hoặc đơn vị xử lý được đóng phản ánh."))
        feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.state != State.ANSWERED:
            raise ValidationError(_("Chỉ đóng được phản ánh đã có trả lời."))
        feedback.state = State.CLOSED
        feedback.closed_at = timezone.now()
        feedback.save(update_fields=["state", "closed_at"])
        audit.record("feedback.close", by=by, obj=feedback)
    return feedback


def produce_summary(feedback: Feedback, *, by: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the system holds about the data subject (a "see my data" request), for the unit to hand over; audited.
    The personal ID is shown masked: the unit reads the full number on the record's page if it must."""
    from edudb.quality.codes import mask_personal_id

    if not may_handle(by, feedback):
        raise PermissionDenied(_("Chỉ đơn vị xử lý được lập bản tổng hợp dữ liệu."))
    obj = unscoped_subject(feedback)
    if obj is None:
        return []
    rows: list[tuple[str, str]] = []
    skip = {"id", "name_key", "version", "updated_by", "updated_at", "created_at"}
    for field in obj._meta.concrete_fields:
        if field.name in skip or field.name.endswith("_key"):
            continue
        value = getattr(obj, field.name)
        if field.name == "personal_id":
            shown = mask_personal_id(value or "")
        elif value is None or value == "":
            continue
        elif isinstance(value, bool):
            shown = _("Có") if value else _("Không")
        elif isinstance(value, dt.date):
            shown = _day(value)
        else:
            shown = str(value)
        rows.append((str(field.verbose_name).capitalize(), shown))
    sections = [(str(obj._meta.verbose_name).capitalize(), rows)]
    guardians = getattr(obj, "guardians", None)
    if guardians is not None:
        people = [
            (g.get_relation_display(), ", ".join(p for p in (g.full_name, g.phone, g.occupation) if p))
            for g in guardians.all()
        ]
        sections.append((_("Cha mẹ, người giám hộ"), people))
    audit.record("feedback.summary", by=by, obj=feedback, extra={"subject": feedback.subject_type})
    return sections


def is_restricted(obj: models.Model) -> bool:
    """Whether a granted restriction request holds on this record (for the paths that must honour it)."""
    return Feedback.objects.filter(
        subject_type=obj._meta.label_lower, subject_id=obj.pk, restricted=True, kind=Kind.RESTRICTION
    ).exists()


def unscoped_restricted_ids(model: type[models.Model]) -> models.QuerySet[Any]:
    """The ids of ``model``'s records under a granted restriction, as a subquery: a release to an outside party
    (``sharing.release``) leaves them out. The record stays in the system and in its unit's own work."""
    return Feedback.objects.filter(subject_type=model._meta.label_lower, restricted=True, kind=Kind.RESTRICTION).values(
        "subject_id"
    )


# --- Escalation and oversight ------------------------------------------------------------------------------------------


def escalate_overdue(today: dt.date | None = None) -> int:
    """Escalate, once, every open item past its deadline to the unit above the unit in charge; returns how many."""
    today = today or timezone.localdate()
    due = list(
        Feedback.objects.filter(state__in=OPEN_STATES, deadline__lt=today, escalated_at__isnull=True)
        .select_related("unit")
        .values_list("pk", flat=True)[:1000]
    )
    done = 0
    for pk in due:
        with transaction.atomic():
            feedback = (
                Feedback.objects.select_for_update()
                .select_related("unit")
                .filter(pk=pk, state__in=OPEN_STATES, escalated_at__isnull=True)
                .first()
            )
            if feedback is None:
                continue
            manager = feedback.unit.parent
            feedback.escalated_at = timezone.now()
            feedback.escalated_to = manager
            feedback.save(update_fields=["escalated_at", "escalated_to"])
            audit.record(
                "feedback.escalate",
                by=None,
                obj=feedback,
                username="system",
                extra={"deadline": feedback.deadline, "to": manager.pk if manager else None},
            )
            title = _("Phản ánh %(ref)s quá hạn xử lý (hạn %(day)s): %(subject)s") % {
                "ref": feedback.reference,
                "day": _day(feedback.deadline),
                "subject": feedback.subject_repr,
            }
            units = [feedback.unit_id] + ([manager.pk] if manager else [])
            _tell_handlers(feedback, kind="feedback.escalated", title=title, units=units)
            done += 1
    return done


def open_counts_by_unit(unit_ids: list[int]) -> dict[int, int]:
    """Open items (received or in progress) per unit in charge, for the given units (one grouped query)."""
    rows = (
        Feedback.objects.filter(unit_id__in=unit_ids, state__in=OPEN_STATES)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["unit_id"]: row["n"] for row in rows}


def overdue_counts_by_unit(unit_ids: list[int], today: dt.date | None = None) -> dict[int, int]:
    """Open items past their deadline per unit in charge (one grouped query)."""
    rows = (
        Feedback.objects.filter(unit_id__in=unit_ids, state__in=OPEN_STATES, deadline__lt=today or timezone.localdate())
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["unit_id"]: row["n"] for row in rows}
