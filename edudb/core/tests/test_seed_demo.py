"""The demo data (``manage.py seed_demo``, ``manage.py demo_accounts``): today's Hải Phòng and the 2022 shape.

Seeding the whole city takes most of a minute, so each shape is seeded once per test class inside an outer
transaction that is rolled back afterwards; every test runs in its own savepoint within it.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from vietnam_provinces import Ward

from edudb.accounts import services
from edudb.accounts.models import Account, AccountFunction, AccountKind
from edudb.core.demo.accounts import DEMO_PASSWORD, base32_secret, current_code, totp_key
from edudb.core.demo.plan import city_plan
from edudb.core.models import AuditEntry, Category, Unit, normalise_level_codes
from edudb.quality.text import search_key

DIRECT_KINDS = {"thpt", "thpt_chuyen", "thcs_thpt", "th_thcs_thpt", "pt_dtnt", "chuyen_biet", "ttgdtx", "gdnn_gdtx"}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
COMMUNE_LEVEL_KINDS = {"nha_tre", "mau_giao", "mam_non", "tieu_hoc", "th_thcs", "thcs", "tthtcd"}


def seed_once(django_db_blocker: Any, *args: str) -> Iterator[str]:
    """Seed inside a transaction that outlives the tests of one class, then roll it all back."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        out = io.StringIO()
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):  # Argon2 is slow on purpose; these tests check logic
            call_command("seed_demo", *args, stdout=out)
    try:
        yield out.getvalue()
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="class")
def seeded_2025(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    yield from seed_once(django_db_blocker)


@pytest.fixture(scope="class")
def seeded_2022(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    yield from seed_once(django_db_blocker, "--shape", "2022")


def department() -> Unit:
    return Unit.objects.get(kind__code="so")


def assert_tree_is_consistent() -> None:
    units = list(Unit.objects.select_related("parent", "kind"))
    roots = [u for u in units if u.parent is None]
    assert len(roots) == 1 and roots[0].path == f"/{roots[0].pk}/" and roots[0].depth == 0
    for unit in units:
        if unit.parent is not None:
            assert unit.path == f"{unit.parent.path}{unit.pk}/", unit.code
            assert unit.depth == unit.parent.depth + 1, unit.code
        assert unit.name_key == search_key(unit.name)
        if unit.kind.category != Category.OFFICE:
            assert unit.level_codes == normalise_level_codes(unit.kind.default_levels), unit.code


def assert_one_admin_per_unit() -> None:
    admins = Counter(Account.objects.filter(kind=AccountKind.ADMIN).values_list("unit_id", flat=True))
    for unit in Unit.objects.select_related("kind"):
        expected = 0 if unit.kind.category == Category.OFFICE else 1
        assert admins[unit.pk] == expected, unit.name


def assert_named_account(username: str, unit_name: str, kind: str, functions: set[str]) -> None:
    account = Account.objects.select_related("unit").get(username=username)
    assert account.unit.name == unit_name
    assert account.kind == kind
    assert account.check_password(DEMO_PASSWORD)
    assert not account.must_change_password and account.acknowledged_at is None
    assert set(account.functions.values_list("function", flat=True)) == functions
    device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
    if kind == AccountKind.ADMIN:
        assert device is not None and device.bin_key == totp_key(username)
    else:
        assert device is None
        assert account.issued_by is not None and account.issued_by.is_admin


@pytest.mark.usefixtures("seeded_2025")
@pytest.mark.django_db
class TestShape2025:
    def test_communes_are_the_real_114(self) -> None:
        wards = {f"{int(w.code):05d}": w.name for w in Ward.iter_all() if int(w.province_code) == 31}
        communes = {u.code: u for u in Unit.objects.filter(kind__code="ubnd_xa").select_related("parent")}
        assert len(communes) == 114 and set(communes) == set(wards)
        for code, unit in communes.items():
            assert unit.name == f"UBND {wards[code]}"
            assert unit.commune_code == code and unit.parent == department()
        assert communes["10507"].name == "UBND Phường Thành Đông"
        assert communes["11914"].name == "UBND Đặc khu Cát Hải"

    def test_institutions_are_spread_like_the_real_city(self) -> None:
        institutions = Unit.objects.filter(kind__category=Category.INSTITUTION).select_related("kind", "parent__kind")
        assert 1550 <= institutions.count() <= 1750
        by_kind = Counter(institutions.values_list("kind__code", flat=True))
        assert 75 <= by_kind["thpt"] <= 90 and by_kind["thpt_chuyen"] == 2
        assert by_kind["pt_dtnt"] == 1 and 2 <= by_kind["chuyen_biet"] <= 3
        assert 15 <= by_kind["ttgdtx"] + by_kind["gdnn_gdtx"] <= 20
        per_commune = Counter(u.parent_id for u in institutions if u.parent and u.parent.kind.code == "ubnd_xa")
        assert len(per_commune) == 114
        for unit in institutions:
            assert unit.parent is not None
            assert len(unit.code) == 8 and unit.code.startswith("31") and unit.code.isdigit()
            assert unit.head_name and unit.address.endswith("thành phố Hải Phòng")
            assert unit.phone[:4] in {"0225", "0220"} and len(unit.phone) == 11
            if unit.kind.code in COMMUNE_LEVEL_KINDS:
                assert unit.parent.kind.code == "ubnd_xa" and unit.commune_code == unit.parent.code

    def test_thpt_and_centres_hang_directly_under_the_department(self) -> None:
        so = department()
        direct = Unit.objects.filter(kind__code__in=DIRECT_KINDS)
        assert direct.exists() and set(direct.values_list("parent_id", flat=True)) == {so.pk}
        communes = set(Unit.objects.filter(kind__code="ubnd_xa").values_list("code", flat=True))
        assert set(direct.values_list("commune_code", flat=True)) <= communes
        assert Unit.objects.filter(name="Trường THPT chuyên Trần Phú", parent=so).exists()
        assert Unit.objects.filter(name="Trung tâm GDNN-GDTX Thủy Nguyên", kind__code="gdnn_gdtx").exists()

    def test_offices_oversee_by_level_or_field(self) -> None:
        offices = {u.name: u for u in Unit.objects.filter(kind__code="phong_chuyen_mon")}
        assert len(offices) == 8
        assert offices["Phòng Giáo dục Tiểu học"].level_codes == "|th|"
        assert offices["Phòng Giáo dục Trung học"].level_codes == "|thcs|thpt|"
        assert offices["Phòng Giáo dục Mầm non"].oversight == "levels"
        assert offices["Phòng Tổ chức cán bộ"].oversight == "staff"
        assert offices["Văn phòng Sở"].oversight == "review"
        assert {u.code for u in offices.values()} >= {"SGD31-TH", "SGD31-TCCB", "SGD31-VP"}

    def test_paths_and_depths_follow_the_parents(self) -> None:
        assert_tree_is_consistent()

    def test_every_unit_but_the_offices_has_exactly_one_admin(self) -> None:
        assert_one_admin_per_unit()
        bulk = Account.objects.get(username="admin.10507")
        assert bulk.unit.code == "10507" and bulk.must_change_password and bulk.full_name == bulk.unit.head_name
        assert bulk.issued_by is not None and bulk.issued_by.username == "so.admin"
        school = Unit.objects.filter(parent=bulk.unit, kind__code="tieu_hoc").first()
        assert school is not None
        assert Account.objects.get(unit=school, kind=AccountKind.ADMIN).issued_by == bulk
        assert not Account.objects.filter(username="admin.sgd31").exists()

    @pytest.mark.parametrize(
        ("username", "unit_name", "kind", "functions"),
        [
            ("so.admin", "Sở Giáo dục và Đào tạo Hải Phòng", "admin", set()),
            ("so.tieuhoc", "Phòng Giáo dục Tiểu học", "user", {"view", "review", "export"}),
            ("so.trunghoc", "Phòng Giáo dục Trung học", "user", {"view", "review", "export"}),
            ("so.tccb", "Phòng Tổ chức cán bộ", "user", {"view", "enter_staff", "export"}),
            ("so.vanphong", "Văn phòng Sở", "user", {"view"}),
            ("xa.admin", "UBND Phường Hồng Bàng", "admin", set()),
            ("xa.chuyenvien", "UBND Phường Hồng Bàng", "user", {"view", "review", "approve", "export"}),
            ("thpt.admin", "Trường THPT Thái Phiên", "admin", set()),
            ("thpt.giaovu", "Trường THPT Thái Phiên", "user", {"view", "enter_students", "enter_staff", "submit"}),
        ],
    )
    def test_named_demo_accounts(self, username: str, unit_name: str, kind: str, functions: set[str]) -> None:
        assert_named_account(username, unit_name, kind, functions)

    def test_named_school_accounts_sit_in_the_demo_commune(self) -> None:
        commune = Unit.objects.get(code="11311")
        for username, kind, functions in [
            ("th.admin", "tieu_hoc", set()),
            ("th.giaovien", "tieu_hoc", {"view", "enter_students"}),
            ("mn.admin", "mam_non", set()),
        ]:
            account = Account.objects.select_related("unit__kind").get(username=username)
            assert account.unit.parent == commune and account.unit.kind.code == kind
            assert_named_account(username, account.unit.name, account.kind, functions)
        office_user = Account.objects.get(username="so.tieuhoc")
        grant = AccountFunction.objects.filter(account=office_user).select_related("granted_by").first()
        assert grant is not None and grant.granted_by is not None and grant.granted_by.username == "so.admin"

    def test_admin_signs_in_with_the_printed_totp_code(self) -> None:
        code, _ = current_code(totp_key("xa.admin"))
        result = services.sign_in(username="xa.admin", password=DEMO_PASSWORD, otp=code, ip="127.0.0.1", channel="web")
        assert result.ok

    def test_seeding_is_audited_once(self) -> None:
        entry = AuditEntry.objects.get(action="demo.seed")
        assert entry.actor_username == "system" and entry.unit_id == department().pk
        assert entry.extra["shape"] == "2025" and entry.extra["by_kind"]["ubnd_xa"] == 114

    def test_the_demo_reporting_period_is_half_way_through(self) -> None:
        from edudb.reporting.models import ReportingPeriod, ReportState, Submission, UnitReport
        from edudb.reporting.snapshots import verify

        period = ReportingPeriod.objects.get(kind="adhoc")
        states = {state: UnitReport.objects.filter(period=period, state=state).count() for state in ReportState.values}
        assert states["approved"] > 300 and states["submitted"] > 100 and states["returned"] == 1
        th_school = Account.objects.get(username="th.admin").unit
        assert not UnitReport.objects.filter(period=period, unit=th_school).exists()  # left for the visitor
        sample = Submission.objects.filter(report__period=period).select_related("snapshot")[:20]
        assert all(verify(s.snapshot.data, s.snapshot.checksum) for s in sample)
        assert AuditEntry.objects.filter(action="reporting.submit").count() == sum(
            n for state, n in states.items() if state != "in_progress"
        )

    def test_output_lists_the_named_accounts_with_secrets(self, seeded_2025: str) -> None:
        assert "Tài khoản dùng thử (demo accounts)" in seeded_2025 and DEMO_PASSWORD in seeded_2025
        for username in ["so.admin", "so.tieuhoc", "xa.admin", "xa.chuyenvien", "th.giaovien", "thpt.giaovu"]:
            assert username in seeded_2025
        assert base32_secret(totp_key("so.admin")) in seeded_2025

    def test_demo_accounts_command_prints_the_table_without_seeding(self) -> None:
        units = Unit.objects.count()
        out = io.StringIO()
        call_command("demo_accounts", stdout=out)
        assert "so.admin" in out.getvalue() and base32_secret(totp_key("thpt.admin")) in out.getvalue()
        markdown = io.StringIO()
        call_command("demo_accounts", "--markdown", stdout=markdown)
        assert "| `so.tieuhoc` |" in markdown.getvalue()
        assert Unit.objects.count() == units

    def test_if_empty_is_a_no_op_on_a_seeded_database(self) -> None:
        before = (Unit.objects.count(), Account.objects.count(), AuditEntry.objects.count())
        out = io.StringIO()
        call_command("seed_demo", "--if-empty", stdout=out)
        assert (Unit.objects.count(), Account.objects.count(), AuditEntry.objects.count()) == before
        assert "so.admin" in out.getvalue()

    def test_a_second_run_is_refused(self) -> None:
        units = Unit.objects.count()
        with pytest.raises(CommandError, match="đã có"):
            call_command("seed_demo", stdout=io.StringIO())
        assert Unit.objects.count() == units

    def test_every_institution_has_a_school_profile_and_a_main_site(self) -> None:
        from edudb.registry.models import SchoolProfile, Site

        institutions = Unit.objects.filter(kind__category=Category.INSTITUTION)
        assert SchoolProfile.objects.count() == institutions.count()
        assert Site.objects.filter(is_main=True).count() == institutions.count()
        assert Site.objects.filter(is_main=False, distance_km__isnull=False).exists()
        assert SchoolProfile.objects.filter(ownership__name="Tư thục").exists()

    def test_the_demo_accounts_schools_have_classes_staff_and_students_at_real_density(self) -> None:
        from django.db.models import Count

        from edudb.registry.models import IssuedCode, SchoolClass, StaffMember, Student

        school = Account.objects.get(username="th.admin").unit
        classes = SchoolClass.objects.filter(unit=school).annotate(n=Count("students"))
        assert classes.exists() and {c.grade for c in classes} == {1, 2, 3, 4, 5}
        assert all(30 <= c.n <= 45 for c in classes)
        assert all(c.homeroom_teacher and c.homeroom_teacher.unit_id == school.pk for c in classes)
        students = Student.objects.filter(unit=school)
        # Every learner has a Ministry code, but for the demo's deliberate duplicates (blemishes.py): a child enrolled
        # again at a second school, under a temporary code, as real duplicates arise.
        assert all(len(s.ministry_code or "") == 10 for s in students if not s.temporary_code)
        assert Student.objects.filter(temporary_code__isnull=False).count() <= 3
        first_grade = students.filter(school_class__grade=1).first()
        assert first_grade is not None and first_grade.status.code == "01"
        assert 5 <= first_grade.school_class.school_year.start_year - first_grade.birth_date.year <= 7  # type: ignore[union-attr]
        assert StaffMember.objects.filter(unit=school, staff_type__code="2").count() >= classes.count()
        assert (
            IssuedCode.objects.filter(kind="student").count()
            == Student.objects.filter(ministry_code__isnull=False).count()
        )
        assert Student.objects.filter(unit=Account.objects.get(username="thpt.admin").unit).count() > 1000


@pytest.mark.usefixtures("seeded_2022")
@pytest.mark.django_db
class TestShape2022:
    def test_fifteen_district_offices_manage_the_schools(self) -> None:
        so = department()
        districts = {u.code: u for u in Unit.objects.filter(kind__code="phong_gddt")}
        assert len(districts) == 15 and all(d.parent_id == so.pk for d in districts.values())
        assert districts["303"].name == "Phòng Giáo dục và Đào tạo quận Hồng Bàng"
        assert districts["311"].name == "Phòng Giáo dục và Đào tạo huyện Thủy Nguyên"
        assert not Unit.objects.filter(kind__code="ubnd_xa").exists()
        for unit in Unit.objects.filter(kind__code__in=COMMUNE_LEVEL_KINDS).select_related("parent__kind"):
            assert unit.parent is not None and unit.parent.kind.code == "phong_gddt", unit.name
        assert all(d.children.exists() for d in districts.values())

    def test_old_hai_phong_only(self) -> None:
        institutions = Unit.objects.filter(kind__category=Category.INSTITUTION)
        assert 780 <= institutions.count() <= 900
        assert set(institutions.filter(kind__code__in=DIRECT_KINDS).values_list("parent__kind__code", flat=True)) == {
            "so"
        }
        assert not institutions.filter(phone__startswith="0220").exists()  # no former Hải Dương
        assert not institutions.filter(name="Trường THPT chuyên Nguyễn Trãi").exists()

    def test_tree_and_admins(self) -> None:
        assert_tree_is_consistent()
        assert_one_admin_per_unit()

    def test_district_accounts_replace_the_commune_ones(self) -> None:
        district = "Phòng Giáo dục và Đào tạo quận Hồng Bàng"
        assert_named_account("phong.admin", district, "admin", set())
        assert_named_account("phong.chuyenvien", district, "user", {"view", "review", "approve", "export"})
        assert not Account.objects.filter(username__in=["xa.admin", "xa.chuyenvien"]).exists()
        school = Account.objects.select_related("unit__parent").get(username="th.admin").unit
        assert (
            school.parent is not None
            and school.parent.code == "303"
            and school.code == city_plan().demo_school("tieu_hoc").code
        )


def test_the_plan_is_deterministic() -> None:
    first, second = city_plan.__wrapped__(), city_plan.__wrapped__()
    assert [(i.code, i.name, i.head_name, i.street) for i in first.institutions] == [
        (i.code, i.name, i.head_name, i.street) for i in second.institutions
    ]
    assert len({i.code for i in first.institutions}) == len(first.institutions)
