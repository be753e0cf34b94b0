"""The shared test cast (STYLE.md): a small Hải Phòng with the Sở, two offices, two communes and their schools.

    so ─┬─ office_th      (Phòng GD Tiểu học: oversees level th)
        ├─ office_tccb    (Phòng Tổ chức cán bộ: staff data of the Sở and direct institutions)
        ├─ commune_a ─┬─ school_a1 (tiểu học)
        │             └─ school_a2 (THCS)
        ├─ commune_b ─┬─ school_b1 (tiểu học)
        │             └─ school_b2 (mầm non)
        └─ thpt        (THPT directly under the Sở)

Accounts: each unit but the offices has its admin (``<unit>_admin``); ``office_th_user``, ``office_tccb_user``,
``commune_a_user`` and ``<school>_user`` are user accounts with the functions listed in CAST_FUNCTIONS.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from edudb.accounts.models import Account, AccountKind
from edudb.core.models import Oversight, Unit
from edudb.core.scoping import Function
from edudb.core.tests.factories import AccountFactory, UnitFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CAST_FUNCTIONS: dict[str, list[str]] = {
    "office_th_user": [Function.VIEW, Function.REVIEW, Function.EXPORT],
    "office_tccb_user": [Function.VIEW, Function.ENTER_STAFF],
    "commune_a_user": [Function.VIEW, Function.APPROVE, Function.MANAGE_ACCOUNTS, Function.VIEW_AUDIT],
    "school_a1_user": [Function.VIEW, Function.ENTER_STUDENTS],
    "school_a2_user": [Function.VIEW],
    "school_b1_user": [Function.VIEW],
    "school_b2_user": [Function.VIEW],
    "thpt_user": [Function.VIEW, Function.ENTER_STUDENTS],
}


@dataclass
class Cast:
    units: dict[str, Unit]
    accounts: dict[str, Account]

    def __getattr__(self, name: str) -> Any:
        if name in self.units:
            return self.units[name]
        if name in self.accounts:
            return self.accounts[name]
        raise AttributeError(name)


def build_cast() -> Cast:
    so = UnitFactory.create(code="SGD31", name="Sở Giáo dục và Đào tạo thành phố Hải Phòng", kind="so")
    units = {
        "so": so,
        "office_th": UnitFactory.create(
            code="SGD31-TH",
            name="Phòng Giáo dục Tiểu học",
            kind="phong_chuyen_mon",
            parent=so,
            oversight=Oversight.LEVELS,
            level_codes="|th|",
        ),
        "office_tccb": UnitFactory.create(
            code="SGD31-TCCB",
            name="Phòng Tổ chức cán bộ",
            kind="phong_chuyen_mon",
            parent=so,
            oversight=Oversight.STAFF,
        ),
        "commune_a": UnitFactory.create(code="11311", name="UBND Phường Hồng Bàng", kind="ubnd_xa", parent=so),
        "commune_b": UnitFactory.create(code="11350", name="UBND Xã An Lão", kind="ubnd_xa", parent=so),
        "thpt": UnitFactory.create(code="31000900", name="Trường THPT Ngô Quyền", kind="thpt", parent=so),
    }
    units["school_a1"] = UnitFactory.create(
        code="31000101", name="Trường Tiểu học Lê Văn Tám", kind="tieu_hoc", parent=units["commune_a"]
    )
    units["school_a2"] = UnitFactory.create(
        code="31000102", name="Trường THCS Chu Văn An", kind="thcs", parent=units["commune_a"]
    )
    units["school_b1"] = UnitFactory.create(
        code="31000201", name="Trường Tiểu học An Lão", kind="tieu_hoc", parent=units["commune_b"]
    )
    units["school_b2"] = UnitFactory.create(
        code="31000202", name="Trường Mầm non Hoa Sen", kind="mam_non", parent=units["commune_b"]
    )
    accounts: dict[str, Account] = {}
    for name, unit in units.items():
        if unit.kind.has_admin_account:
            accounts[f"{name}_admin"] = AccountFactory.create(
                username=f"{name}.admin", unit=unit, kind=AccountKind.ADMIN
            )
    for name, functions in CAST_FUNCTIONS.items():
        unit = units[name.removesuffix("_user")]
        accounts[name] = AccountFactory.create(username=name.replace("_", "."), unit=unit, functions=functions)
    return Cast(units, accounts)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On SQLite the tests run on a database file, as production does, not in memory.

    Django hands an in-memory database's one connection to every thread of the live server, so two requests in
    flight at once (two browser pages, or a page going back while a form is sent) interleave their transactions
    on it and fail with "cannot start a transaction within a transaction". On a file every thread has its own
    connection and SQLite's own locking (IMMEDIATE, busy timeout, WAL: settings.py) orders them, as in
    production.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    elif database["ENGINE"] == "django.db.backends.postgresql":
        # A commit need not wait for its WAL to reach the disk: nothing of a test database must survive a crash,
        # and the tests that commit (browser, races) then do not wait on the disk at each request.
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session", autouse=True)
def _own_media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test run writes its files (uploads, exports, the contacts' stamp) under a folder of its own, never
    under var/media: two runs at once (CI runs SQLite and PostgreSQL side by side) must not see each other's."""
    from django.conf import settings

    before = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    yield
    settings.MEDIA_ROOT = before


@pytest.fixture
def cast(db: Any) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """API throttles count in the cache; each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    """Argon2 is what production uses (asserted in a test of its own); tests hash with a cheap hasher."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's back-off would slow tests that retry codes at once
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture
def committed_db(transactional_db: None) -> Any:
    """Committed data for tests that need several connections (races between requests): Django flushes after
    the test, so the append-only guards are lifted for the flush and the migrations' data put back after it."""
    from django.db.models.signals import post_migrate

    from edudb.core.guards import restore_after_flush, restore_migrated_state, set_guards

    post_migrate.connect(restore_after_flush, dispatch_uid="tests_browser.restore_after_flush")
    restore_migrated_state()
    yield
    set_guards(False)
