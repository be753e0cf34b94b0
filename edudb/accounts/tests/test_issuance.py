"""Who may issue what (Điều 5) and "nobody grants more than they hold", as tables."""

from __future__ import annotations

import pytest

from conftest import Cast
from edudb.accounts import services
from edudb.accounts.models import Account, AccountKind
from edudb.core.models import AuditEntry, Category

ADMIN, USER = AccountKind.ADMIN, AccountKind.USER

# (issuer, target unit, account kind, allowed) — read as Điều 5 says it.
ISSUANCE = [
    # 5.2: the Sở issues admin accounts to the intermediate managers and its direct institutions …
    ("so_admin", "commune_a", ADMIN, True),
    ("so_admin", "thpt", ADMIN, True),
    # … and user accounts to its offices (which hold no admin account of their own) and to itself.
    ("so_admin", "office_th", USER, True),
    ("so_admin", "office_th", ADMIN, False),
    ("so_admin", "so", USER, True),
    ("so_admin", "so", ADMIN, False),
    # The Sở does not reach past the manager into its schools, nor issue the manager's own users.
    ("so_admin", "school_a1", ADMIN, False),
    ("so_admin", "school_a1", USER, False),
    ("so_admin", "commune_a", USER, False),
    # 5.3: a manager issues admin accounts to its institutions and user accounts to its own staff.
    ("commune_a_admin", "school_a1", ADMIN, True),
    ("commune_a_admin", "commune_a", USER, True),
    ("commune_a_admin", "commune_a", ADMIN, False),
    ("commune_a_admin", "school_a1", USER, False),
    ("commune_a_admin", "school_b1", ADMIN, False),
    ("commune_a_admin", "so", ADMIN, False),
    ("commune_a_admin", "thpt", ADMIN, False),
    # A user account with the account function manages its own unit's user accounts, nothing more.
    ("commune_a_user", "commune_a", USER, True),
    ("commune_a_user", "school_a1", ADMIN, False),
    ("commune_a_user", "commune_a", ADMIN, False),
    # 5.4: an institution issues user accounts to its teachers and staff.
    ("school_a1_admin", "school_a1", USER, True),
    ("school_a1_admin", "school_a1", ADMIN, False),
    ("school_a1_admin", "school_a2", USER, False),
    ("thpt_admin", "thpt", USER, True),
    ("thpt_admin", "school_a1", USER, False),
    # Users without the function, and offices, issue nothing.
    ("school_a1_user", "school_a1", USER, False),
    ("office_th_user", "office_th", USER, False),
    ("office_th_user", "school_a1", USER, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("issuer", "unit", "kind", "allowed"), ISSUANCE)
def test_issuance_rules(cast: Cast, issuer: str, unit: str, kind: str, allowed: bool) -> None:
    refusal = services.issuance_refusal(cast.accounts[issuer], cast.units[unit], kind)
    assert (refusal is None) is allowed, refusal
    if refusal:
        assert refusal.endswith(".")  # a full Vietnamese sentence, not a code


@pytest.mark.django_db
def test_every_issuer_unit_pair_stays_inside_the_issuers_reach(cast: Cast) -> None:
    """Over every (issuer, unit kind, account kind) of the cast: allowed only at home or one level down."""
    for issuer in cast.accounts.values():
        for unit in cast.units.values():
            for kind in (ADMIN, USER):
                if services.issuance_refusal(issuer, unit, kind) is not None:
                    continue
                assert unit.is_within(issuer.unit)
                assert unit.depth - issuer.unit.depth <= 1
                if kind == ADMIN:
                    assert issuer.is_admin and unit.parent_id == issuer.unit_id
                    assert unit.kind.category != Category.OFFICE
                elif unit.pk != issuer.unit_id:
                    assert issuer.is_admin and unit.kind.category == Category.OFFICE


@pytest.mark.django_db
def test_nobody_grants_more_than_they_hold(cast: Cast) -> None:
    issuer = cast.commune_a_user  # view, approve, manage accounts, view audit
    with pytest.raises(services.AccountRefused, match="không có"):
        services.issue_account(
            by=issuer,
            unit=cast.commune_a,
            kind=USER,
            username="chuyen.vien2",
            full_name="Lê Văn Hùng",
            functions=["view", "enter_students"],
        )
    assert not Account.objects.filter(username="chuyen.vien2").exists()
    account, _ = services.issue_account(
        by=issuer, unit=cast.commune_a, kind=USER, username="chuyen.vien2", full_name="Lê Văn Hùng", functions=["view"]
    )
    assert set(account.functions.values_list("function", flat=True)) == {"view"}
    # Nor can it take away a function it does not hold itself.
    services.set_functions(cast.commune_a_user, by=cast.commune_a_admin, functions=["view", "manage_accounts"])
    colleague, _ = services.issue_account(
        by=cast.commune_a_admin,
        unit=cast.commune_a,
        kind=USER,
        username="ke.toan",
        full_name="Phạm Thu Hà",
        functions=["view", "export"],
    )
    with pytest.raises(services.AccountRefused):
        services.set_functions(colleague, by=cast.commune_a_user, functions=["view"])
    assert set(colleague.functions.values_list("function", flat=True)) == {"view", "export"}


@pytest.mark.django_db
def test_issue_account_makes_a_one_time_password_and_an_audit_entry(cast: Cast) -> None:
    account, password = services.issue_account(
        by=cast.school_a1_admin,
        unit=cast.school_a1,
        kind=USER,
        username="GV.Lan",
        full_name="  đỗ thị  lan ",
        functions=["view", "enter_students"],
    )
    assert account.username == "gv.lan"
    assert account.must_change_password
    assert account.check_password(password)
    assert len(password) >= 12
    entry = AuditEntry.objects.filter(action="account.issue", object_id=str(account.pk)).get()
    assert entry.actor_id == cast.school_a1_admin.pk
    assert entry.unit_id == cast.school_a1.pk
    assert entry.extra["functions"] == ["enter_students", "view"]


@pytest.mark.django_db
def test_exactly_one_admin_account_per_unit(cast: Cast) -> None:
    with pytest.raises(services.AccountRefused, match="đã có tài khoản quản trị"):
        services.issue_account(
            by=cast.commune_a_admin, unit=cast.school_a1, kind=ADMIN, username="qt.moi", full_name="Vũ Văn Nam"
        )
    # The database itself refuses a second admin, whatever path the row comes by.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(username="qt.lau", full_name="X", unit=cast.school_a1, kind=ADMIN)


@pytest.mark.django_db
def test_duplicate_username_is_refused_in_vietnamese(cast: Cast) -> None:
    with pytest.raises(services.AccountRefused, match="đã được dùng"):
        services.issue_account(
            by=cast.school_a1_admin, unit=cast.school_a1, kind=USER, username="school.a1.user", full_name="Trùng Tên"
        )


@pytest.mark.django_db
def test_a_refused_operation_is_audited_and_changes_nothing(cast: Cast) -> None:
    before = Account.objects.count()
    with pytest.raises(services.AccountRefused):
        services.issue_account(
            by=cast.school_a1_admin, unit=cast.school_a1, kind=ADMIN, username="tu.phong", full_name="Tự Phong"
        )
    assert Account.objects.count() == before
    entry = AuditEntry.objects.get(action="account.issue.refused")
    assert entry.actor_id == cast.school_a1_admin.pk and entry.unit_id == cast.school_a1.pk
    assert entry.extra["kind"] == ADMIN and "quản trị" in entry.extra["reason"]
