"""The release (R8.2, R8.4, R10.3): exactly the approved fields and units, minimised (personal IDs pseudonymised and
health data dropped unless the consent names them), watermarked with the request number; nothing leaves without an
approval record; the link expires, runs out and can be revoked — each refusal clear, logged and audited."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.quality.models import items_of
from edudb.sharing import release as writer
from edudb.sharing import services
from edudb.sharing.models import Decision, Outcome, Release, ReleaseDownload, ReleaseState, RequestState
from edudb.sharing.tests.helpers import approved, make_student, paper_request, to_decision

pytestmark = pytest.mark.django_db
ID = "031218009876"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def built(release: Release) -> Release:
    return services.unscoped_build_release(release)


def sheet_rows(release: Release, name: str = "Học sinh") -> list[list[Any]]:
    with release.file.open("rb") as handle:
        book = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
    return book.get_sheet_by_name(name).to_python()


def raw_text(release: Release) -> str:
    """Every XML part of the workbook, as text (shared strings, sheets, properties)."""
    with release.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def _pupil(cast: Cast) -> Any:
    return make_student(
        cast.school_a1, "Lê Thị Mai", personal_id=ID, disability=items_of("loai_khuyet_tat").order_by("pk").first()
    )


def test_personal_id_pseudonymised_and_health_dropped_without_consent(cast: Cast) -> None:
    _pupil(cast)
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    release = built(approved(cast, request))
    rows = sheet_rows(release)
    header = rows[1]
    assert "Số định danh cá nhân" in header and "Loại khuyết tật" not in header
    value = rows[2][header.index("Số định danh cá nhân")]
    assert value == writer.pseudonym(request.number, ID) and value.startswith("BDD-")
    assert ID not in raw_text(release)
    # The same person in another request has another pseudonym (no linking across requests).
    assert writer.pseudonym("YC-2026-9999", ID) != value


def test_consent_naming_them_releases_ids_and_health(cast: Cast) -> None:
    pupil = _pupil(cast)
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    release = built(approved(cast, request, include_personal_ids=True, include_health=True))
    rows = sheet_rows(release)
    header = rows[1]
    assert rows[2][header.index("Số định danh cá nhân")] == ID
    assert rows[2][header.index("Loại khuyết tật")] == pupil.disability.name


def test_only_approved_fields_and_units(cast: Cast) -> None:
    make_student(cast.school_a1, "Lê Thị Mai")
    make_student(cast.school_a2, "Đỗ Văn Hùng")
    request, _code = paper_request(cast.commune_a_admin, f"{cast.school_a1.code},{cast.school_a2.code}")
    release = built(
        approved(cast, request, fields=["students:ho_va_ten", "students:ma_truong"], units=[cast.school_a2])
    )
    rows = sheet_rows(release)
    assert rows[1] == ["Mã trường", "Họ và tên"]  # catalogue order, nothing else
    assert [row[1] for row in rows[2:]] == ["Đỗ Văn Hùng"]


def test_a_granted_restriction_keeps_the_pupil_out_of_every_release(cast: Cast) -> None:
    from edudb.feedback import services as feedback
    from edudb.feedback.models import Kind
    from edudb.feedback.models import Outcome as Answer

    make_student(cast.school_a1, "Lê Thị Mai")
    kept = make_student(cast.school_a1, "Đỗ Văn Hùng", birth_date=dt.date(2018, 6, 1))
    made, _code = feedback.unscoped_file_public(
        kind=Kind.RESTRICTION,
        student_code=str(kept.ministry_code),
        birth_date=kept.birth_date,
        filer_name="Đỗ Thị Mẹ",
        filer_relation="mother",
        filer_contact="0912345678",
        text="Không cung cấp dữ liệu của cháu cho bên ngoài",
    )
    feedback.answer(made, by=cast.school_a1_admin, outcome=Answer.RESTRICTED, text="Đã hạn chế xử lý")
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    rows = sheet_rows(built(approved(cast, request, fields=["students:ho_va_ten"])))
    assert [row[0] for row in rows[2:]] == ["Lê Thị Mai"]


def test_watermark_everywhere(cast: Cast) -> None:
    make_student(cast.school_a1)
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    release = built(approved(cast, request))
    with release.file.open("rb") as handle:
        data = handle.read()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["Thông tin", "Học sinh"]
    info = {str(row[0]): str(row[1]) for row in book.get_sheet_by_name("Thông tin").to_python()}
    assert info["Số yêu cầu"] == request.number
    assert "125/SGDĐT-VP" in info["Văn bản đồng ý của Sở"]
    assert info["Mục đích sử dụng"] == request.purpose
    assert request.number in sheet_rows(release)[0][0]  # the first line of the data sheet
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml").decode()
        custom = archive.read("docProps/custom.xml").decode()
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert request.number in core and request.number in custom
    for sheet in sheets:
        assert re.search(rf"<oddHeader>[^<]*{request.number}", sheet)
        assert re.search(rf"<oddFooter>[^<]*{request.number}", sheet)


def test_csv_release_is_a_watermarked_zip(cast: Cast) -> None:
    make_student(cast.school_a1, '=HYPERLINK("http://x")')
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code, file_format="csv")
    release = built(approved(cast, request))
    assert release.file_name == f"{request.number}.zip"
    with release.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        assert request.number.encode() in archive.comment
        members = archive.namelist()
        assert "thong-tin.txt" in members
        text = archive.read(f"{request.number}-students.csv").decode("utf-8-sig")
    first = text.splitlines()[0]
    assert request.number in first
    assert "'=HYPERLINK" in text  # formula neutralised as in the list exports


NOT_APPROVED = [s for s in RequestState.values if s != RequestState.APPROVED]


@pytest.mark.parametrize("state", NOT_APPROVED)
def test_nothing_leaves_without_an_approval_record(cast: Cast, state: str) -> None:
    """Every state but approved: the builder refuses, no file exists, no link is issued, no download happens."""
    make_student(cast.school_a1, personal_id=ID)
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    release = approved(cast, request)  # a real approval, then the state forced away from it
    type(request).objects.filter(pk=request.pk).update(state=state)
    request.refresh_from_db()
    with pytest.raises(services.NoApproval):
        built(release)
    release.refresh_from_db()
    assert not release.file and release.state == ReleaseState.QUEUED
    with pytest.raises(Exception):  # noqa: B017 - ValidationError: no link for a request not approved
        services.unscoped_issue_link(request)
    assert AuditEntry.objects.filter(action="sharing.refused", extra__reason="no_approval").exists()
    assert not ReleaseDownload.objects.filter(ok=True).exists()


def test_refused_decision_cannot_carry_a_release(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    to_decision(request, cast)
    decision = services.refuse(request=request, by=cast.so_admin, reason="Không đủ căn cứ pháp lý")
    fake = Release.objects.create(
        request=request,
        decision=decision,
        consent_number="giả mạo",
        state=ReleaseState.QUEUED,
        expires_at=timezone.now() + dt.timedelta(days=3),
        max_downloads=3,
        created_at=timezone.now(),
    )
    with pytest.raises(services.NoApproval):
        built(fake)
    fake.refresh_from_db()
    assert not fake.file


def test_database_refuses_an_approval_without_written_consent(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            request=request, outcome=Outcome.APPROVED, decided_at=timezone.now(), decided_by=cast.so_admin
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Release.objects.create(
            request=request,
            decision_id=0,
            consent_number="",
            state=ReleaseState.QUEUED,
            expires_at=timezone.now(),
            max_downloads=1,
            created_at=timezone.now(),
        )


def _link(release: Release) -> str:
    token = services.unscoped_issue_link(release.request)
    return reverse("sharing:release_download", kwargs={"token": token})


def test_expired_link_is_refused(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    release = built(approved(cast, request))
    url = _link(release)
    Release.objects.filter(pk=release.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().get(url)
    assert response.status_code == 410 and "hết hạn" in response.content.decode()
    assert ReleaseDownload.objects.get().reason == "expired"
    assert AuditEntry.objects.filter(action="sharing.refused", extra__reason="expired").exists()


def test_revoked_release_refuses_and_deletes_the_file(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    release = built(approved(cast, request))
    url = _link(release)
    path = release.file.path
    services.revoke(release=release, by=cast.so_admin, reason="Bên nhận sử dụng sai mục đích")
    response = Client().get(url)
    assert response.status_code == 410 and "thu hồi" in response.content.decode()
    release.refresh_from_db()
    assert release.state == ReleaseState.REVOKED and not release.file
    import os

    assert not os.path.exists(path)
    assert AuditEntry.objects.filter(action="sharing.revoke").exists()
    # Only the Sở revokes.
    with pytest.raises(services.PermissionDenied):
        services.revoke(release=release, by=cast.commune_a_admin, reason="x")


def test_a_new_link_replaces_the_old_and_unknown_tokens_are_refused(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    release = built(approved(cast, request))
    old = _link(release)
    new = _link(release)
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert Client().get(reverse("sharing:release_download", kwargs={"token": "x" * 43})).status_code == 404


@hsettings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    number=st.from_regex(r"YC-20[2-9][0-9]-[0-9]{4}", fullmatch=True), pid=st.from_regex(r"0[0-9]{11}", fullmatch=True)
)
def test_pseudonym_is_stable_and_never_the_id(number: str, pid: str) -> None:
    made = writer.pseudonym(number, pid)
    assert made == writer.pseudonym(number, pid)
    assert pid not in made
    assert re.fullmatch(r"BDD-[0-9A-F]{16}", made)


def test_purge_deletes_expired_files(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    release = built(approved(cast, request))
    Release.objects.filter(pk=release.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert services.unscoped_purge_expired() == 1
    release.refresh_from_db()
    assert not release.file
    assert AuditEntry.objects.filter(action="sharing.release_purged").count() == 1
    # The link now says it expired, not that the file is missing.
    response = Client().get(_link_after_purge(release))
    assert response.status_code == 410 and "hết hạn" in response.content.decode()


def _link_after_purge(release: Release) -> str:
    import hashlib

    token = "purged-token-for-test"
    Release.objects.filter(pk=release.pk).update(token_hash=hashlib.sha256(token.encode()).hexdigest())
    return reverse("sharing:release_download", kwargs={"token": token})


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_every_database_of_the_catalogue_releases(cast: Cast, file_format: str) -> None:
    """All the catalogue's fields of every database, for the whole city: the file is written, one sheet or member
    per database, the health column left out and the personal IDs pseudonymised (no consent names them)."""
    from edudb.registry.models import SchoolClass
    from edudb.reporting.models import SchoolYear
    from edudb.sharing import catalogue

    year = SchoolYear.objects.get(is_current=True)
    school_class = SchoolClass.objects.create(unit=cast.school_a1, school_year=year, name="1A", grade=1)
    _pupil(cast).__class__.objects.filter(unit=cast.school_a1).update(school_class=school_class)
    keys = list(catalogue.all_fields())
    request, _code = paper_request(cast.so_admin, "", wanted_fields=keys, file_format=file_format)
    release = built(approved(cast, request))
    assert release.state == ReleaseState.READY and release.rows >= 2  # the pupil and the class
    with release.file.open("rb") as handle:
        data = handle.read()
    if file_format == "xlsx":
        names = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
        assert names == ["Thông tin", "Trường học", "Lớp học", "Đội ngũ", "Học sinh", "Cơ sở vật chất"]
        rows = sheet_rows(release)
        assert "Loại khuyết tật" not in rows[1] and rows[2][rows[1].index("Họ và tên")] == "Lê Thị Mai"
        assert sheet_rows(release, "Lớp học")[2][3] == "1A"
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert len([n for n in archive.namelist() if n.endswith(".csv")]) == 5
    assert ID.encode() not in data
