"""The student list and API when the list is too long to count (a Sở office sees 1.1 million learners), a search
that finds few learners, and the school filter a Sở account fills on first use. The cap is lowered to a few rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from edudb.core.tests.clients import api_client, signed_in
from edudb.quality.models import items_of
from edudb.registry import api_students, views_students
from edudb.registry.models import Student
from edudb.reporting.models import SchoolYear


def make_students(unit: Any, names: list[str]) -> list[Student]:
    year = SchoolYear.objects.get(is_current=True)
    gender, status = items_of("gioi_tinh").get(code="2"), items_of("trang_thai_hoc_sinh").get(code="01")
    return [
        Student.objects.create(
            unit=unit,
            full_name=name,
            birth_date=dt.date(year.start_year - 6, 3, 15),
            gender=gender,
            status=status,
            temporary_code=f"TMP-L{Student.objects.count() + 1:07d}",
        )
        for name in names
    ]


@pytest.fixture
def cap_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views_students.CappedPaginator, "cap", 3)


NAMES = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh"]


@pytest.mark.django_db
@pytest.mark.usefixtures("cap_of_three")
def test_a_list_past_the_cap_says_more_than_and_still_pages_on(cast: Cast) -> None:
    make_students(cast.school_a1, [f"Lê Thị {name}" for name in NAMES])
    client = signed_in(cast.commune_a_admin)
    first = client.get("/students/")
    text = first.content.decode()
    assert "Hơn 3 học sinh" in text and "7 học sinh" not in text
    assert [s.full_name for s in first.context["object_list"]] == [f"Lê Thị {name}" for name in NAMES]
    few_per_page = views_students.StudentListView.paginate_by
    assert few_per_page == 50 and "page=2" not in text  # all seven fit on one page: no next page
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(views_students.StudentListView, "paginate_by", 3)
        second = client.get("/students/", {"page": 2}).content.decode()
        assert "Lê Thị Dũng" in second and "Lê Thị An" not in second
        assert "Trang 2" in second and "page=1" in second and "page=3" in second
        last = client.get("/students/", {"page": 3}).content.decode()
        assert "Lê Thị Khánh" in last and "page=4" not in last
        assert client.get("/students/", {"page": 4}).status_code == 404
        assert client.get("/students/", {"page": "x"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("cap_of_three")
def test_a_list_within_the_cap_counts_exactly(cast: Cast) -> None:
    make_students(cast.school_a1, ["Lê Thị An", "Lê Thị Bình", "Lê Thị Chi"])
    text = signed_in(cast.commune_a_admin).get("/students/").content.decode()
    assert "3 học sinh." in text and "Hơn" not in text


@pytest.mark.django_db
@pytest.mark.usefixtures("cap_of_three")
def test_the_api_gives_a_null_count_and_more_than_past_the_cap(cast: Cast) -> None:
    make_students(cast.school_a1, [f"Lê Thị {name}" for name in NAMES])
    api = api_client(cast.commune_a_admin)
    listed = api.get("/api/v1/students/").json()
    assert listed["count"] is None and listed["more_than"] == 3 and len(listed["results"]) == 7
    assert listed["next"] is None and listed["previous"] is None
    one = api.get("/api/v1/students/", {"q": "le thi an"}).json()
    assert one["count"] == 1 and one["more_than"] is None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api_students.StudentPagination, "page_size", 3)
        page_two = api.get("/api/v1/students/", {"page": 2}).json()
        assert [r["full_name"] for r in page_two["results"]] == ["Lê Thị Dũng", "Lê Thị Giang", "Lê Thị Hà"]
        assert page_two["count"] is None and "page=3" in page_two["next"] and page_two["previous"]
        assert api.get("/api/v1/students/", {"page": 4}).status_code == 404


@pytest.mark.django_db
def test_a_search_finding_few_learners_fetches_its_page_by_id_with_the_same_rows_and_queries(cast: Cast) -> None:
    make_students(cast.school_a1, ["Nguyễn Văn An", "Nguyễn Thị Bình", "Trần Văn An"])
    make_students(cast.school_b1, ["Nguyễn Văn An Ngoài"])  # out of the commune's scope
    client = signed_in(cast.commune_a_admin)
    client.get("/students/")

    def search(few: int) -> tuple[list[str], int, str]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(views_students, "SEARCH_FEW", few)
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/students/", {"q": "van an"})
        names = [s.full_name for s in response.context["object_list"]]
        return names, len(queries), response.content.decode()

    by_id, by_id_queries, text = search(1000)
    again, again_queries, _ = search(0)
    assert by_id == again == ["Nguyễn Văn An", "Trần Văn An"]
    assert by_id_queries == again_queries and "2 học sinh." in text
    api = api_client(cast.commune_a_admin)
    found = api.get("/api/v1/students/", {"q": "van an"}).json()
    assert found["count"] == 2 and [r["full_name"] for r in found["results"]] == by_id


@pytest.mark.django_db
def test_a_sor_account_fills_the_school_filter_on_first_use_within_its_scope(cast: Cast) -> None:
    make_students(cast.school_a1, ["Lê Thị An"])
    make_students(cast.school_b1, ["Lê Thị Bình"])
    make_students(cast.thpt, ["Lê Văn Chi"])
    office = signed_in(cast.office_th_user)  # oversees primary schools only
    page = office.get("/students/").content.decode()
    assert (
        'hx-trigger="mouseenter once, focus once, touchstart once"' in page
        and "Trường Tiểu học Lê Văn Tám (31000101)" not in page
    )
    options = office.get("/students/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="id_unit").content.decode()
    assert "<html" not in options and "Mọi trường" in options
    assert "Trường Tiểu học Lê Văn Tám (31000101)" in options and "Trường Tiểu học An Lão" in options
    assert "Trường THPT Ngô Quyền" not in options  # not primary: out of the office's scope
    chosen = office.get("/students/", {"unit": cast.school_b1.pk}).content.decode()
    assert f'<option value="{cast.school_b1.pk}" selected>Trường Tiểu học An Lão (31000201)</option>' in chosen
    assert "Lê Thị Bình" in chosen and "Lê Thị An" not in chosen
    commune = signed_in(cast.commune_a_admin).get("/students/").content.decode()
    assert "Trường Tiểu học Lê Văn Tám (31000101)" in commune and 'hx-trigger="mouseenter' not in commune
    assert "(31000201)" not in commune and "Trường Tiểu học An Lão" not in commune


@pytest.mark.django_db
def test_filter_options_are_escaped_and_keep_the_choice(cast: Cast) -> None:
    cast.school_a1.name = '<script>alert("x")</script> Trường'
    cast.school_a1.save()
    make_students(cast.school_a1, ["Lê Thị An"])
    status = items_of("trang_thai_hoc_sinh").get(code="01")
    text = signed_in(cast.commune_a_admin).get("/students/", {"status": status.pk, "grade": 3}).content.decode()
    assert "<script>alert" not in text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Trường" in text
    assert f'<option value="{status.pk}" selected>' in text and '<option value="3" selected>3</option>' in text
