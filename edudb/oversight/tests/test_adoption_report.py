"""Adoption per unit and the management report (R9.3, Điều 11.3): figures against recounts, scope, files."""

from __future__ import annotations

import datetime as dt
import sys
import types
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import strategies as st

from conftest import Cast
from edudb.accounts.models import Account
from edudb.core import audit
from edudb.core.models import AuditEntry, Unit, subtree_q
from edudb.core.tests.clients import signed_in
from edudb.core.tests.factories import AccountFactory, UnitFactory
from edudb.core.tests.test_query_counts import count_queries
from edudb.oversight import adoption, report
from edudb.oversight.adoption import Tally
from edudb.quality.models import UnitScore
from edudb.reporting.models import PeriodKind, ReportingPeriod, UnitReport
from edudb.stats.tests.test_documents import pdf_text, sheet_rows, squeezed


def _score(unit: Unit, target: str, domain: str, records: int, required: int, filled: int) -> None:
    UnitScore.objects.create(
        unit=unit,
        domain=domain,
        target=target,
        measured_at=timezone.now(),
        records=records,
        required_cells=required,
        filled_cells=filled,
    )


def _period() -> ReportingPeriod:
    today = timezone.localdate()
    return ReportingPeriod.objects.create(
        kind=PeriodKind.ADHOC,
        title="Báo cáo đột xuất kiểm thử",
        opens_on=today - dt.timedelta(days=3),
        deadline=today + dt.timedelta(days=3),
    )


def _populate(cast: Cast) -> ReportingPeriod:
    now = timezone.now()
    Account.objects.filter(pk=cast.school_a1_admin.pk).update(last_seen_at=now - dt.timedelta(days=2))
    Account.objects.filter(pk=cast.school_a1_user.pk).update(last_seen_at=now - dt.timedelta(days=40))
    Account.objects.filter(pk=cast.school_a2_user.pk).update(last_seen_at=now, is_active=False)
    Account.objects.filter(pk=cast.school_b1_admin.pk).update(last_seen_at=now)
    TOTPDevice.objects.create(user=cast.school_a1_admin, name="app", confirmed=True)
    TOTPDevice.objects.create(user=cast.school_a2_admin, name="app", confirmed=False)
    _score(cast.school_a1, "student", "students", 120, 1000, 900)
    _score(cast.school_a1, "staff", "staff", 30, 300, 300)
    _score(cast.school_a2, "student", "students", 80, 1000, 500)
    _score(cast.school_b1, "student", "students", 50, 100, 100)
    period = _period()
    UnitReport.objects.create(period=period, unit=cast.school_a1, first_submitted_at=now, on_time=True)
    UnitReport.objects.create(period=period, unit=cast.school_b1)
    return period


def _row(built: adoption.Adoption, unit: Unit) -> adoption.AdoptionRow:
    return next(row for row in built.rows if row.unit_id == unit.pk)


@pytest.mark.django_db
def test_adoption_rows_match_recounts(cast: Cast) -> None:
    period = _populate(cast)
    built = adoption.build(cast.so_admin, cast.so, period)
    a_tree = Unit.objects.filter(subtree_q(cast.commune_a.path))
    row = _row(built, cast.commune_a)
    assert row.drill
    accounts = Account.objects.filter(unit__in=a_tree)
    since = timezone.now() - dt.timedelta(days=30)
    assert row.tally.accounts == accounts.count() == 6  # commune admin + user, two school admins, two school users
    assert row.tally.active == accounts.filter(is_active=True, last_seen_at__gte=since).count() == 1
    assert row.tally.two_factor == 1  # an unconfirmed device does not count
    assert row.tally.records_of("student") == 200
    assert row.tally.records_of("staff") == 30
    assert row.tally.completeness_pct == round(100 * (900 + 300 + 500) / (1000 + 300 + 1000))
    assert (row.tally.reporting, row.tally.submitted, row.tally.approved) == (3, 1, 0)
    b_row = _row(built, cast.commune_b)
    assert (b_row.tally.submitted, b_row.tally.records_of("student"), b_row.tally.completeness_pct) == (0, 50, 100)
    assert built.total.accounts == Account.objects.count()
    assert built.total.units == Unit.objects.count()
    assert built.rows[0].own and built.rows[0].unit_id == cast.so.pk


@pytest.mark.django_db
def test_a_manager_counts_only_its_own_tree(cast: Cast) -> None:
    _populate(cast)
    built = adoption.build(cast.commune_a_admin, cast.commune_a, None)
    assert {row.unit_id for row in built.rows} == {cast.commune_a.pk, cast.school_a1.pk, cast.school_a2.pk}
    assert built.total.accounts == Account.objects.filter(unit__path__startswith=cast.commune_a.path).count()
    assert built.total.records_of("student") == 200


@pytest.mark.django_db
def test_the_page_drills_down_and_refuses_a_unit_out_of_reach(cast: Cast) -> None:
    _populate(cast)
    client = signed_in(cast.commune_a_admin)
    text = client.get("/oversight/").content.decode()
    assert cast.school_a1.name in text and cast.school_b1.name not in text
    assert client.get(f"/oversight/?unit={cast.school_b1.pk}").status_code == 404
    assert client.get(f"/oversight/?unit={cast.school_a1.pk}").status_code == 200


@pytest.mark.django_db
def test_open_complaints_and_incidents_come_from_their_apps(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    """The columns read ``open_counts_by_unit(unit_ids)`` of the feedback and incidents services."""
    asked: list[list[int]] = []

    def fake(counts: dict[int, int]) -> types.ModuleType:
        module = types.ModuleType("fake")

        def open_counts_by_unit(unit_ids: list[int]) -> dict[int, int]:
            asked.append(list(unit_ids))
            return {k: v for k, v in counts.items() if k in unit_ids}

        module.open_counts_by_unit = open_counts_by_unit  # type: ignore[attr-defined]
        return module

    monkeypatch.setitem(sys.modules, "edudb.feedback.services", fake({cast.school_a1.pk: 2, cast.school_b1.pk: 7}))
    monkeypatch.setitem(sys.modules, "edudb.incidents.services", fake({cast.school_a2.pk: 1}))
    built = adoption.build(cast.commune_a_admin, cast.commune_a, None)
    assert built.total.complaints == 2  # school B1's seven are out of reach
    assert built.total.incidents == 1
    assert all(cast.school_b1.pk not in ids for ids in asked)


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 20), st.integers(0, 20), st.integers(0, 50)),
        min_size=1,
        max_size=25,
    )
)
def test_rows_partition_the_units_so_they_add_up_to_the_total(spec: list[tuple[int, int, int, int]]) -> None:
    """Whatever the tree, each visible unit counts in exactly one row: the rows add up to the total."""
    root = Unit(pk=1, name="Gốc", code="G", path="/1/", depth=0)
    info: dict[int, tuple[str, str, str, str, bool]] = {1: ("/1/", "Gốc", "G", "department", True)}
    per_unit = {1: Tally(units=1)}
    for index, (parent_pick, accounts, records, required) in enumerate(spec, start=2):
        parents = sorted(info)
        parent = parents[parent_pick % len(parents)]
        path = f"{info[parent][0]}{index}/"
        info[index] = (path, f"Đơn vị {index}", str(index), "institution", True)
        per_unit[index] = Tally(units=1, accounts=accounts, records={"student": records}, required_cells=required)
    built = adoption._group(root, None, info, per_unit)
    summed = Tally()
    for row in built.rows:
        summed.add(row.tally)
    assert summed == built.total
    assert summed.units == len(info)


@pytest.mark.django_db
def test_adoption_excel_has_the_header_and_the_figures(cast: Cast) -> None:
    period = _populate(cast)
    client = signed_in(cast.so_admin)
    response = client.get(f"/oversight/units/{cast.so.pk}/adoption.xlsx?period={period.pk}")
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    cells = [str(cell) for row in rows for cell in row]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert cast.so.name.upper() in cells
    commune = next(row for row in rows if cast.commune_a.name in row)
    assert [int(v) for v in commune[2:5]] == [6, 1, 1]
    assert AuditEntry.objects.filter(action="oversight.adoption.export", actor=cast.so_admin).count() == 1
    # Without "Xuất dữ liệu": nothing to find.
    assert signed_in(cast.commune_a_user).get(f"/oversight/units/{cast.commune_a.pk}/adoption.xlsx").status_code == 404


def _failures(cast: Cast, unit: Unit, n: int, reason: str = "bad_credentials") -> None:
    account = Account.objects.filter(unit=unit).first()
    for _ in range(n):
        audit.record("signin.failure", by=None, obj=account, username="x", extra={"reason": reason})


def _labelled(rows: list[list[Any]]) -> dict[str, Any]:
    return {str(row[1]): row[2] for row in rows if len(row) > 2 and isinstance(row[1], str) and row[1]}


@pytest.mark.django_db
def test_management_report_figures(cast: Cast) -> None:
    _populate(cast)
    _failures(cast, cast.school_a1, 3)
    _failures(cast, cast.school_a1, 2, "locked_account")
    _failures(cast, cast.school_b1, 4)
    today = timezone.localdate()
    span = report.Span(today - dt.timedelta(days=10), today)
    lines = {label: value for label, value, _level in report.lines(cast.commune_a_admin, cast.commune_a, span)}
    assert lines["Số lần đăng nhập không thành công"] == 5  # B1's four are not in commune A's report
    assert lines["— trong đó bị chặn do tạm khóa"] == 2
    assert lines["Số tài khoản đã cấp (đến cuối kỳ)"] == 6
    assert lines["Số bản ghi: Học sinh"] == 200
    assert lines["Số đơn vị đang hoạt động"] == 3
    # A period that ended before anything happened reports no failures.
    old = report.Span(today - dt.timedelta(days=400), today - dt.timedelta(days=300))
    past = {label: value for label, value, _level in report.lines(cast.commune_a_admin, cast.commune_a, old)}
    assert past["Số lần đăng nhập không thành công"] == 0


@pytest.mark.django_db
def test_management_report_files_carry_the_official_header(cast: Cast) -> None:
    _populate(cast)
    _failures(cast, cast.school_a1, 3)
    today = timezone.localdate()
    query = f"start={(today - dt.timedelta(days=5)).isoformat()}&end={today.isoformat()}"
    client = signed_in(cast.so_admin)
    xlsx = client.get(f"/oversight/units/{cast.so.pk}/report/?format=xlsx&{query}")
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].startswith("attachment;")
    rows = sheet_rows(xlsx.content)
    cells = [str(cell) for row in rows for cell in row]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert any(cell.startswith("Số:") for cell in cells)
    assert any(cell.startswith("Hải Phòng, ngày") for cell in cells)
    assert "BÁO CÁO TÌNH HÌNH QUẢN LÝ, VẬN HÀNH, SỬ DỤNG HỆ THỐNG CSDL NGÀNH" in cells
    assert int(_labelled(rows)["Số lần đăng nhập không thành công"]) == 3
    pdf = client.get(f"/oversight/units/{cast.so.pk}/report/?format=pdf&{query}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = squeezed(pdf_text(pdf.content))
    assert squeezed("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") in text
    assert squeezed("An toàn thông tin") in text
    entries = AuditEntry.objects.filter(action="oversight.report", actor=cast.so_admin)
    assert sorted(entries.values_list("extra__format", flat=True)) == ["pdf", "xlsx"]


@pytest.mark.django_db
def test_report_needs_export_and_a_valid_period(cast: Cast) -> None:
    assert signed_in(cast.school_a1_user).get(f"/oversight/units/{cast.school_a1.pk}/report/").status_code == 404
    client = signed_in(cast.school_a1_admin)
    response = client.get(f"/oversight/units/{cast.school_a1.pk}/report/?start=2026-06-30&end=2026-01-01", follow=True)
    assert "Đến ngày: phải sau hoặc bằng" in response.content.decode()
    assert not AuditEntry.objects.filter(action="oversight.report").exists()
    page = client.get("/oversight/report/?start=2026-06-30&end=2026-01-01")
    assert page.status_code == 200 and "Đến ngày: phải sau hoặc bằng" in page.content.decode()


def _grow(cast: Cast, n: int) -> None:
    for i in range(n):
        school = UnitFactory.create(name=f"Trường Tiểu học Mở Rộng {i}", parent=cast.commune_a)
        AccountFactory.create(unit=school, functions=["view"], last_seen_at=timezone.now())
        _score(school, "student", "students", 10, 10, 10)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/oversight/", "/oversight/?unit={commune}", "/oversight/contacts/", "/oversight/reviews/", "/oversight/report/"],
)
def test_pages_keep_a_constant_number_of_queries(cast: Cast, url: str) -> None:
    from edudb.oversight import services

    _period()
    client = Client()
    client.force_login(cast.so_admin)
    client.get("/")
    target = url.format(commune=cast.commune_a.pk)
    _grow(cast, 2)
    small = count_queries(client, target)
    _grow(cast, 8)
    services.unscoped_open_half_year_reviews()
    large = count_queries(client, target)
    assert large == small, f"{target}: {small} → {large} queries"


def _incident(cast: Cast, unit: Unit, index: int, category: str, *, resolved: bool = False) -> None:
    from edudb.incidents.models import Incident

    now = timezone.now()
    Incident.objects.create(
        number=Incident.format_number(now.year, 900 + index),
        year=now.year,
        sequence=900 + index,
        unit=unit,
        reported_by=Account.objects.filter(unit=unit).get(kind="admin"),
        reported_at=now,
        category=category,
        severity="medium",
        title="Sự cố kiểm thử",
        description="Nghi có người dò mật khẩu.",
        detected_at=now,
        state="resolved" if resolved else "reported",
        resolved_at=now if resolved else None,
    )


@pytest.mark.django_db
def test_incidents_count_in_the_report_and_the_adoption_table(cast: Cast) -> None:
    _incident(cast, cast.school_a1, 1, "security")
    _incident(cast, cast.school_a2, 2, "slow", resolved=True)
    _incident(cast, cast.school_b1, 3, "security")
    today = timezone.localdate()
    span = report.Span(today - dt.timedelta(days=1), today)
    lines = {label: value for label, value, _level in report.lines(cast.commune_a_admin, cast.commune_a, span)}
    assert lines["Sự cố báo cáo trong kỳ"] == 2
    assert lines["Sự cố đã khắc phục trong kỳ"] == 1
    assert lines["Sự cố an toàn thông tin trong kỳ"] == 1
    assert lines["Sự cố đang mở"] == 1
    built = adoption.build(cast.commune_a_admin, cast.commune_a, None)
    assert built.total.incidents == 1
    assert _row(built, cast.school_a1).tally.incidents == 1


@pytest.mark.django_db
def test_security_figures_count_security_incidents(cast: Cast) -> None:
    from edudb.oversight import services

    _incident(cast, cast.school_a1, 4, "security")
    _incident(cast, cast.school_a1, 5, "slow")
    _incident(cast, cast.school_b1, 6, "security")
    figures = services.unscoped_security_figures(cast.commune_a, 30)
    assert (figures.security_incidents, figures.incidents_open) == (1, 2)
