"""Code lists in use: forgiving matching, the API field, the pages (read by all, kept by the Sở), Excel, the API."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

import pytest
import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.core.tests.clients import api_client, signed_in
from edudb.core.tests.test_query_counts import count_queries
from edudb.quality import codelists
from edudb.quality.codelists import CodeMatcher, CodeMatchers, sheet_name_for, write_code_list_sheet
from edudb.quality.models import CodeItem, CodeList, items_of
from edudb.registry.models import StaffMember

DETAIL = "/quality/codelists/{code}/"


def item(list_code: str, code: str) -> CodeItem:
    return CodeItem.objects.get(code_list__code=list_code, code=code)


def audit_count(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def use_item(unit: Any, ethnicity: CodeItem) -> StaffMember:
    """A staff record pointing at an ethnicity, so the item counts as used."""
    return StaffMember.objects.create(
        unit=unit,
        full_name="Nguyễn Thị Hoà",
        birth_date=dt.date(1985, 4, 12),
        gender=item("gioi_tinh", "2"),
        ethnicity=ethnicity,
        staff_type=item("loai_can_bo", "2"),
        subjects="Toán",
        work_status=item("trang_thai_can_bo", "01"),
    )


def read_xlsx(content: bytes) -> dict[str, list[list[Any]]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


# --- the matcher -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        "Kinh",
        "kinh",
        "KINH",
        "01",
        "1",
        "1.0",
        "001",
        1,
        1.0,
        "Kinh ",
        "  kinh\u00a0",
        "Việt",  # another spelling (alias)
        "viet",
        "Kinh (Việt)",
        "Kinh(Viet)",  # spaces and punctuation aside
        unicodedata.normalize("NFD", "Kinh (Việt)"),
    ],
)
def test_matcher_accepts_every_forgiving_spelling(value: object) -> None:
    matcher = CodeMatcher.load("dan_toc")
    found = matcher.match(value)
    assert found is not None and found.code == "01", value
    assert matcher.explain(value) == ""


@pytest.mark.django_db
def test_matcher_ignores_tone_placement_diacritics_and_hyphens() -> None:
    religions = CodeMatcher.load("ton_giao")
    assert religions.match("Phật giáo Hoà Hảo").code == "05"  # type: ignore[union-attr]  # new-style tone mark
    assert religions.match("phat giao hoa hao").code == "05"  # type: ignore[union-attr]
    ethnicities = CodeMatcher.load("dan_toc")
    assert ethnicities.match("Chàm").code == "17"  # type: ignore[union-attr]
    assert ethnicities.match("gia-rai").code == "10"  # type: ignore[union-attr]
    assert ethnicities.match("GiaRai").code == "10"  # type: ignore[union-attr]
    rooms = CodeMatcher.load("loai_phong")
    assert rooms.match("pbm_an").code == "PBM_AN"  # type: ignore[union-attr]  # a code in any case


@pytest.mark.django_db
def test_unknown_value_is_explained_with_the_closest_item_and_where_the_list_is() -> None:
    matcher = CodeMatcher.load("dan_toc")
    assert matcher.match("Kinhh") is None
    url = f"{settings.EDUDB_SYSTEM_ADDRESS.rstrip('/')}/quality/codelists/dan_toc/"
    assert matcher.explain("Kinhh") == (
        f"Dân tộc “Kinhh” không có trong danh mục; có phải “Kinh” (mã 01)? Xem danh mục tại {url}."
    )
    assert matcher.explain("Kinhh", "Dân tộc của học sinh").startswith("Dân tộc của học sinh “Kinhh”")
    assert [found.code for found in matcher.suggestions("Muongg")][:1] == ["06"]
    nothing_close = matcher.explain("zzzzzzzz")
    assert "không có trong danh mục" in nothing_close and "“Dân tộc”" in nothing_close and url in nothing_close
    assert matcher.match("") is None and matcher.match(None) is None
    assert "Hãy nhập Dân tộc" in matcher.explain("  ")
    for odd in (True, [1], {"a": 1}, "x" * 5000, "\x00", "55", "0"):
        assert matcher.match(odd) is None
        assert matcher.explain(odd)
    assert len(matcher.explain("y" * 5000)) < 400  # a huge value is not quoted back in full


@pytest.mark.django_db
def test_inactive_items_are_not_matched_but_recognised() -> None:
    retired = item("dan_toc", "53")
    retired.is_active = False
    retired.save()
    matcher = CodeMatcher.load("dan_toc")
    assert matcher.match("Ơ Đu") is None and matcher.match("53") is None
    message = matcher.explain("o du")
    assert "“Ơ Đu” (mã 53)" in message and "ngừng dùng" in message
    assert all(found.is_active for found in matcher.items) and len(matcher.items) == 53


@pytest.mark.django_db
def test_ambiguous_spelling_takes_the_exact_code_first_then_is_refused_naming_both() -> None:
    nationalities = CodeMatcher.load("quoc_tich")
    assert nationalities.match("MY").code == "MY"  # type: ignore[union-attr]  # the exact code: Malaysia
    assert nationalities.match("Mỹ").code == "US"  # type: ignore[union-attr]  # a name with diacritics is no code
    assert nationalities.match("my") is None  # Malaysia's code, or the United States' "Mỹ" without diacritics
    message = nationalities.explain("my")
    assert "“Malaysia” (mã MY)" in message and "“Hoa Kỳ” (mã US)" in message and "hãy ghi mã" in message


@pytest.mark.django_db
def test_two_codes_folding_alike_are_ambiguous_unless_typed_exactly() -> None:
    code_list = CodeList.objects.create(code="thu_nghiem", name="Thử nghiệm")
    CodeItem.objects.create(code_list=code_list, code="a", name="Chữ a thường")
    CodeItem.objects.create(code_list=code_list, code="A", name="Chữ A hoa")
    matcher = CodeMatcher.load("thu_nghiem")
    assert matcher.match("a").name == "Chữ a thường"  # type: ignore[union-attr]
    assert matcher.match("A").name == "Chữ A hoa"  # type: ignore[union-attr]
    assert matcher.match(" a ").name == "Chữ a thường"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_matcher_is_built_with_one_query_and_matchers_load_each_list_once(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        matcher = CodeMatcher.load("dan_toc")
        for value in ("Kinh", "01", "Tày", "Kinhh", "Mường", "1.0"):
            matcher.match(value)
            matcher.explain(value)
    matchers = CodeMatchers()
    with django_assert_num_queries(2):
        for _row in range(200):
            assert matchers.match("dan_toc", "Kinh") is not None
            assert matchers.match("gioi_tinh", "nữ") is not None
            matchers.explain("gioi_tinh", "không rõ", "Giới tính")


@pytest.mark.django_db
def test_repeated_values_are_folded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    matcher = CodeMatcher.load("gioi_tinh")
    folds = []
    original = codelists.search_key

    def counting(value: Any) -> str:
        folds.append(value)
        return original(value)

    monkeypatch.setattr(codelists, "search_key", counting)
    values = ["Nam", "nữ", "1", 2.0, "NU"] * 20_000
    found = [matcher.match(value) for value in values]
    assert {item.code for item in found if item is not None} == {"1", "2"} and None not in found
    assert len(folds) <= 5


# --- the API field -------------------------------------------------------------------------------------------------


def staff_body(unit: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "unit": unit.pk,
        "full_name": "lê thị  mai",
        "birth_date": "1988-01-20",
        "gender": "2",
        "staff_type": "2",
        "subjects": "Ngữ văn",
        **overrides,
    }


@pytest.mark.django_db
def test_api_field_takes_a_name_or_spelling_and_answers_the_code(cast: Cast) -> None:
    api = api_client(cast.school_a1_admin)
    body = staff_body(cast.school_a1, gender="Nữ", ethnicity="kinh", staff_type="giáo viên", qualification="Thạc sỹ")
    response = api.post("/api/v1/staff/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["gender"], data["ethnicity"], data["staff_type"], data["qualification"]) == ("2", "01", "2", "THS")
    by_number = api.post(
        "/api/v1/staff/",
        staff_body(cast.school_a1, ethnicity=1, gender=2, birth_date="1990-02-03"),
        content_type="application/json",
    )
    assert by_number.status_code == 201 and by_number.json()["ethnicity"] == "01"


@pytest.mark.django_db
def test_api_field_refuses_an_unknown_value_with_the_closest_one(cast: Cast) -> None:
    api = api_client(cast.school_a1_admin)
    before = StaffMember.objects.count()
    response = api.post(
        "/api/v1/staff/", staff_body(cast.school_a1, ethnicity="Kinhh"), content_type="application/json"
    )
    assert response.status_code == 400
    message = response.json()["ethnicity"][0]
    assert (
        "“Kinhh” không có trong danh mục; có phải “Kinh” (mã 01)?" in message
        and "/quality/codelists/dan_toc/" in message
    )
    odd = api.post("/api/v1/staff/", staff_body(cast.school_a1, gender=["2"]), content_type="application/json")
    assert odd.status_code == 400 and "gender" in odd.json()
    assert StaffMember.objects.count() == before


# --- the pages -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_school_user_reads_the_lists_and_searches_them_without_diacritics(cast: Cast) -> None:
    client = signed_in(cast.school_b2_user)
    page = client.get("/quality/codelists/")
    text = page.content.decode()
    assert page.status_code == 200 and "Dân tộc" in text and "Quốc tịch" in text and "dan_toc" in text
    assert "/quality/codelists/all.xlsx" in text
    found = client.get("/quality/codelists/", {"q": "dan toc"}).content.decode()
    assert "Dân tộc" in found and "Quốc tịch" not in found
    partial = client.get(
        "/quality/codelists/", {"q": "quoc tich"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="codelist-results"
    )
    assert "Quốc tịch" in partial.content.decode() and "<html" not in partial.content.decode()
    detail = client.get(DETAIL.format(code="dan_toc")).content.decode()
    assert "Kinh" in detail and "Việt; Kinh (Việt)" in detail and "Rơ Măm" not in detail  # 50 a page
    assert "Rơ Măm" in client.get(DETAIL.format(code="dan_toc"), {"page": 2}).content.decode()
    assert "Thêm giá trị" not in detail and "/quality/codelists/items/" not in detail
    searched = client.get(DETAIL.format(code="dan_toc"), {"q": "viet"}).content.decode()
    assert "Kinh" in searched and "Tày" not in searched
    assert client.get(DETAIL.format(code="khong_co")).status_code == 404


@pytest.mark.django_db
def test_so_sees_usage_and_edit_links(cast: Cast) -> None:
    use_item(cast.school_a1, item("dan_toc", "01"))
    text = signed_in(cast.so_admin).get(DETAIL.format(code="dan_toc")).content.decode()
    assert "Thêm giá trị" in text and f"/quality/codelists/items/{item('dan_toc', '01').pk}/edit/" in text
    assert "Dùng trong hồ sơ" in text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["school_a1_admin", "office_tccb_user", "office_th_user", "commune_a_admin"])
def test_only_the_so_may_change_a_list(cast: Cast, role: str) -> None:
    client = signed_in(cast.accounts[role])
    kinh = item("dan_toc", "01")
    spare = CodeItem.objects.create(code_list=kinh.code_list, code="99", name="Giá trị thử", order=99)
    audit_before = AuditEntry.objects.count()
    add_url = "/quality/codelists/dan_toc/add/"
    assert client.get(add_url).status_code == 404
    assert client.post(add_url, {"code": "55", "name": "Người nước ngoài", "is_active": "on"}).status_code == 404
    edit_url = f"/quality/codelists/items/{kinh.pk}/edit/"
    assert client.get(edit_url).status_code == 404
    assert client.post(edit_url, {"code": "01", "name": "Kinh đổi", "order": 1}).status_code == 404
    assert client.post(f"/quality/codelists/items/{spare.pk}/delete/").status_code == 404
    assert not CodeItem.objects.filter(code_list=kinh.code_list, code="55").exists()
    assert item("dan_toc", "01").name == "Kinh" and CodeItem.objects.filter(pk=spare.pk).exists()
    assert AuditEntry.objects.count() == audit_before
    with pytest.raises(PermissionDenied):
        codelists.add_item(kinh.code_list, by=cast.accounts[role], code="55", name="Người nước ngoài")


@pytest.mark.django_db
def test_so_adds_a_value_audited_and_it_matches_at_once(cast: Cast) -> None:
    client = signed_in(cast.so_admin)
    assert client.get("/quality/codelists/dan_toc/add/").status_code == 200
    response = client.post(
        "/quality/codelists/dan_toc/add/",
        {"code": "55", "name": " người  nước ngoài ", "aliases": "Ngoại quốc\nNgười nước ngoài\n", "is_active": "on"},
    )
    assert response.status_code == 302 and response["Location"] == DETAIL.format(code="dan_toc")
    added = item("dan_toc", "55")
    assert (added.name, added.aliases, added.order, added.is_active) == ("người nước ngoài", "Ngoại quốc", 55, True)
    entry = AuditEntry.objects.get(action="codelists.item_add")
    assert entry.actor == cast.so_admin and entry.unit == cast.so and entry.object_id == str(added.pk)
    assert entry.changes["code"] == [None, "55"] and entry.extra == {"list": "dan_toc"}
    assert CodeMatcher.load("dan_toc").match("ngoai quoc") == added


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "01", "name": "Kinh mới"}, "code", "Mã “01” đã có trong danh mục: “Kinh” (mã 01); hãy chọn mã khác."),
        ({"code": "1", "name": "Một"}, "code", "trùng với mã “Kinh” (mã 01) khi bỏ các số 0 ở đầu"),
        ({"code": "5 5", "name": "Năm lăm"}, "code", "Mã chỉ gồm chữ cái không dấu, chữ số và dấu gạch dưới"),
        ({"code": "", "name": "Không mã"}, "code", "Hãy nhập mã của giá trị"),
        ({"code": "55", "name": ""}, "name", "Hãy nhập tên giá trị."),
        ({"code": "55", "name": "KINH"}, "name", "Tên “KINH” trùng với “Kinh” (mã 01) khi so không dấu"),
        (
            {"code": "55", "name": "Người Việt gốc", "aliases": "Việt"},
            "aliases",
            "Cách viết khác “Việt” đã dùng cho “Kinh” (mã 01)",
        ),
        ({"code": "55", "name": "Mã số", "aliases": "09"}, "aliases", "Cách viết khác “09” đã dùng cho “Dao” (mã 09)"),
    ],
)
def test_refusals_name_the_field_and_the_fix_and_write_nothing(
    cast: Cast, data: dict[str, str], field: str, message: str
) -> None:
    client = signed_in(cast.so_admin)
    before = (CodeItem.objects.count(), AuditEntry.objects.count())
    response = client.post("/quality/codelists/dan_toc/add/", {**data, "is_active": "on"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and any(message in error for error in errors[field]), errors
    assert message.split("“")[0] in response.content.decode()
    assert (CodeItem.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_a_retired_spelling_may_be_reused_and_a_retired_code_is_pointed_out(cast: Cast) -> None:
    retired = item("dan_toc", "53")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as refused:
        codelists.add_item(retired.code_list, by=cast.so_admin, code="53", name="Ơ Đu mới")
    assert "đang ngừng dùng — hãy bật lại giá trị đó" in refused.value.message_dict["code"][0]
    added = codelists.add_item(retired.code_list, by=cast.so_admin, code="56", name="Ơ Đu")
    assert CodeMatcher.load("dan_toc").match("o du") == added
    with pytest.raises(ValidationError) as clash:  # turning the old one back on would make "Ơ Đu" ambiguous
        codelists.edit_item(
            retired, by=cast.so_admin, code="53", name="Ơ Đu", aliases=["Ơ-đu"], order=53, is_active=True
        )
    assert "Tên “Ơ Đu” trùng với “Ơ Đu” (mã 56)" in clash.value.message_dict["name"][0]


@pytest.mark.django_db
def test_so_edits_a_value_audited_field_by_field(cast: Cast) -> None:
    client = signed_in(cast.so_admin)
    tay = item("dan_toc", "02")
    url = f"/quality/codelists/items/{tay.pk}/edit/"
    form = client.get(url)
    assert form.status_code == 200 and "Chưa hồ sơ nào dùng giá trị này nên có thể xóa hẳn." in form.content.decode()
    loaded = form.context["form"].initial["loaded"]
    response = client.post(
        url, {"code": "02", "name": "Tày", "aliases": "Thổ Tày\nTày Thanh", "order": "2", "loaded": loaded}
    )
    assert response.status_code == 302
    tay.refresh_from_db()
    assert (tay.aliases, tay.is_active) == ("Thổ Tày|Tày Thanh", False)
    entry = AuditEntry.objects.get(action="codelists.item_edit")
    assert entry.changes == {"aliases": ["", "Thổ Tày|Tày Thanh"], "is_active": [True, False]}
    assert entry.unit == cast.so
    assert CodeMatcher.load("dan_toc").match("Tày") is None  # no longer offered
    stale = client.post(url, {"code": "02", "name": "Tày đổi", "order": "2", "is_active": "on", "loaded": loaded})
    assert stale.status_code == 200 and "vừa được người khác sửa" in stale.content.decode()
    tay.refresh_from_db()
    assert tay.name == "Tày" and audit_count("codelists.item_edit") == 1


@pytest.mark.django_db
def test_code_of_a_used_value_never_changes_and_it_cannot_be_deleted(cast: Cast) -> None:
    kinh = item("dan_toc", "01")
    use_item(cast.school_a1, kinh)
    client = signed_in(cast.so_admin)
    url = f"/quality/codelists/items/{kinh.pk}/edit/"
    page = client.get(url).content.decode()
    assert "đang được dùng trong hồ sơ nên không xóa được và không đổi mã được" in page
    assert f"/quality/codelists/items/{kinh.pk}/delete/" not in page
    # The code field is disabled: a forged code is ignored, the rest is saved.
    response = client.post(url, {"code": "KINH", "name": "Kinh", "aliases": "Việt\nKinh (Việt)", "order": "1"})
    assert response.status_code == 302
    kinh.refresh_from_db()
    assert kinh.code == "01" and kinh.is_active is False
    with pytest.raises(ValidationError) as refused:
        codelists.edit_item(kinh, by=cast.so_admin, code="001", name="Kinh", aliases=[], order=1, is_active=True)
    assert "Mã “01” đã được dùng trong hồ sơ nên không đổi được" in refused.value.message_dict["code"][0]
    deleted = client.post(f"/quality/codelists/items/{kinh.pk}/delete/", follow=True)
    assert "đang được dùng trong hồ sơ nên không xóa được" in deleted.content.decode()
    assert CodeItem.objects.filter(pk=kinh.pk).exists() and audit_count("codelists.item_delete") == 0


@pytest.mark.django_db
def test_an_unused_value_changes_code_and_is_deleted_audited(cast: Cast) -> None:
    added = codelists.add_item(CodeList.objects.get(code="dan_toc"), by=cast.so_admin, code="55", name="Thử")
    codelists.edit_item(added, by=cast.so_admin, code="56", name="Thử", aliases=[], order=55, is_active=True)
    added.refresh_from_db()
    assert added.code == "56"
    response = signed_in(cast.so_admin).post(f"/quality/codelists/items/{added.pk}/delete/")
    assert response.status_code == 302 and not CodeItem.objects.filter(pk=added.pk).exists()
    entry = AuditEntry.objects.get(action="codelists.item_delete")
    assert entry.changes["code"] == ["56", None] and entry.object_id == str(added.pk)


@pytest.mark.django_db
def test_names_are_shown_escaped(cast: Cast) -> None:
    code_list = CodeList.objects.get(code="dan_toc")
    codelists.add_item(code_list, by=cast.so_admin, code="55", name="<script>alert(1)</script>", aliases=["<b>x</b>"])
    text = signed_in(cast.school_a1_user).get(DETAIL.format(code="dan_toc"), {"q": "script"}).content.decode()
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>x</b>" not in text


def grow(code_list: CodeList, n: int) -> None:
    start = CodeItem.objects.filter(code_list=code_list).count()
    for i in range(start, start + n):
        CodeItem.objects.create(code_list=code_list, code=f"T{i:03d}", name=f"Giá trị {i}", aliases=f"GT {i}", order=i)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["so_admin", "school_a1_user"])
@pytest.mark.parametrize(
    "url",
    [
        "/quality/codelists/",
        "/quality/codelists/?q=thu",
        "/quality/codelists/thu_nghiem/",
        "/quality/codelists/thu_nghiem/?q=gia tri",
        "/api/v1/quality/code-lists/",
        "/api/v1/quality/code-lists/thu_nghiem/",
    ],
)
def test_pages_keep_a_constant_number_of_queries(cast: Cast, role: str, url: str) -> None:
    client = Client()
    client.force_login(cast.accounts[role])
    client.get("/")
    code_list = CodeList.objects.create(code="thu_nghiem", name="Thử nghiệm")
    grow(code_list, 2)
    small = count_queries(client, url)
    grow(code_list, 60)  # more than one page
    CodeList.objects.create(code="thu_nghiem_2", name="Thử nghiệm 2")
    large = count_queries(client, url)
    assert large == small, f"{url}: {small} queries with 2 values, {large} with 62"


# --- Excel -----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_list_downloads_with_its_codes_as_text(cast: Cast) -> None:
    retired = item("dan_toc", "53")
    retired.is_active = False
    retired.save()
    response = signed_in(cast.school_b1_user).get("/quality/codelists/dan_toc.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == codelists.XLSX_CONTENT_TYPE
    assert 'filename="danh-muc-dan_toc.xlsx"' in response["Content-Disposition"]
    sheets = read_xlsx(response.content)
    assert list(sheets) == ["Dân tộc"]
    rows = sheets["Dân tộc"]
    assert rows[0] == ["Mã", "Tên", "Cách viết khác"]
    assert rows[1] == ["01", "Kinh", "Việt, Kinh (Việt)"]  # the zero kept: written as text
    assert len(rows) == 1 + 53 and "53" not in [row[0] for row in rows]  # only values in use
    assert signed_in(cast.school_b1_user).get("/quality/codelists/khong_co.xlsx").status_code == 404


@pytest.mark.django_db
def test_all_lists_download_with_a_contents_sheet(cast: Cast) -> None:
    response = signed_in(cast.thpt_user).get("/quality/codelists/all.xlsx")
    assert response.status_code == 200
    sheets = read_xlsx(response.content)
    names = list(sheets)
    lists = CodeList.objects.count()
    assert names[0] == "Mục lục" and len(names) == 1 + lists
    assert all(len(name) <= 31 for name in names) and len({name.casefold() for name in names}) == len(names)
    contents = sheets["Mục lục"]
    assert contents[0][:4] == ["Mã danh mục", "Tên danh mục", "Số giá trị", "Trang tính"]
    listed = {row[0]: row for row in contents[1:]}
    assert set(listed) == set(CodeList.objects.values_list("code", flat=True))
    assert listed["dan_toc"][2] == 54 and listed["dan_toc"][3] in sheets
    assert sheets[listed["gioi_tinh"][3]][1:] == [
        ["1", "Nam", "Nam giới, Trai, Con trai"],
        ["2", "Nữ", "Nữ giới, Gái, Con gái"],
    ]


@pytest.mark.django_db
def test_sheet_writer_gives_dropdown_ranges_and_never_writes_formulas() -> None:
    code_list = CodeList.objects.create(code="thu_nghiem", name="Thử nghiệm")
    formula = CodeItem.objects.create(code_list=code_list, code="01", name="=1+1", aliases="@SUM(A1)")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    used: set[str] = set()
    long_name = "Danh mục có cái tên rất dài: [vượt] quá ba mươi mốt ký tự"
    first, second = sheet_name_for(long_name, used), sheet_name_for(long_name, used)
    assert len(first) <= 31 and len(second) <= 31 and first != second and not set("[]:*?/\\") & set(first)
    where = write_code_list_sheet(workbook, code_list, [formula], sheet_name=first)
    workbook.close()
    assert where.codes == f"'{first}'!$A$2:$A$2" and where.names == f"'{first}'!$B$2:$B$2"
    assert (where.first_row, where.last_row) == (1, 1)
    assert read_xlsx(buffer.getvalue())[first][1] == ["01", "=1+1", "@SUM(A1)"]


# --- the API ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_lists_and_reads_code_lists_for_any_account(cast: Cast) -> None:
    api = api_client(cast.school_b2_user)
    listed = api.get("/api/v1/quality/code-lists/")
    assert listed.status_code == 200
    rows = {row["code"]: row for row in listed.json()["results"]}
    assert listed.json()["count"] == CodeList.objects.count()
    assert rows["dan_toc"]["name"] == "Dân tộc" and rows["dan_toc"]["item_count"] == 54
    assert set(rows["dan_toc"]) == {"code", "name", "description", "item_count"}
    searched = api.get("/api/v1/quality/code-lists/", {"q": "quoc tich"}).json()["results"]
    assert [row["code"] for row in searched] == ["quoc_tich"]
    one = api.get(reverse("api:code-list-detail", kwargs={"pk": "dan_toc"}))
    assert one.status_code == 200
    data = one.json()
    assert data["item_count"] == 54 and data["items"][0] == {
        "code": "01",
        "name": "Kinh",
        "aliases": ["Việt", "Kinh (Việt)"],
        "order": 1,
    }
    viet = api.get("/api/v1/quality/code-lists/dan_toc/", {"q": "viet"}).json()["items"]
    assert [row["code"] for row in viet] == ["01"]
    assert api.get("/api/v1/quality/code-lists/khong_co/").status_code == 404
    session = signed_in(cast.office_th_user).get("/api/v1/quality/code-lists/gioi_tinh/")
    assert session.status_code == 200 and [row["code"] for row in session.json()["items"]] == ["1", "2"]
    assert Client().get("/api/v1/quality/code-lists/").status_code in {401, 403}


@pytest.mark.django_db
def test_api_shows_only_values_in_use(cast: Cast) -> None:
    retired = items_of("gioi_tinh").get(code="2")
    retired.is_active = False
    retired.save()
    data = api_client(cast.commune_a_user).get("/api/v1/quality/code-lists/gioi_tinh/").json()
    assert data["item_count"] == 1 and [row["code"] for row in data["items"]] == ["1"]
