"""The statistics through /api/v1/stats/ (R7.4): each account sees the figures of its scope and nothing else — not in
rows, not in totals — the approved figures of a period are exactly those of its approved reports, bad parameters are
named in Vietnamese, and a table costs the same number of queries whatever the number of units."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conftest import Cast
from edudb.core.tests.contract import UNITS_VISIBLE
from edudb.core.tests.factories import UnitFactory
from edudb.stats import indicators
from edudb.stats.aggregate import GROUPINGS
from edudb.stats.compute import unscoped_refresh_live
from edudb.stats.tests.contract_routes_api import AT_VISIBLE, FIGURES_VISIBLE, figures

TABLE = "/api/v1/stats/table/"
RATIOS = "/api/v1/stats/ratios/"
KEY_FIGURES = "/api/v1/stats/key-figures/"
CATALOGUE = "/api/v1/stats/indicators/"
# Learners on the roll in each institution of the cast (communes A and B have 5 each, the city 15).
ROLL = {"school_a1": 3, "school_a2": 2, "school_b1": 4, "school_b2": 1, "thpt": 5}


def enrol(unit: Any, count: int, *, school_class: Any = None, gender: str = "1", tag: str = "") -> None:
    """``count`` learners on the roll of ``unit`` (known by temporary codes)."""
    from edudb.quality.models import items_of
    from edudb.registry.models import Student

    studying = items_of("trang_thai_hoc_sinh").get(code="01")
    sex = items_of("gioi_tinh").get(code=gender)
    for number in range(count):
        Student.objects.create(
            unit=unit,
            temporary_code=f"TK{tag}-{unit.pk}-{gender}-{number}",
            full_name=f"Lê Văn Đếm {number}",
            birth_date=dt.date(2014, 5, 1 + number % 28),
            gender=sex,
            status=studying,
            school_class=school_class,
        )


@pytest.fixture
def roll(cast: Cast) -> Cast:
    for name, count in ROLL.items():
        enrol(cast.units[name], count)
    unscoped_refresh_live()
    return cast


def api_client(account: Any) -> Client:
    """A client with the account's API token (one token per account: made once, then reused)."""
    from rest_framework.authtoken.models import Token

    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=account)[0].key}")


def get(account: Any, url: str, **params: Any) -> Any:
    response = api_client(account).get(url, params)
    assert response.status_code == 200, response.content.decode()
    return response.json()


def total(body: dict[str, Any]) -> Any:
    return body["total"]["values"][0]


def page_of(unit: Any, query: str) -> str:
    """The statistics page of a table at ``unit`` (the pages' URL, or "" while they have none)."""
    try:
        return f"{reverse('stats:table', args=[unit.pk])}?{query}"
    except NoReverseMatch:
        return ""


def names_out_of_scope(cast: Cast, role: str) -> list[str]:
    return [unit.name for name, unit in cast.units.items() if name not in UNITS_VISIBLE[role]]


# --- The catalogue ---------------------------------------------------------------------------------------------------


def test_the_catalogue_lists_every_indicator_and_ratio_the_same_for_every_account(cast: Cast) -> None:
    body = get(cast.so_admin, CATALOGUE)
    assert get(cast.school_b2_user, CATALOGUE) == body
    assert [row["code"] for row in body["indicators"]] == [i.code for i in indicators.CATALOGUE]
    assert [row["code"] for row in body["ratios"]] == [r.code for r in indicators.RATIOS]
    assert [row["code"] for row in body["groupings"]] == list(GROUPINGS)
    students = next(row for row in body["indicators"] if row["code"] == "hoc_sinh")
    assert students["domain"] == "students" and students["measure"] == "học sinh" and students["key"] is True
    assert [dim["code"] for dim in students["dimensions"]] == ["grade", "gender"]
    assert students["columns"] == []
    rooms = next(row for row in body["indicators"] if row["code"] == "phong")
    assert [column["key"] for column in rooms["columns"]] == ["solid", "semi", "temporary", "borrowed"]
    assert rooms["columns"][0]["label"] == "Kiên cố"
    area = next(row for row in body["indicators"] if row["code"] == "dien_tich")
    assert area["decimals"] == 1
    per_teacher = next(row for row in body["ratios"] if row["code"] == "hs_gv")
    assert per_teacher["numerator"] == "hoc_sinh" and per_teacher["denominator"] == "doi_ngu"
    assert per_teacher["denominator_keys"] == [indicators.TEACHER]


# --- Scope: rows and totals ------------------------------------------------------------------------------------------


def test_a_school_sees_only_its_own_figures_in_every_table_and_total(roll: Cast) -> None:
    school = roll.school_a1_user
    body = get(school, TABLE, indicator="hoc_sinh")
    assert body["query"]["at"] == {"id": roll.school_a1.pk, "code": roll.school_a1.code, "name": roll.school_a1.name}
    assert body["scope"] == roll.school_a1.name and body["title"] == "Học sinh theo khối lớp và giới tính"
    assert total(body) == ROLL["school_a1"]
    assert [row["label"] for row in body["rows"]] == [f"{roll.school_a1.name} (số liệu của đơn vị)"]
    for by in GROUPINGS:  # however the rows are grouped, the total is the school's own
        assert total(get(school, TABLE, indicator="hoc_sinh", by=by)) == ROLL["school_a1"], by
    key = {row["code"]: row for row in get(school, KEY_FIGURES)}
    assert key["hoc_sinh"]["value"] == ROLL["school_a1"]
    for url in (TABLE, RATIOS, KEY_FIGURES):
        text = api_client(school).get(url, {"by": "units"}).content.decode()
        assert [name for name in names_out_of_scope(roll, "school_a1_user") if name in text] == []
    # The city and the school's own commune are out of its reach: "not found", not their totals.
    for unit in (roll.so, roll.commune_a):
        assert api_client(school).get(TABLE, {"indicator": "hoc_sinh", "at": unit.pk}).status_code == 404


def test_a_commune_sees_its_schools_and_never_the_other_communes_counts_not_even_in_totals(roll: Cast) -> None:
    commune = roll.commune_a_admin
    body = get(commune, TABLE, indicator="hoc_sinh")
    assert {row["code"]: row["values"][0] for row in body["rows"]} == {
        roll.school_a1.code: ROLL["school_a1"],
        roll.school_a2.code: ROLL["school_a2"],
    }
    assert total(body) == ROLL["school_a1"] + ROLL["school_a2"]  # 5 — not the city's 15
    for by in GROUPINGS:
        assert total(get(commune, TABLE, indicator="hoc_sinh", by=by)) == 5, by
    assert {row["code"]: row["value"] for row in get(commune, KEY_FIGURES)}["hoc_sinh"] == 5
    for url in (TABLE, RATIOS, KEY_FIGURES):
        for by in ("children", "units", "commune"):
            text = api_client(commune).get(url, {"by": by}).content.decode()
            assert [name for name in names_out_of_scope(roll, "commune_a_admin") if name in text] == []
    for unit in (roll.so, roll.commune_b, roll.school_b1, roll.thpt):
        assert api_client(commune).get(TABLE, {"at": unit.pk}).status_code == 404
        assert api_client(commune).get(KEY_FIGURES, {"at": unit.pk}).status_code == 404
    assert total(get(roll.commune_b_admin, TABLE)) == ROLL["school_b1"] + ROLL["school_b2"]


def test_the_tieu_hoc_office_counts_only_the_primary_schools_even_under_a_commune(roll: Cast) -> None:
    office = roll.office_th_user
    city = get(office, TABLE, indicator="hoc_sinh")
    assert city["query"]["at"]["id"] == roll.so.pk  # a Sở office starts at the Sở
    assert total(city) == ROLL["school_a1"] + ROLL["school_b1"]
    assert {row["code"]: row["values"][0] for row in city["rows"]} == {
        roll.commune_a.code: ROLL["school_a1"],
        roll.commune_b.code: ROLL["school_b1"],
    }
    assert total(get(office, TABLE, indicator="hoc_sinh", at=roll.commune_a.pk)) == ROLL["school_a1"]  # not the THCS


def test_the_so_sees_everything_and_the_rows_add_up_to_the_total_in_every_column(roll: Cast) -> None:
    from edudb.registry.tests.contract_routes_classes import school_classes

    classes = dict(school_classes(roll))
    enrol(roll.school_a1, 2, school_class=classes["school_a1"], gender="2", tag="L")
    unscoped_refresh_live()
    body = get(roll.so_admin, TABLE, indicator="hoc_sinh", by="children")
    assert total(body) == sum(ROLL.values()) + 2
    assert {row["code"]: row["values"][0] for row in body["rows"]} == {
        roll.commune_a.code: 7,
        roll.commune_b.code: 5,
        roll.thpt.code: 5,
    }
    width = len(body["columns"])
    assert width > 1 and all(len(row["values"]) == width for row in [*body["rows"], body["total"]])
    for column in range(width):
        assert sum(row["values"][column] for row in body["rows"]) == body["total"]["values"][column]
    keys = [column["key"] for column in body["columns"]]
    assert keys[0] == "total" and "1" in keys and "1:2" in keys  # grade 1, girls
    girls_in_grade_1 = keys.index("1:2")
    assert body["total"]["values"][girls_in_grade_1] == 2
    communes = {row["code"]: row for row in body["rows"]}
    # A commune's row drills down to the page of the same table one level down; an institution's row links its
    # numbers to the records behind them.
    commune_a = communes[roll.commune_a.code]
    assert commune_a["record_links"] == [] and commune_a["link"] == page_of(
        roll.commune_a, "indicator=hoc_sinh&source=live&by=children"
    )
    assert communes[roll.thpt.code]["link"] == ""
    thpt_links = communes[roll.thpt.code]["record_links"]
    assert len(thpt_links) == width and thpt_links[0].startswith("/") and f"unit={roll.thpt.pk}" in thpt_links[0]
    units = get(roll.so_admin, TABLE, indicator="hoc_sinh", by="units")
    assert {row["code"] for row in units["rows"]} == {roll.units[name].code for name in ROLL}
    assert total(units) == total(body)


def test_one_schools_figures_by_category(roll: Cast) -> None:
    from edudb.registry.tests.contract_routes_classes import school_classes

    classes = dict(school_classes(roll))
    enrol(roll.school_a1, 2, school_class=classes["school_a1"], gender="2", tag="L")
    unscoped_refresh_live()
    body = get(roll.school_a1_admin, TABLE, indicator="hoc_sinh", by="categories")
    assert body["row_header"] == "Khối lớp"
    assert [column["label"] for column in body["columns"]] == ["Tổng số", "Nam", "Nữ"]
    rows = {row["label"]: row["values"] for row in body["rows"]}
    assert rows == {"Lớp 1": [2, 0, 2], "Chưa xếp lớp": [3, 3, 0]}
    assert body["total"]["values"] == [5, 3, 2]
    # The Sở asking for the same school gets the same table.
    assert (
        get(roll.so_admin, TABLE, indicator="hoc_sinh", by="categories", at=roll.school_a1.pk)["rows"] == body["rows"]
    )


def test_ratios_are_quotients_of_the_visible_sums_and_null_without_a_denominator(roll: Cast) -> None:
    from edudb.registry.tests.contract_routes_staff import staff_members

    staff_members(roll)  # one teacher in every unit
    unscoped_refresh_live()
    body = get(roll.commune_a_admin, RATIOS)
    keys = [column["key"] for column in body["columns"]]
    assert keys == [r.code for r in indicators.RATIOS]
    per_teacher, per_class = keys.index("hs_gv"), keys.index("hs_lop")
    # Commune A: 5 learners over its 3 teachers (the commune's own and its two schools'), not the city's 15 / 10.
    assert body["total"]["values"][per_teacher] == pytest.approx(1.7)
    assert body["total"]["values"][per_class] is None  # no class: no denominator
    assert {row["code"]: row["values"][per_teacher] for row in body["rows"]} == {
        roll.commune_a.code: 0,  # the commune's own row: its teacher, no learner
        roll.school_a1.code: 3,
        roll.school_a2.code: 2,
    }
    city = get(roll.so_admin, RATIOS)
    assert city["total"]["values"][per_teacher] == pytest.approx(1.5)
    assert city["notes"] and city["measure"] == ""


def test_key_figures_are_json_numbers_with_no_comparison_without_a_past_period(roll: Cast) -> None:
    rows = get(roll.so_admin, KEY_FIGURES)
    assert [row["code"] for row in rows] == [i.code for i in indicators.CATALOGUE if i.key]
    students = next(row for row in rows if row["code"] == "hoc_sinh")
    assert students["value"] == sum(ROLL.values()) and isinstance(students["value"], int)
    headline = indicators.by_code()["hoc_sinh"].headline
    assert students["measure"] == "học sinh" and students["label"] == str(headline)
    assert students["previous"] is None and students["change"] is None and students["change_percent"] is None


# --- Bad parameters --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"indicator": "khong_co"}, "indicator", "Chỉ tiêu «khong_co» không có trong danh mục chỉ tiêu thống kê"),
        ({"by": "tinh"}, "by", "Cách nhóm «tinh» không hợp lệ"),
        ({"source": "hom-qua"}, "source", "Nguồn số liệu phải là «live»"),
        ({"at": "so"}, "at", "Đơn vị (tham số at) phải là mã số của một đơn vị"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it_in_vietnamese(
    cast: Cast, params: dict[str, str], field: str, words: str
) -> None:
    response = api_client(cast.so_admin).get(TABLE, params)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field] and words in body[field][0]


def test_parameters_an_endpoint_does_not_read_are_ignored(cast: Cast) -> None:
    assert api_client(cast.so_admin).get(RATIOS, {"indicator": "khong_co"}).status_code == 200
    assert api_client(cast.so_admin).get(KEY_FIGURES, {"by": "tinh"}).status_code == 200


def test_a_period_that_does_not_exist_is_not_found(cast: Cast) -> None:
    for url in (TABLE, RATIOS, KEY_FIGURES):
        response = api_client(cast.so_admin).get(url, {"source": "999999"})
        assert response.status_code == 404 and response.json()["detail"] == "Không tìm thấy dữ liệu."


@pytest.mark.parametrize("role", sorted(AT_VISIBLE))
def test_at_is_an_object_lookup_answering_404_out_of_scope(cast: Cast, role: str) -> None:
    """Every role × every unit of the cast: a unit in scope is answered, any other is "not found"."""
    client = api_client(cast.accounts[role])
    failures = []
    for name, unit in cast.units.items():
        expected = 200 if name in AT_VISIBLE[role] else 404
        for url in (TABLE, RATIOS, KEY_FIGURES):
            status = client.get(url, {"at": unit.pk}).status_code
            if status != expected:
                failures.append(f"{role} → {name} {url}: {status}, expected {expected}")
    assert failures == []


@pytest.mark.parametrize("role", sorted(AT_VISIBLE))
def test_each_role_counts_exactly_the_records_of_its_scope(cast: Cast, role: str) -> None:
    """The contract's records (one learner per institution, one staff member per unit, one class per institution):
    each role's total is the number of units whose records of that database it sees — an oracle written by hand."""
    figures(cast)
    for code, domain in (("hoc_sinh", "students"), ("doi_ngu", "staff"), ("lop", "classes")):
        body = get(cast.accounts[role], TABLE, indicator=code)
        assert total(body) == len(FIGURES_VISIBLE[domain].get(role, set())), code


# --- Approved figures of a period ------------------------------------------------------------------------------------


def test_a_periods_figures_are_those_of_its_approved_reports_only(
    roll: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from edudb.reporting import services

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    today = timezone.localdate()
    period = services.open_adhoc(
        by=roll.so_admin,
        title="Báo cáo nhanh số liệu học sinh (thống kê)",
        opens_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=10),
        covers=["students"],
        min_completeness=0,
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = services.submit(period, roll.school_a1, by=roll.school_a1_admin)
        services.submit(period, roll.school_a2, by=roll.school_a2_admin)  # submitted, never approved
        services.submit(period, roll.school_b1, by=roll.school_b1_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(first, by=roll.commune_a_admin)
    # After the approval the school takes in two more learners: live figures move, the period's do not.
    enrol(roll.school_a1, 2, tag="N")
    unscoped_refresh_live()

    approved = get(roll.so_admin, TABLE, indicator="hoc_sinh", source=period.pk, by="units")
    assert approved["query"]["source"] == str(period.pk) and period.title in approved["source"]
    assert {row["code"]: row["values"][0] for row in approved["rows"]} == {roll.school_a1.code: ROLL["school_a1"]}
    assert total(approved) == ROLL["school_a1"]
    live = get(roll.so_admin, TABLE, indicator="hoc_sinh", by="units")
    assert total(live) == sum(ROLL.values()) + 2
    assert {row["code"]: row["value"] for row in get(roll.so_admin, KEY_FIGURES, source=period.pk)}["hoc_sinh"] == 3
    # The period covers the students only: no approved staff or class figures.
    assert total(get(roll.so_admin, TABLE, indicator="lop", source=period.pk)) == 0
    # Scope holds for the period's figures too: commune B sees none of commune A's approved report.
    assert total(get(roll.commune_b_admin, TABLE, indicator="hoc_sinh", source=period.pk)) == 0
    assert total(get(roll.school_a1_user, TABLE, indicator="hoc_sinh", source=period.pk)) == ROLL["school_a1"]


# --- Cost ------------------------------------------------------------------------------------------------------------


def count_queries(client: Any, url: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (TABLE, {"indicator": "hoc_sinh", "by": "units"}),
        (TABLE, {"indicator": "hoc_sinh", "by": "children"}),
        (TABLE, {"indicator": "doi_ngu", "by": "units"}),
        (TABLE, {"indicator": "phong", "by": "kind"}),
        (RATIOS, {"by": "units"}),
        (KEY_FIGURES, {}),
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_units(
    cast: Cast, url: str, params: dict[str, Any], settings: Any
) -> None:
    from edudb.core.tests.clients import signed_in
    from edudb.registry.tests.contract_routes_staff import staff_members

    client = signed_in(cast.so_admin)
    enrol(cast.school_a1, 2)
    enrol(cast.school_a1, 1, gender="2")
    unscoped_refresh_live()
    client.get(url, params)  # the first request of a session writes to it; count from the second
    few = count_queries(client, url, params)
    for number in range(6):
        parent = cast.commune_a if number % 2 else cast.commune_b
        school = UnitFactory.create(
            code=f"3100070{number}", name=f"Trường Tiểu học Số {number}", kind="tieu_hoc", parent=parent
        )
        enrol(school, 1 + number)
        enrol(school, 1, gender="2")
    for name in ROLL:
        enrol(cast.units[name], 2, tag="M")
        enrol(cast.units[name], 1, gender="2", tag="M")
    staff_members(cast)
    unscoped_refresh_live()
    assert count_queries(client, url, params) == few


# --- The schema ------------------------------------------------------------------------------------------------------


def test_the_schema_documents_the_routes_and_their_parameters(cast: Cast) -> None:
    schema = get(cast.so_admin, "/api/v1/schema/", format="json")
    paths = schema["paths"]
    for path in (CATALOGUE, TABLE, RATIOS, KEY_FIGURES):
        assert set(paths[path]) == {"get"}, path
    names = {p["name"] for p in paths[TABLE]["get"]["parameters"]}
    assert names == {"indicator", "source", "at", "by"}
    assert {p["name"] for p in paths[KEY_FIGURES]["get"]["parameters"]} == {"source", "at"}
    by = next(p for p in paths[TABLE]["get"]["parameters"] if p["name"] == "by")
    assert set(by["schema"]["enum"]) == set(GROUPINGS)
    assert set(paths[TABLE]["get"]["responses"]) == {"200", "400", "404"}
    values = schema["components"]["schemas"]["Row"]["properties"]["values"]
    assert values["items"]["type"] == "number"


def test_answers_full_of_figures_keep_the_schemas_promise(roll: Cast) -> None:
    """Schemathesis checks the answers of an empty city (test_api_schema.py); here rows, nulls and links too."""
    import schemathesis
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from rest_framework.authtoken.models import Token
    from schemathesis.checks import ignored_auth

    from edudb.registry.tests.contract_routes_staff import staff_members

    staff_members(roll)
    unscoped_refresh_live()
    raw = get(roll.so_admin, "/api/v1/schema/", format="json")
    schema = schemathesis.from_dict(raw, app=get_wsgi_application(), base_url="")
    headers = {"Authorization": f"Token {Token.objects.get_or_create(user=roll.so_admin)[0].key}"}
    asked = [
        (CATALOGUE, {}),
        (TABLE, {"indicator": "hoc_sinh", "by": "units"}),
        (TABLE, {"indicator": "hoc_sinh", "by": "children"}),
        (TABLE, {"indicator": "doi_ngu", "by": "categories", "at": str(roll.school_a1.pk)}),
        (RATIOS, {"by": "commune"}),  # ratios without a denominator are null
        (KEY_FIGURES, {}),
    ]
    # Schemathesis calls the WSGI application directly: keep the request signals off the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        for path, query in asked:
            case = schema[path]["GET"].make_case(query=query)
            response = case.call(headers=headers)
            assert response.status_code == 200, (path, query)
            case.validate_response(response, excluded_checks=(ignored_auth,))  # as in test_api_schema.py
            if path == RATIOS:
                assert None in json.loads(response.get_data())["total"]["values"]
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_anonymous_callers_are_turned_away(cast: Cast) -> None:
    for url in (CATALOGUE, TABLE, RATIOS, KEY_FIGURES):
        assert Client().get(url).status_code in {401, 403}
