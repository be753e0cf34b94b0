"""Governance services (R9.3–R9.4): publishing the terms, the six-monthly account review, the organisational
records and the security figures a unit's head answers for. Every change is atomic and audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core import audit, uploads
from edudb.core.models import AuditEntry, Category, Unit, subtree_q
from edudb.core.notifications import notify
from edudb.oversight.models import (
    REVIEW_DAYS,
    AccountReview,
    Charter,
    TeamMember,
    TeamRole,
    Terms,
    half_of,
)

MAX_RULES_FILE = 10 * 1024 * 1024
REVIEW_MAX_AGE_DAYS = 184  # an account review older than about six months no longer counts


# --- the terms (Điều 8.3) ----------------------------------------------------------------------------------------------


def may_publish_terms(user: Any) -> bool:
    """The Sở publishes the terms: its admin account."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_admin and user.unit.kind.category == Category.DEPARTMENT
    )


def publish_terms(*, by: Any, text: str, effective_on: dt.date) -> Terms:
    """A new version of the terms: every account holder acknowledges it again at the next request."""
    from edudb.accounts.models import Account

    if not may_publish_terms(by):
        raise PermissionDenied(_("Chỉ tài khoản quản trị của Sở Giáo dục và Đào tạo được ban hành nội dung cam kết."))
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise ValidationError({"text": _("Nội dung cam kết: hãy nhập ít nhất một trách nhiệm, mỗi dòng một ý.")})
    with transaction.atomic():
        latest = Terms.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        made = Terms.objects.create(
            version=latest + 1,
            effective_on=effective_on,
            text="\n".join(line.strip() for line in lines),
            published_at=timezone.now(),
            published_by=by,
        )
        # Every holder acknowledges the new version at the next request: the trail keeps each earlier acknowledgement.
        asked = Account.objects.filter(acknowledged_at__isnull=False).update(acknowledged_at=None)
        audit.record(
            "oversight.terms.publish",
            by=by,
            obj=made,
            unit=by.unit,
            extra={"version": made.version, "effective_on": effective_on.isoformat(), "accounts": asked},
        )
    return made


# --- the six-monthly account review -----------------------------------------------------------------------------------


def account_list(unit: Unit) -> list[dict[str, Any]]:
    """Who holds which functions in ``unit`` (its own accounts): the list the head confirms."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from edudb.accounts.models import Account

    accounts = (
        Account.objects.filter(unit=unit)
        .annotate(has_totp=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)))
        .prefetch_related("functions")
        .order_by("kind", "username")
    )
    rows = []
    for account in accounts:
        functions = (
            [str(_("Mọi chức năng (tài khoản quản trị)"))]
            if account.is_admin
            else sorted(grant.get_function_display() for grant in account.functions.all())
        )
        rows.append(
            {
                "id": account.pk,
                "username": account.username,
                "full_name": account.full_name,
                "position": account.position,
                "kind": account.get_kind_display(),
                "is_active": account.is_active,
                "two_factor": account.has_totp,
                "last_seen": timezone.localtime(account.last_seen_at).strftime("%d/%m/%Y")
                if account.last_seen_at
                else "",
                "functions": functions,
            }
        )
    return rows


def unscoped_reviewed_units() -> QuerySet[Unit]:
    """The units that hold accounts of their own: every active unit (offices included, their accounts issued by
    the Sở)."""
    return Unit.objects.filter(is_active=True, accounts__isnull=False).distinct()


def _review_people(unit: Unit) -> list[Any]:
    from edudb.accounts.models import Account, AccountKind

    people = list(Account.objects.filter(unit=unit, kind=AccountKind.ADMIN, is_active=True))
    head = Charter.objects.filter(unit=unit).select_related("head_account").first()
    if head is not None and head.head_account is not None and head.head_account.is_active:
        people.append(head.head_account)
    return people


def open_review(unit: Unit, year: int, half: int, *, today: dt.date | None = None) -> tuple[AccountReview, bool]:
    """The unit's review for the half-year, opened (and its head and admin told) when it does not exist yet."""
    today = today or timezone.localdate()
    with transaction.atomic():
        review, created = AccountReview.objects.get_or_create(
            unit=unit,
            year=year,
            half=half,
            defaults={
                "opened_at": timezone.now(),
                "due_on": today + dt.timedelta(days=REVIEW_DAYS),
                "snapshot": account_list(unit),
            },
        )
        if created:
            audit.record("oversight.review.open", by=None, obj=review, unit=unit, username="system")
            notify(
                _review_people(unit),
                kind="oversight.review",
                title=_("Rà soát tài khoản %(label)s: đề nghị thủ trưởng đơn vị xác nhận") % {"label": review.label},
                body=_("Hãy kiểm tra danh sách người được giao chức năng và xác nhận trước ngày %(day)s.")
                % {"day": review.due_on.strftime("%d/%m/%Y")},
                url=reverse("oversight:review", kwargs={"pk": review.pk}),
                unit=unit,
            )
    return review, created


def unscoped_open_half_year_reviews(today: dt.date | None = None) -> int:
    """The periodic task: open the current half-year's review of every unit with accounts; answers how many."""
    today = today or timezone.localdate()
    year, half = half_of(today)
    opened = 0
    opened_already = AccountReview.objects.filter(year=year, half=half).values("unit_id")
    for unit in unscoped_reviewed_units().exclude(pk__in=opened_already).select_related("kind"):
        _review, created = open_review(unit, year, half, today=today)
        opened += int(created)
    return opened


def may_confirm(user: Any, review: AccountReview) -> bool:
    """The head of the unit confirms its review — or the unit's own admin account on the head's behalf."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    head_id = Charter.objects.filter(unit_id=review.unit_id).values_list("head_account_id", flat=True).first()
    return bool(user.pk == head_id or (user.is_admin and user.unit_id == review.unit_id))


def confirm_review(review: AccountReview, *, by: Any, note: str = "") -> AccountReview:
    """The head confirms that the list of who holds which functions is right (with the changes to make)."""
    if not may_confirm(by, review):
        raise PermissionDenied(
            _("Chỉ thủ trưởng đơn vị (hoặc tài khoản quản trị của đơn vị) được xác nhận kết quả rà soát tài khoản.")
        )
    with transaction.atomic():
        locked = AccountReview.objects.select_for_update().get(pk=review.pk)
        if locked.confirmed_at is not None:
            raise ValidationError(_("Kết quả rà soát này đã được xác nhận; không xác nhận lại."))
        locked.snapshot = account_list(locked.unit)
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = by
        locked.changes_note = (note or "").strip()
        locked.save(update_fields=["snapshot", "confirmed_at", "confirmed_by", "changes_note"])
        audit.record(
            "oversight.review.confirm",
            by=by,
            obj=locked,
            unit=locked.unit,
            extra={"accounts": len(locked.snapshot), "note": locked.changes_note},
        )
    return locked


@dataclass
class ReviewState:
    unit: Unit
    review: AccountReview | None
    overdue: bool


def review_board(user: Any, root: Unit, year: int, half: int, today: dt.date) -> list[ReviewState]:
    """For the Sở and the managers: each unit under ``root`` whose accounts they manage, and where its review of
    the half-year stands (two queries)."""
    from edudb.core.scoping import Function

    units = list(
        Unit.objects.visible_to(user, Function.MANAGE_ACCOUNTS)
        .filter(subtree_q(root.path), is_active=True)
        .filter(Exists(_accounts_of_unit()))
        .select_related("kind")
        .order_by("path")
    )
    reviews = {
        r.unit_id: r
        for r in AccountReview.objects.visible_to(user, Function.VIEW)
        .filter(subtree_q(root.path, "unit__"), year=year, half=half)
        .select_related("confirmed_by")
    }
    states = []
    for unit in units:
        review = reviews.get(unit.pk)
        states.append(ReviewState(unit, review, review is not None and review.is_overdue(today)))
    return states


def _accounts_of_unit() -> Any:
    from edudb.accounts.models import Account

    return Account.objects.filter(unit_id=OuterRef("pk"))


# --- the organisational records ----------------------------------------------------------------------------------------


def charter_for(unit: Unit) -> Charter:
    """The unit's organisational record, made empty on first use (the unit was reached through the scope)."""
    charter, _created = Charter.objects.select_related("head_account").get_or_create(unit=unit)
    return charter


def may_edit_records(user: Any, unit: Unit) -> bool:
    """The unit's records are kept by its admin account — or by an admin account of a unit above it (the Sở for
    its offices, which have no admin of their own)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_admin
        and unit.path.startswith(user.unit.path)
    )


def check_pdf(upload: Any) -> None:
    """A rules document is a PDF of at most 10 MB, checked by its content (the magic bytes), not its name."""
    if upload is None:
        return
    if upload.size > MAX_RULES_FILE:
        raise ValidationError(
            {"rules_file": _("Tệp văn bản: tệp quá lớn (tối đa 10 MB); hãy quét lại ở độ phân giải thấp hơn.")}
        )
    if uploads.sniff(upload, {"pdf"}) is None:
        raise ValidationError(
            {"rules_file": _("Tệp văn bản: chỉ nhận tệp PDF; hãy lưu hoặc quét văn bản thành PDF rồi tải lên lại.")}
        )


CHARTER_FIELDS = ("rules_number", "rules_date", "rules_signer", "head_account")


def save_charter(unit: Unit, *, by: Any, values: dict[str, Any], rules_file: Any = None) -> Charter:
    """Record the unit's internal rules document and its head; the head's name is kept on the unit too."""
    if not may_edit_records(by, unit):
        raise PermissionDenied(_("Chỉ tài khoản quản trị của đơn vị được cập nhật hồ sơ tổ chức thực hiện."))
    check_pdf(rules_file)
    head = values.get("head_account")
    if head is not None and (head.unit_id != unit.pk or not head.is_active):
        raise ValidationError(
            {"head_account": _("Thủ trưởng đơn vị: hãy chọn một tài khoản đang hoạt động của chính đơn vị này.")}
        )
    with transaction.atomic():
        charter = Charter.objects.select_for_update().get(pk=charter_for(unit).pk)
        before = audit.snapshot(charter, CHARTER_FIELDS)
        for name in CHARTER_FIELDS:
            if name in values:
                setattr(charter, name, values[name])
        if rules_file is not None:
            charter.rules_file.save(rules_file.name.rsplit("/", 1)[-1][:80] or "quy-dinh.pdf", rules_file, save=False)
        charter.updated_by = by
        charter.save()
        changes = audit.diff(before, audit.snapshot(charter, CHARTER_FIELDS))
        if rules_file is not None:
            changes["rules_file"] = ["", charter.rules_file.name]
        if head is not None and unit.head_name != head.full_name:
            changes["head_name"] = [unit.head_name, head.full_name]
            Unit.objects.filter(pk=unit.pk).update(head_name=head.full_name)
            unit.head_name = head.full_name
        audit.record("oversight.charter.update", by=by, obj=charter, unit=unit, changes=changes)
    return charter


MEMBER_FIELDS = ("full_name", "position", "role", "phone", "email", "order")


def save_member(unit: Unit, *, by: Any, values: dict[str, Any], member: TeamMember | None = None) -> TeamMember:
    if not may_edit_records(by, unit):
        raise PermissionDenied(_("Chỉ tài khoản quản trị của đơn vị được cập nhật ban triển khai."))
    if member is not None and member.unit_id != unit.pk:
        raise PermissionDenied(_("Thành viên này không thuộc ban triển khai của đơn vị."))
    with transaction.atomic():
        creating = member is None
        target = member or TeamMember(unit=unit)
        before = {} if creating else audit.snapshot(target, MEMBER_FIELDS)
        for name in MEMBER_FIELDS:
            if name in values:
                setattr(target, name, values[name])
        target.full_clean()
        target.save()
        audit.record(
            "oversight.member.add" if creating else "oversight.member.update",
            by=by,
            obj=target,
            unit=unit,
            changes=audit.diff(before, audit.snapshot(target, MEMBER_FIELDS)),
        )
    return target


def delete_member(member: TeamMember, *, by: Any) -> None:
    if not may_edit_records(by, member.unit):
        raise PermissionDenied(_("Chỉ tài khoản quản trị của đơn vị được cập nhật ban triển khai."))
    with transaction.atomic():
        audit.record(
            "oversight.member.delete", by=by, obj=member, unit=member.unit, extra={"full_name": member.full_name}
        )
        member.delete()


def technical_contact(members: list[TeamMember]) -> TeamMember | None:
    return next((m for m in members if m.role == TeamRole.TECHNICAL), None)


# --- the security figures of a unit (Điều 8.2) ---------------------------------------------------------------------------


def is_head(user: Any, unit: Unit) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and Charter.objects.filter(unit=unit, head_account_id=user.pk).exists()
    )


@dataclass
class SecurityFigures:
    days: int
    failed_signins: int
    lockouts: int
    auto_suspended: int
    suspended_now: int
    active_accounts: int
    without_two_factor: int
    not_reviewed: int
    incidents_open: int
    security_incidents: int

    @property
    def two_factor_share(self) -> float | None:
        if not self.active_accounts:
            return None
        return (self.active_accounts - self.without_two_factor) / self.active_accounts


LOCKOUT_REASONS = ("locked_account", "locked_address")


def unscoped_security_figures(unit: Unit, days: int, *, now: dt.datetime | None = None) -> SecurityFigures:
    """The security figures of ``unit`` and the units below it over the last ``days`` days — counts only, for its
    head (who answers for them, Điều 8.2) and its admin; the caller has checked who asks."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from edudb.accounts.models import Account
    from edudb.oversight.adoption import open_counts

    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    units = Unit.objects.filter(subtree_q(unit.path))
    entries = AuditEntry.objects.filter(unit__in=units.values("pk"), at__gte=since)
    failures = entries.filter(action="signin.failure")
    accounts = Account.objects.filter(unit__in=units.values("pk"))
    active = accounts.filter(is_active=True)
    reviewed_since = timezone.localdate(now) - dt.timedelta(days=REVIEW_MAX_AGE_DAYS)
    recent_review = AccountReview.objects.filter(
        unit_id=OuterRef("unit_id"), confirmed_at__isnull=False, confirmed_at__date__gte=reviewed_since
    )
    unit_ids = list(units.values_list("pk", flat=True))
    incidents = open_counts("incidents", unit_ids)
    security = 0
    incident_model = _incident_model()
    if incident_model is not None:
        security = incident_model.objects.filter(
            unit_id__in=unit_ids, category="security", reported_at__gte=since
        ).count()
    return SecurityFigures(
        days=days,
        failed_signins=failures.count(),
        lockouts=failures.filter(Q(extra__reason__in=LOCKOUT_REASONS)).count(),
        auto_suspended=entries.filter(action="account.auto_suspend").count(),
        suspended_now=accounts.filter(is_active=False).count(),
        active_accounts=active.count(),
        without_two_factor=active.exclude(
            Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True))
        ).count(),
        not_reviewed=active.exclude(Exists(recent_review)).count(),
        incidents_open=sum(incidents.values()),
        security_incidents=security,
    )


def _incident_model() -> Any:
    from django.apps import apps

    try:
        return apps.get_model("incidents", "Incident")
    except LookupError:
        return None
