"""The reporting cycle as services (R7.1–R7.3; Điều 9, Điều 10.1): periods, submissions, review, extensions,
corrections, closing and reminders.

Every state change here is one transaction that takes a row lock on the unit's report for the period, writes its
audit entry and notifies the people concerned. Every refusal is a ``ValidationError`` (or ``PermissionDenied`` when
the object lies outside the account's scope) whose message says why in plain Vietnamese and what to do next.

Who does what:
- a reporting unit (an institution or a managing unit) submits its own data, with the ``submit`` function;
- the unit directly above it (its manager, or the Sở and the Sở's offices for the units directly under the Sở)
  approves or returns it, with the ``approve`` function, never its own unit's report;
- a manager submits its own roll-up once every unit directly under it has an approved report, or records why not;
- the Sở opens ad-hoc periods, edits dates and closes periods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.models import Category, Unit, subtree_q
from edudb.core.notifications import notify, unscoped_accounts_holding
from edudb.core.scoping import Domain, Function, reaches, scope_for
from edudb.quality import scoring
from edudb.quality.models import TARGET_DOMAIN, Finding, Severity, Target, UnitScore
from edudb.reporting import snapshots
from edudb.reporting.models import (
    COVERABLE,
    Correction,
    Extension,
    PeriodKind,
    Reminder,
    ReportingPeriod,
    ReportState,
    SchoolYear,
    Snapshot,
    Submission,
    UnitReport,
)

REPORTING_CATEGORIES = (Category.INSTITUTION, Category.MANAGER)
BLOCKERS_LISTED = 50  # problems listed on a refused submission; the count is always complete
PERIOD_FIELDS = ("title", "opens_on", "deadline", "covers", "instructions", "min_completeness")


def _day(value: dt.date) -> str:
    return date_format(value, "d/m/Y")


def _moment(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "H:i d/m/Y")


# --- Who reports, who reviews ----------------------------------------------------------------------------------------


def unscoped_reporting_units() -> QuerySet[Unit]:
    """Every unit that reports: the active institutions and managing units (the Sở and its offices do not)."""
    return Unit.objects.filter(is_active=True, kind__category__in=REPORTING_CATEGORIES)


def reports(unit: Unit) -> bool:
    return unit.is_active and unit.kind.category in REPORTING_CATEGORIES


def reviewer_of(unit: Unit) -> Unit | None:
    """The unit that reviews ``unit``'s report: the unit directly above it."""
    return unit.parent


def may_review(user: Any, unit: Unit) -> bool:
    """Whether ``user`` reviews ``unit``'s reports: an account of the unit directly above (or, for units directly
    under the Sở, an account of one of the Sở's offices that oversees the unit) holding the ``approve`` function."""
    scope = scope_for(user)
    parent = reviewer_of(unit)
    if scope is None or parent is None or not scope.allows(Function.APPROVE) or scope.unit.pk == unit.pk:
        return False
    mine = scope.unit
    if mine.pk == parent.pk:
        return True
    acting_for_sở = mine.kind.category == Category.OFFICE and mine.parent_id == parent.pk
    return acting_for_sở and reaches(user, unit, Function.APPROVE, Domain.UNITS)


def _is_department(user: Any) -> bool:
    scope = scope_for(user)
    return scope is not None and scope.unit.kind.category == Category.DEPARTMENT and scope.allows(Function.APPROVE)


def require_department(user: Any) -> None:
    if not _is_department(user):
        raise PermissionDenied(
            _("Chỉ Sở Giáo dục và Đào tạo (tài khoản được giao chức năng duyệt báo cáo) quản lý các kỳ báo cáo.")
        )


# --- Periods --------------------------------------------------------------------------------------------------------


def ensure_periods(year: SchoolYear, *, by: Any = None) -> list[ReportingPeriod]:
    """The two periodic reports of a school year (Điều 9.1), created when missing; returns both."""
    made = []
    # A school year already over when its periods are first made (the years before the system) starts closed:
    # nobody is asked to report on it any more.
    closed_at = timezone.now() if year.ends_on < timezone.localdate() else None
    for kind in (PeriodKind.START, PeriodKind.END):
        opens, deadline = ReportingPeriod.periodic_dates(year, kind)
        title = _("%(kind)s %(year)s") % {"kind": PeriodKind(kind).label, "year": year.code}
        period, created = ReportingPeriod.objects.get_or_create(
            school_year=year,
            kind=kind,
            defaults={
                "title": title,
                "opens_on": opens,
                "deadline": deadline,
                "created_by": by,
                "closed_at": closed_at,
            },
        )
        if created:
            audit.record("reporting.period.create", by=by, obj=period, extra={"deadline": deadline})
        made.append(period)
    return made


def _clean_period(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    covers = [code for code in values.get("covers", []) if code in COVERABLE]
    if "covers" in values and not covers:
        errors["covers"] = _("Hãy chọn ít nhất một cơ sở dữ liệu thành phần cần báo cáo.")
    opens, deadline = values.get("opens_on"), values.get("deadline")
    if opens and deadline and deadline < opens:
        errors["deadline"] = _("Hạn chót (%(deadline)s) phải từ ngày mở kỳ báo cáo (%(opens)s) trở đi.") % {
            "deadline": _day(deadline),
            "opens": _day(opens),
        }
    completeness = values.get("min_completeness")
    if completeness is not None and not 0 <= completeness <= 100:
        errors["min_completeness"] = _("Mức đầy đủ tối thiểu là một số từ 0 đến 100 (%).")
    if "title" in values and not str(values["title"]).strip():
        errors["title"] = _("Hãy ghi tên kỳ báo cáo.")
    if errors:
        raise ValidationError(errors)
    if "covers" in values:
        values["covers"] = [str(code) for code in COVERABLE if code in covers]
    return values


def open_adhoc(
    *,
    by: Any,
    title: str,
    opens_on: dt.date,
    deadline: dt.date,
    covers: list[str],
    instructions: str = "",
    min_completeness: int = 90,
) -> ReportingPeriod:
    """An ad-hoc report request (báo cáo đột xuất, Điều 9.2) with its own deadline; every reporting unit is told."""
    require_department(by)
    values = _clean_period(
        {
            "title": title,
            "opens_on": opens_on,
            "deadline": deadline,
            "covers": covers,
            "instructions": instructions,
            "min_completeness": min_completeness,
        }
    )
    year = SchoolYear.objects.filter(is_current=True).first()
    with transaction.atomic():
        period = ReportingPeriod.objects.create(kind=PeriodKind.ADHOC, school_year=year, created_by=by, **values)
        audit.record("reporting.period.create", by=by, obj=period, extra={"deadline": deadline})
        _tell_reporting_units(
            period,
            kind="reporting.period.open",
            title=_("Yêu cầu báo cáo đột xuất: %(title)s, hạn %(deadline)s")
            % {"title": period.title, "deadline": _day(deadline)},
            body=instructions,
        )
    return period


def update_period(period: ReportingPeriod, *, by: Any, **changes: Any) -> ReportingPeriod:
    """The Sở edits a period's dates, covered databases, instructions or completeness threshold (audited)."""
    require_department(by)
    unknown = set(changes) - set(PERIOD_FIELDS)
    if unknown:
        raise TypeError(f"not a period field: {sorted(unknown)}")
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        merged = {name: changes.get(name, getattr(period, name)) for name in PERIOD_FIELDS}
        values = _clean_period(merged)
        before = {name: getattr(period, name) for name in PERIOD_FIELDS}
        for name in PERIOD_FIELDS:
            setattr(period, name, values[name])
        period.save()
        diff = audit.diff(audit.jsonable(before), audit.jsonable(values))
        if diff:
            audit.record("reporting.period.update", by=by, obj=period, changes=diff)
        if "deadline" in diff:
            _tell_reporting_units(
                period,
                kind="reporting.period.deadline",
                title=_("Hạn chót của %(title)s đổi thành %(deadline)s")
                % {"title": period.title, "deadline": _day(period.deadline)},
            )
    return period


def close_period(period: ReportingPeriod, *, by: Any) -> ReportingPeriod:
    """The Sở closes the period (khóa sổ): from now on only units with an extension, or an accepted correction,
    may still submit."""
    require_department(by)
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.closed_at is not None:
            raise ValidationError(
                _("Kỳ báo cáo «%(title)s» đã khóa sổ lúc %(at)s; không cần khóa lại.")
                % {"title": period.title, "at": _moment(period.closed_at)}
            )
        period.closed_at = timezone.now()
        period.closed_by = by
        period.save(update_fields=["closed_at", "closed_by"])
        audit.record("reporting.period.close", by=by, obj=period)
        done = UnitReport.objects.filter(period=period, first_submitted_at__isnull=False).values("unit_id")
        behind = unscoped_reporting_units().exclude(pk__in=done).values_list("pk", flat=True)
        notify(
            unscoped_accounts_holding(behind, Function.SUBMIT),
            kind="reporting.period.close",
            title=_("%(title)s đã khóa sổ; đơn vị chưa chốt số liệu: hãy đề nghị đơn vị quản lý gia hạn")
            % {"title": period.title},
            url=reverse("reporting:period", args=[period.pk]),
        )
    return period


def _tell_reporting_units(period: ReportingPeriod, *, kind: str, title: str, body: str = "") -> None:
    accounts = unscoped_accounts_holding(unscoped_reporting_units().values_list("pk", flat=True), Function.SUBMIT)
    notify(accounts, kind=kind, title=title, body=body, url=reverse("reporting:period", args=[period.pk]))


# --- The pre-check and submission ------------------------------------------------------------------------------------


@dataclass
class Blocker:
    """One thing that stops a unit from submitting: what is wrong, and where to fix it."""

    message: str
    url: str = ""
    count: int = 1


@dataclass
class Check:
    """The result of the check before submitting (kiểm tra trước khi chốt)."""

    unit: Unit
    period: ReportingPeriod
    blockers: list[Blocker] = field(default_factory=list)
    warnings: int = 0
    completeness: float | None = None
    missing_units: list[Unit] = field(default_factory=list)
    scorecard: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.blockers


def _figures_json(figures: scoring.Figures) -> dict[str, Any]:
    return {
        "records": figures.records,
        "required_cells": figures.required_cells,
        "filled_cells": figures.filled_cells,
        "records_with_errors": figures.records_with_errors,
        "records_with_warnings": figures.records_with_warnings,
        "inconsistent_values": figures.inconsistent_values,
        "checked_values": figures.checked_values,
        "stale_records": figures.stale_records,
        "completeness": figures.completeness,
        "accuracy": figures.accuracy,
        "consistency": figures.consistency,
        "timeliness": figures.timeliness,
        "overall": figures.overall,
        "measured_at": figures.measured_at.isoformat() if figures.measured_at else None,
    }


def unscoped_frozen_scorecard(unit: Unit, covers: Iterable[str]) -> dict[str, Any]:
    """The unit's quality figures over its subtree for the covered databases, as the submission freezes them."""
    domains = set(covers)
    rows = (
        UnitScore.objects.filter(subtree_q(unit.path, "unit__"), domain__in=domains)
        .order_by()
        .values("target")
        .annotate(
            **{name: Sum(name) for name in scoring._COUNTS},
            last_changed_at=Max("last_changed_at"),
            measured_at=Min("measured_at"),
        )
    )
    total, by_target = scoring.Figures(), {}
    for row in rows:
        figures = scoring.Figures()
        figures.add(row)
        total.add(row)
        by_target[row["target"]] = _figures_json(figures)
    return {"total": _figures_json(total), "by_target": by_target}


def _children_reporting(unit: Unit) -> list[Unit]:
    return list(unscoped_reporting_units().filter(parent=unit).order_by("name_key"))


def precheck(period: ReportingPeriod, unit: Unit, *, measure: bool = True) -> Check:
    """Measure the unit's data afresh and list what stops it from submitting: records breaking a blocking rule in
    the covered databases, required fields below the period's threshold, and (for a manager) units below it
    without an approved report."""
    if measure:
        scoring.measure([unit.pk])
    check = Check(unit=unit, period=period)
    domains = [str(code) for code in period.covers]
    targets = [t for t in Target if str(TARGET_DOMAIN[t]) in domains]
    errors = (
        Finding.objects.filter(unit=unit, severity=Severity.ERROR, target__in=targets)
        .order_by("target", "rule")
        .values("target", "rule")
        .annotate(n=Count("object_id", distinct=True), example=Min("message"))
    )
    worklist = reverse("quality:worklist", args=[unit.pk])
    for row in errors:
        check.blockers.append(
            Blocker(
                _("%(target)s: %(n)s bản ghi có lỗi chặn chốt số liệu, ví dụ: %(example)s")
                % {"target": Target(row["target"]).label, "n": row["n"], "example": row["example"]},
                f"{worklist}?target={row['target']}",
                row["n"],
            )
        )
    own = UnitScore.objects.filter(unit=unit, target__in=targets).aggregate(
        required=Sum("required_cells"), filled=Sum("filled_cells"), warned=Sum("records_with_warnings")
    )
    check.warnings = own["warned"] or 0
    if own["required"]:
        check.completeness = (own["filled"] or 0) / own["required"]
        if check.completeness * 100 < period.min_completeness:
            check.blockers.append(
                Blocker(
                    _(
                        "Mới có %(filled)s/%(required)s ô bắt buộc (%(share)s%%), dưới mức tối thiểu %(min)s%% của "
                        "kỳ báo cáo: hãy bổ sung các thông tin còn thiếu theo danh sách việc cần làm."
                    )
                    % {
                        "filled": own["filled"] or 0,
                        "required": own["required"],
                        "share": round(check.completeness * 100, 1),
                        "min": period.min_completeness,
                    },
                    f"{worklist}?kind=missing",
                    own["required"] - (own["filled"] or 0),
                )
            )
    if unit.kind.category == Category.MANAGER:
        children = _children_reporting(unit)
        approved = set(
            UnitReport.objects.filter(period=period, unit__in=children, approved__isnull=False).values_list(
                "unit_id", flat=True
            )
        )
        check.missing_units = [child for child in children if child.pk not in approved]
    check.scorecard = unscoped_frozen_scorecard(unit, domains)
    return check


def _locked_report(period: ReportingPeriod, unit: Unit) -> UnitReport:
    """The unit's report for the period, created when missing, locked for the rest of the transaction."""
    UnitReport.objects.bulk_create([UnitReport(period=period, unit=unit)], ignore_conflicts=True)
    return (
        UnitReport.objects.select_for_update(of=("self",))
        .select_related("period", "unit__kind", "unit__parent", "latest")
        .get(period=period, unit=unit)
    )


def manager_name(unit: Unit) -> str:
    parent = reviewer_of(unit)
    return parent.name if parent else _("Sở Giáo dục và Đào tạo")


def check_may_submit(report: UnitReport, today: dt.date) -> None:
    period, unit = report.period, report.unit
    if report.state == ReportState.SUBMITTED and report.latest is not None:
        raise ValidationError(
            _(
                "%(unit)s đã chốt số liệu kỳ «%(title)s» lúc %(at)s (phiên bản %(version)s), đang chờ %(manager)s "
                "duyệt; không cần chốt lại. Nếu cần sửa, hãy đề nghị %(manager)s trả lại báo cáo."
            )
            % {
                "unit": unit.name,
                "title": period.title,
                "at": _moment(report.latest.submitted_at),
                "version": report.latest.version,
                "manager": manager_name(unit),
            }
        )
    if report.state == ReportState.APPROVED:
        raise ValidationError(
            _(
                "Báo cáo kỳ «%(title)s» của %(unit)s đã được duyệt. Muốn sửa số liệu đã duyệt, hãy gửi đề nghị "
                "điều chỉnh để %(manager)s đồng ý mở phiên bản mới."
            )
            % {"title": period.title, "unit": unit.name, "manager": manager_name(unit)}
        )
    if today < period.opens_on:
        raise ValidationError(
            _("Kỳ báo cáo «%(title)s» mở từ ngày %(opens)s; hãy chốt số liệu từ ngày đó.")
            % {"title": period.title, "opens": _day(period.opens_on)}
        )
    extended = report.extended_until is not None and today <= report.extended_until
    if period.closed_at is not None and not extended and report.state != ReportState.CORRECTING:
        raise ValidationError(
            _(
                "Kỳ báo cáo «%(title)s» đã khóa sổ ngày %(closed)s (hạn chót %(deadline)s); hãy đề nghị "
                "%(manager)s gia hạn cho đơn vị rồi chốt lại."
            )
            % {
                "title": period.title,
                "closed": _day(timezone.localdate(period.closed_at)),
                "deadline": _day(report.deadline),
                "manager": manager_name(unit),
            }
        )


def submit(
    period: ReportingPeriod, unit: Unit, *, by: Any, note: str = "", missing_note: str = "", check: bool = True
) -> Submission:
    """Submit (chốt) ``unit``'s data for ``period``: check, freeze an immutable snapshot, notify the reviewer.

    Two submissions at once give one version: the second waits for the report's row lock and is then told the
    report is already waiting for review. ``check=False`` skips re-measuring (the caller just ran the pre-check)."""
    scope = scope_for(by)
    if scope is None or scope.unit.pk != unit.pk:
        raise PermissionDenied(
            _("Chỉ tài khoản của chính %(unit)s được chốt số liệu của đơn vị.") % {"unit": unit.name}
        )
    if not scope.allows(Function.SUBMIT):
        raise PermissionDenied(
            _("Tài khoản chưa được giao chức năng «Chốt số liệu báo cáo»; hãy đề nghị quản trị của đơn vị giao.")
        )
    if not reports(unit):
        raise ValidationError(_("%(unit)s không thuộc diện chốt số liệu báo cáo.") % {"unit": unit.name})
    note, missing_note = note.strip(), missing_note.strip()
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        report = _locked_report(period, unit)
        check_may_submit(report, today)
        result = precheck(report.period, unit, measure=check)
        if not result.passed:
            lines = "\n".join(f"- {b.message}" for b in result.blockers[:BLOCKERS_LISTED])
            raise ValidationError(
                _("Chưa chốt được số liệu: còn %(n)s vấn đề phải sửa trước.\n%(lines)s")
                % {"n": len(result.blockers), "lines": lines}
            )
        if result.missing_units and not missing_note:
            names = ", ".join(child.name for child in result.missing_units[:20])
            raise ValidationError(
                {
                    "missing_note": _(
                        "Còn %(n)s đơn vị trực thuộc chưa có báo cáo được duyệt (%(names)s). Hãy duyệt báo cáo "
                        "của các đơn vị này trước, hoặc ghi lý do chốt thiếu vào ô giải trình."
                    )
                    % {"n": len(result.missing_units), "names": names}
                }
            )
        rollup = _rollup(period, unit) if unit.kind.category == Category.MANAGER else []
        frozen = snapshots.freeze(unit, snapshots.targets_of(period.covers))
        counts = dict(frozen.counts)
        for entry in rollup:
            for target, n in entry["counts"].items():
                counts[target] = counts.get(target, 0) + n
        late = today > report.deadline
        version = report.versions + 1
        submission = Submission.objects.create(
            report=report, version=version, submitted_at=now, submitted_by=by, late=late, note=note
        )
        parent = unit.parent
        Snapshot.objects.create(
            submission=submission,
            unit_path=unit.path,
            unit_name=unit.name,
            parent=parent,
            parent_name=parent.name if parent else "",
            covers=list(period.covers),
            counts=counts,
            scorecard=result.scorecard,
            rollup=rollup,
            data=frozen.payload,
            size=frozen.size,
            checksum=frozen.checksum,
            taken_at=now,
        )
        # The statistics of the submission, taken from the same records in the same transaction (R7.4).
        from edudb.stats import compute as stats

        stats.unscoped_freeze_figures(submission, covers=period.covers)
        if report.latest is not None and report.latest.review == Submission.Review.PENDING:
            Submission.objects.filter(pk=report.latest.pk).update(review=Submission.Review.SUPERSEDED)
        report.versions = version
        report.latest = submission
        report.state = ReportState.SUBMITTED
        if report.first_submitted_at is None:
            report.first_submitted_at = now
            report.on_time = not late
        if result.missing_units:
            report.missing_note = missing_note
        report.save()
        audit.record(
            "reporting.submit",
            by=by,
            obj=submission,
            unit=unit,
            extra={"period": period.pk, "version": version, "checksum": frozen.checksum, "late": late},
        )
        if parent is not None:
            _tell_reviewers(
                unit,
                kind="reporting.submitted",
                title=_("%(unit)s đã chốt số liệu %(title)s (phiên bản %(version)s)%(late)s")
                % {
                    "unit": unit.name,
                    "title": period.title,
                    "version": version,
                    "late": _(", sau hạn") if late else "",
                },
                url=reverse("reporting:submission", args=[submission.pk]),
            )
    return submission


def _rollup(period: ReportingPeriod, unit: Unit) -> list[dict[str, Any]]:
    """What a manager's report carries from the units directly under it: each one's approved version."""
    approved = (
        UnitReport.objects.filter(period=period, unit__parent=unit, approved__isnull=False)
        .select_related("unit", "approved__snapshot")
        .order_by("unit__name_key")
    )
    return [
        {
            "unit": r.unit_id,
            "code": r.unit.code,
            "name": r.unit.name,
            "submission": r.approved_id,
            "version": r.approved.version,  # type: ignore[union-attr]
            "checksum": r.approved.snapshot.checksum,  # type: ignore[union-attr]
            "counts": r.approved.snapshot.counts,  # type: ignore[union-attr]
        }
        for r in approved
    ]


# --- Review ----------------------------------------------------------------------------------------------------------


def _tell_unit(unit: Unit, *, kind: str, title: str, body: str = "", url: str = "") -> None:
    notify(unscoped_accounts_holding([unit.pk], Function.SUBMIT), kind=kind, title=title, body=body, url=url, unit=unit)


def _tell_reviewers(unit: Unit, *, kind: str, title: str, body: str = "", url: str = "") -> None:
    parent = reviewer_of(unit)
    if parent is None:
        return
    notify(
        unscoped_accounts_holding([parent.pk], Function.APPROVE), kind=kind, title=title, body=body, url=url, unit=unit
    )


def _locked_submission(submission: Submission, by: Any) -> tuple[Submission, UnitReport]:
    unit = submission.report.unit
    if scope_for(by) is not None and scope_for(by).unit.pk == unit.pk:  # type: ignore[union-attr]
        raise PermissionDenied(
            _("Không thể tự duyệt báo cáo của chính đơn vị mình; báo cáo của %(unit)s do %(manager)s duyệt.")
            % {"unit": unit.name, "manager": manager_name(unit)}
        )
    if not reaches(by, unit, Function.VIEW, Domain.UNITS):
        raise PermissionDenied(_("Báo cáo này nằm ngoài phạm vi quản lý của bạn; không có gì thay đổi."))
    if not may_review(by, unit):
        raise PermissionDenied(
            _("Báo cáo của %(unit)s do %(manager)s duyệt (tài khoản có chức năng «Duyệt báo cáo»).")
            % {"unit": unit.name, "manager": manager_name(unit)}
        )
    report = _locked_report(submission.report.period, unit)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.review != Submission.Review.PENDING or report.latest_id != submission.pk:
        raise ValidationError(
            _("Phiên bản %(version)s của %(unit)s không còn chờ duyệt (hiện: %(state)s); hãy tải lại trang.")
            % {"version": submission.version, "unit": unit.name, "state": submission.get_review_display()}
        )
    return submission, report


def approve(submission: Submission, *, by: Any, comment: str = "") -> Submission:
    """Approve a submitted version: it becomes the unit's official report for the period (Điều 10.1)."""
    with transaction.atomic():
        submission, report = _locked_submission(submission, by)
        now = timezone.now()
        previous = report.approved
        submission.review = Submission.Review.APPROVED
        submission.reviewed_at = now
        submission.reviewed_by = by
        submission.reason = comment.strip()
        submission.save(update_fields=["review", "reviewed_at", "reviewed_by", "reason"])
        report.approved = submission
        report.state = ReportState.APPROVED
        report.save(update_fields=["approved", "state", "updated_at"])
        audit.record(
            "reporting.approve",
            by=by,
            obj=submission,
            unit=report.unit,
            extra={"version": submission.version, "replaces": previous.version if previous else None},
        )
        _tell_unit(
            report.unit,
            kind="reporting.approved",
            title=_("Báo cáo %(title)s (phiên bản %(version)s) đã được duyệt")
            % {"title": report.period.title, "version": submission.version},
            body=submission.reason,
            url=reverse("reporting:submission", args=[submission.pk]),
        )
    return submission


def return_submission(submission: Submission, *, by: Any, reason: str) -> Submission:
    """Return a submitted version with a reason: the unit corrects its data and submits a new version."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")})
    with transaction.atomic():
        submission, report = _locked_submission(submission, by)
        submission.review = Submission.Review.RETURNED
        submission.reviewed_at = timezone.now()
        submission.reviewed_by = by
        submission.reason = reason
        submission.save(update_fields=["review", "reviewed_at", "reviewed_by", "reason"])
        report.state = ReportState.RETURNED
        report.save(update_fields=["state", "updated_at"])
        audit.record("reporting.return", by=by, obj=submission, unit=report.unit, extra={"reason": reason})
        _tell_unit(
            report.unit,
            kind="reporting.returned",
            title=_("Báo cáo %(title)s bị trả lại: hãy sửa và chốt lại") % {"title": report.period.title},
            body=reason,
            url=reverse("reporting:report", args=[report.period_id, report.unit_id]),
        )
    return submission


# --- Extensions and corrections --------------------------------------------------------------------------------------


def grant_extension(period: ReportingPeriod, unit: Unit, *, by: Any, until: dt.date | None, reason: str) -> Extension:
    """The manager above grants ``unit`` a later deadline, with a reason (recorded and counted on the board)."""
    reason = (reason or "").strip()
    errors = {}
    if until is None:
        errors["until"] = _("Hãy ghi ngày gia hạn đến (dd/mm/yyyy).")
    elif until <= period.deadline:
        errors["until"] = _("Ngày gia hạn phải sau hạn chót của kỳ báo cáo (%(deadline)s).") % {
            "deadline": _day(period.deadline)
        }
    elif until < timezone.localdate():
        errors["until"] = _("Ngày gia hạn đã qua; hãy chọn một ngày từ hôm nay trở đi.")
    if not reason:
        errors["reason"] = _("Hãy ghi lý do gia hạn.")
    if errors or until is None:
        raise ValidationError(errors)
    if not may_review(by, unit):
        raise PermissionDenied(
            _("Gia hạn cho %(unit)s do %(manager)s quyết định.") % {"unit": unit.name, "manager": manager_name(unit)}
        )
    with transaction.atomic():
        report = _locked_report(period, unit)
        if report.state in (ReportState.SUBMITTED, ReportState.APPROVED):
            raise ValidationError(_("%(unit)s đã chốt số liệu kỳ này; không cần gia hạn.") % {"unit": unit.name})
        extension = Extension.objects.create(
            report=report, until=until, reason=reason, granted_at=timezone.now(), granted_by=by
        )
        report.extended_until = until
        report.save(update_fields=["extended_until", "updated_at"])
        audit.record("reporting.extend", by=by, obj=extension, unit=unit, extra={"until": until, "reason": reason})
        _tell_unit(
            unit,
            kind="reporting.extended",
            title=_("%(title)s: được gia hạn đến %(until)s") % {"title": period.title, "until": _day(until)},
            body=reason,
            url=reverse("reporting:report", args=[period.pk, unit.pk]),
        )
    return extension


def request_correction(period: ReportingPeriod, unit: Unit, *, by: Any, reason: str) -> Correction:
    """A unit asks to correct its approved report (the approved version stays until a new one is approved)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi cần điều chỉnh số liệu gì và vì sao.")})
    scope = scope_for(by)
    if scope is None or scope.unit.pk != unit.pk or not scope.allows(Function.SUBMIT):
        raise PermissionDenied(
            _("Chỉ tài khoản có chức năng «Chốt số liệu báo cáo» của %(unit)s được đề nghị điều chỉnh.")
            % {"unit": unit.name}
        )
    with transaction.atomic():
        report = _locked_report(period, unit)
        if report.state != ReportState.APPROVED:
            raise ValidationError(
                _("Chỉ báo cáo đã được duyệt mới cần đề nghị điều chỉnh; báo cáo này đang ở trạng thái «%(state)s».")
                % {"state": report.get_state_display()}
            )
        if report.corrections.filter(decision=Correction.Decision.PENDING).exists():
            raise ValidationError(
                _("Đã có một đề nghị điều chỉnh đang chờ %(manager)s quyết định.") % {"manager": manager_name(unit)}
            )
        correction = Correction.objects.create(
            report=report, reason=reason, requested_at=timezone.now(), requested_by=by
        )
        audit.record("reporting.correction.request", by=by, obj=correction, unit=unit, extra={"reason": reason})
        _tell_reviewers(
            unit,
            kind="reporting.correction",
            title=_("%(unit)s đề nghị điều chỉnh báo cáo %(title)s đã duyệt")
            % {"unit": unit.name, "title": period.title},
            body=reason,
            url=reverse("reporting:report", args=[period.pk, unit.pk]),
        )
    return correction


def decide_correction(correction: Correction, *, by: Any, accept: bool, answer: str = "") -> Correction:
    """The manager accepts (a new version may be submitted) or refuses (with a reason) a correction request."""
    answer = (answer or "").strip()
    if not accept and not answer:
        raise ValidationError({"answer": _("Hãy ghi lý do không đồng ý để đơn vị biết.")})
    unit = correction.report.unit
    if not may_review(by, unit):
        raise PermissionDenied(
            _("Đề nghị điều chỉnh của %(unit)s do %(manager)s quyết định.")
            % {"unit": unit.name, "manager": manager_name(unit)}
        )
    with transaction.atomic():
        report = _locked_report(correction.report.period, unit)
        correction = Correction.objects.select_for_update().get(pk=correction.pk)
        if correction.decision != Correction.Decision.PENDING:
            raise ValidationError(_("Đề nghị này đã được quyết định; hãy tải lại trang."))
        correction.decision = Correction.Decision.ACCEPTED if accept else Correction.Decision.REFUSED
        correction.decided_at = timezone.now()
        correction.decided_by = by
        correction.answer = answer
        correction.save()
        if accept:
            report.state = ReportState.CORRECTING
            report.save(update_fields=["state", "updated_at"])
        audit.record(
            "reporting.correction.decide", by=by, obj=correction, unit=unit, extra={"accept": accept, "answer": answer}
        )
        _tell_unit(
            unit,
            kind="reporting.correction.decided",
            title=(
                _("Đề nghị điều chỉnh báo cáo %(title)s được đồng ý: hãy sửa số liệu và chốt phiên bản mới")
                if accept
                else _("Đề nghị điều chỉnh báo cáo %(title)s không được đồng ý")
            )
            % {"title": report.period.title},
            body=answer,
            url=reverse("reporting:report", args=[report.period_id, unit.pk]),
        )
    return correction


# --- Reminders -------------------------------------------------------------------------------------------------------


def send_reminders(today: dt.date | None = None) -> int:
    """Remind the units that have not submitted, the configured days before each open period's deadline and on
    the day itself (in-app, and e-mail where configured). Each reminder goes once; returns how many were sent."""
    today = today or timezone.localdate()
    days = sorted(set(settings.EDUDB_REMINDER_DAYS))
    sent = 0
    open_periods = ReportingPeriod.objects.filter(closed_at__isnull=True, opens_on__lte=today, deadline__gte=today)
    for period in open_periods:
        left = (period.deadline - today).days
        if left not in days:
            continue
        done = set(
            UnitReport.objects.filter(
                period=period, state__in=[ReportState.SUBMITTED, ReportState.APPROVED]
            ).values_list("unit_id", flat=True)
        )
        extended = set(
            UnitReport.objects.filter(period=period, extended_until__gt=period.deadline).values_list(
                "unit_id", flat=True
            )
        )
        already = set(Reminder.objects.filter(period=period, days_before=left).values_list("unit_id", flat=True))
        units = [
            pk
            for pk in unscoped_reporting_units().values_list("pk", flat=True)
            if pk not in done and pk not in extended and pk not in already
        ]
        if not units:
            continue
        title = (
            _("Hôm nay là hạn chót %(title)s: hãy chốt số liệu trong ngày")
            if left == 0
            else _("Còn %(days)s ngày đến hạn chót %(title)s (%(deadline)s): hãy chốt số liệu")
        ) % {"title": period.title, "days": left, "deadline": _day(period.deadline)}
        with transaction.atomic():
            Reminder.objects.bulk_create(
                [Reminder(period=period, unit_id=pk, days_before=left, sent_at=timezone.now()) for pk in units],
                ignore_conflicts=True,
                batch_size=1000,
            )
            accounts = unscoped_accounts_holding(units, Function.SUBMIT)
            notify(accounts, kind="reporting.reminder", title=title, url=reverse("reporting:period", args=[period.pk]))
        sent += len(units)
    return sent


def ensure_current_periods() -> int:
    """Every school year has its two periodic reports (run daily, so a new year gets them without anyone asking)."""
    made = 0
    for year in SchoolYear.objects.all():
        before = ReportingPeriod.objects.filter(school_year=year).exclude(kind=PeriodKind.ADHOC).count()
        if before < 2:
            ensure_periods(year)
            made += 2 - before
    return made


def unscoped_reporting_units_under(unit: Unit) -> QuerySet[Unit]:
    """The reporting units in ``unit``'s subtree (``unit`` itself included when it reports)."""
    return unscoped_reporting_units().filter(subtree_q(unit.path))


def latest_submissions(report: UnitReport) -> list[Submission]:
    return list(report.submissions.select_related("submitted_by", "reviewed_by", "snapshot").order_by("-version"))


def is_open_for(period: ReportingPeriod, report: UnitReport | None, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    if today < period.opens_on:
        return False
    if period.closed_at is None:
        return True
    if report is None:
        return False
    return report.state == ReportState.CORRECTING or (
        report.extended_until is not None and today <= report.extended_until
    )


def pending_for(user: Any) -> Q:
    """Submissions waiting for ``user``'s review, as a filter on ``Submission`` (the caller scopes it too)."""
    scope = scope_for(user)
    if scope is None or not scope.allows(Function.APPROVE):
        return Q(pk__in=[])
    reviewer = scope.unit.parent_id if scope.unit.kind.category == Category.OFFICE else scope.unit.pk
    return Q(review=Submission.Review.PENDING, report__unit__parent_id=reviewer)
