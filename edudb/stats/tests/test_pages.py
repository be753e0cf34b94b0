"""The statistics pages: dashboards per role, tables that drill down to the records, documents (inline and in the
background with progress), the refresh button — all scoped, in Vietnamese, with a constant number of queries."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import signed_in
from edudb.stats import compute, services
from edudb.stats.models import DocumentState, Figure, StatsDocument
from edudb.stats.tests.test_periods import enrol

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def figures(cast: Cast) -> Cast:
    enrol(cast, "school_a1", 12, 1)
    enrol(cast, "school_a1", 5, 2, gender="2")
    enrol(cast, "school_a1", 2, 1, status="05")  # dropped out in term 1: listed by the school, not counted
    enrol(cast, "school_a2", 7, 6)
    enrol(cast, "school_b1", 9, 3)
    enrol(cast, "thpt", 30, 10, gender="2")
    compute.unscoped_refresh_live()
    return cast


def table_url(unit: Any, query: str) -> str:
    return f"{reverse('stats:table', args=[unit.pk])}?{query}"


def numbers(html: str) -> list[str]:
    return re.findall(r'<td class="num">(?:<a [^>]*>)?([\d.,—]+)', html)


def test_the_sos_dashboard_shows_key_figures_charts_and_ratios(figures: Cast) -> None:
    response = signed_in(figures.so_admin).get(reverse("stats:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thống kê — Sở Giáo dục và Đào tạo thành phố Hải Phòng" in html
    assert '<span class="tile-n">63</span><span>Học sinh</span>' in html
    assert html.count("<svg") >= 4 and 'role="img"' in html
    assert "Học sinh bình quân một lớp" in html
    # The bar chart of the units under the Sở drills down to each one's dashboard.
    assert reverse("stats:unit", args=[figures.commune_a.pk]) in html


def test_a_table_drills_down_from_the_city_to_a_commune_to_a_school_to_its_records(figures: Cast) -> None:
    client = signed_in(figures.so_admin)
    city = client.get(table_url(figures.so, "indicator=hoc_sinh")).content.decode()
    assert "Học sinh theo khối lớp và giới tính" in city and "Tổng cộng" in city
    commune_link = table_url(figures.commune_a, "indicator=hoc_sinh&source=live&by=children")
    assert commune_link.replace("&", "&amp;") in city
    commune = client.get(commune_link).content.decode()
    assert figures.school_a1.name in commune and figures.school_b1.name not in commune
    # Each school's number links to the list of its learners of that grade and gender — and the list agrees.
    record_links = re.findall(r'<a href="(/students/\?[^"]+)"[^>]*>(\d+)</a>', commune)
    assert any("grade=1" in url and "gender=" in url and "on_roll=1" in url for url, _n in record_links)
    for url, shown in record_links:
        listed = client.get(url.replace("&amp;", "&")).content.decode()
        assert f"{shown} học sinh." in listed, url


def test_every_grouping_renders_and_its_rows_sum_to_the_total(figures: Cast) -> None:
    client = signed_in(figures.so_admin)
    for by in ("children", "units", "kind", "ownership", "commune", "categories"):
        response = client.get(table_url(figures.so, f"indicator=hoc_sinh&by={by}"))
        assert response.status_code == 200, by
        values = numbers(response.content.decode())
        assert values[0] == "63", by  # the total row comes first
    ratios = client.get(table_url(figures.so, "kind=ratios"))
    assert ratios.status_code == 200 and "Học sinh trên một giáo viên" in ratios.content.decode()


def test_a_school_sees_only_itself_and_nothing_leaks_into_its_totals(figures: Cast) -> None:
    client = signed_in(figures.school_a1_user)
    html = client.get(reverse("stats:dashboard")).content.decode()
    assert '<span class="tile-n">17</span><span>Học sinh</span>' in html
    for other in ("school_a2", "school_b1", "thpt", "commune_a", "so"):
        assert client.get(reverse("stats:unit", args=[figures.units[other].pk])).status_code == 404
        assert client.get(table_url(figures.units[other], "indicator=hoc_sinh")).status_code == 404
    table = client.get(table_url(figures.school_a1, "indicator=hoc_sinh&by=categories")).content.decode()
    assert numbers(table)[0] == "17" and figures.school_a2.name not in table
    # A commune: its schools, not the other commune's, and its total is theirs.
    commune = (
        signed_in(figures.commune_a_admin).get(table_url(figures.commune_a, "indicator=hoc_sinh")).content.decode()
    )
    assert numbers(commune)[0] == "24" and figures.school_b1.name not in commune


def test_a_bad_parameter_is_a_vietnamese_message_not_an_error(figures: Cast) -> None:
    client = signed_in(figures.so_admin)
    response = client.get(table_url(figures.so, "indicator=khong_co"), follow=True)
    assert response.status_code == 200
    assert "không có trong danh mục chỉ tiêu thống kê" in response.content.decode()
    response = client.get(table_url(figures.so, "indicator=hoc_sinh&by=lung_tung"), follow=True)
    assert "Cách nhóm «lung_tung» không hợp lệ" in response.content.decode()
    assert client.get(table_url(figures.so, "indicator=hoc_sinh&source=999999")).status_code == 404
    # Without an indicator, the table page is the catalogue.
    catalogue = client.get(reverse("stats:table", args=[figures.so.pk]))
    assert catalogue.status_code == 200 and "Danh mục bảng thống kê" in catalogue.content.decode()


def test_small_documents_come_at_once_audited_and_large_ones_in_the_background(
    figures: Cast, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    client = signed_in(figures.so_admin)
    base = reverse("stats:document", args=[figures.so.pk])
    xlsx = client.get(f"{base}?indicator=hoc_sinh&by=units&format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    text = " ".join(str(cell) for row in sheet for cell in row)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "SỞ GIÁO DỤC VÀ ĐÀO TẠO THÀNH PHỐ HẢI PHÒNG" in text
    assert 63 in [cell for row in sheet for cell in row]
    pdf = client.get(f"{base}?indicator=hoc_sinh&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="stats.document").count() == 2

    monkeypatch.setattr(services, "INLINE_ROWS", 0)
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.get(f"{base}?indicator=hoc_sinh&by=units&format=pdf")
    job = StatsDocument.objects.get()
    assert queued.status_code == 302 and queued["Location"] == reverse("stats:document_status", args=[job.pk])
    assert job.state == DocumentState.DONE and job.percent == 100
    page = client.get(queued["Location"]).content.decode()
    assert "Tải tệp" in page and 'hx-trigger="every 1s"' not in page
    download = client.get(reverse("stats:document_file", args=[job.pk]))
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert download.status_code == 200 and content.startswith(b"%PDF")
    # The file is its account's alone, and out of reach without "Xuất dữ liệu".
    assert signed_in(figures.commune_a_admin).get(reverse("stats:document_file", args=[job.pk])).status_code == 404
    assert signed_in(figures.school_a2_user).get(f"{base}?indicator=hoc_sinh&format=xlsx").status_code == 404


def test_a_document_that_fails_says_so_in_vietnamese(figures: Cast, monkeypatch: Any) -> None:
    job = StatsDocument.objects.create(
        unit=figures.so, account=figures.so_admin, query="indicator=khong_co", file_format="pdf", title="Thử"
    )
    assert services.unscoped_run_document(job.pk) == DocumentState.FAILED
    job.refresh_from_db()
    assert job.state == DocumentState.FAILED and "không có trong danh mục chỉ tiêu" in job.message


def test_refresh_recomputes_the_live_figures_of_the_units_in_reach(
    figures: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    enrol(figures, "school_a1", 4, 1)
    client = signed_in(figures.commune_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stats:refresh", args=[figures.commune_a.pk]))
    assert response.status_code == 302
    own = Figure.objects.filter(submission__isnull=True, indicator="hoc_sinh", unit=figures.school_a1)
    assert sum(f.value for f in own) == 21
    assert signed_in(figures.school_a2_user).post(reverse("stats:refresh", args=[figures.so.pk])).status_code == 404


PAGES = [
    "/stats/",
    "stats:unit|",
    "stats:table|indicator=hoc_sinh",
    "stats:table|indicator=hoc_sinh&by=units",
    "stats:table|indicator=phong&by=kind",
    "stats:table|indicator=doi_ngu&by=commune",
    "stats:table|kind=ratios",
    "stats:table|indicator=hoc_sinh&by=categories",
]


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["so_admin", "commune_a_admin", "school_a1_user", "office_th_user"])
def test_statistics_pages_keep_a_constant_number_of_queries(figures: Cast, role: str) -> None:
    from edudb.core.tests.factories import UnitFactory

    client = signed_in(figures.accounts[role])
    client.get("/")
    home = figures.accounts[role].unit
    urls = []
    for page in PAGES:
        if "|" in page:
            name, query = page.split("|")
            at = figures.so if role == "office_th_user" else home
            urls.append(f"{reverse(name, args=[at.pk])}?{query}")
        else:
            urls.append(page)
    small = {url: count_queries(client, url) for url in urls}
    for i in range(6):  # more schools, more learners, more figures
        school = UnitFactory.create(
            code=f"3100099{i}", name=f"Trường Tiểu học Số {i}", kind="tieu_hoc", parent=figures.commune_a
        )
        figures.units[f"extra_{i}"] = school
        enrol(figures, f"extra_{i}", 5 + i, 1 + i % 5)
    enrol(figures, "school_a1", 40, 4)
    compute.unscoped_refresh_live()
    large = {url: count_queries(client, url) for url in urls}
    assert large == small


def test_a_table_too_wide_for_a_page_keeps_its_subtotals_in_the_pdf(figures: Cast) -> None:
    from edudb.stats import aggregate, indicators
    from edudb.stats.aggregate import Source

    for school, grade in (("school_a2", 7), ("school_a2", 8), ("school_a2", 9), ("thpt", 11), ("thpt", 12)):
        enrol(figures, school, 2, grade, gender="2")
    compute.unscoped_refresh_live()
    wide = aggregate.indicator_table(
        figures.so_admin, indicator=indicators.by_code()["hoc_sinh"], source=Source(), at=figures.so
    )
    assert len(wide.columns) > services.PDF_COLUMNS
    narrow = services.narrowed(wide)
    assert len(narrow.columns) <= services.PDF_COLUMNS
    assert [c.label for c in narrow.columns[:3]] == ["Tổng số", "Nam", "Nữ"]
    assert [c.label for c in narrow.columns[3:]] == [f"Lớp {g}" for g in (1, 2, 3, 6, 7, 8, 9, 10, 11, 12)]
    assert narrow.total is not None and wide.total is not None
    assert narrow.total.values[0] == wide.total.values[0] == sum(int(v or 0) for v in narrow.total.values[3:])
    assert "Bản PDF ghi số cộng của từng nhóm" in narrow.notes[-1]
    pdf = services.render(wide, figures.so, "pdf")
    assert pdf.content.startswith(b"%PDF") and pdf.file_name.endswith(".pdf")
