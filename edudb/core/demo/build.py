"""Writing the demo city to the database, fast: one bulk insert per tree level, paths filled in from the new ids."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from edudb.accounts.models import Account, AccountFunction, AccountKind
from edudb.core import audit
from edudb.core.demo import places
from edudb.core.demo.accounts import DEMO_PASSWORD, DemoAccount, accounts_for, totp_key
from edudb.core.demo.blemishes import add_blemishes
from edudb.core.demo.equipment import build_equipment
from edudb.core.demo.movements import seed_movements
from edudb.core.demo.names import base_name, in_address
from edudb.core.demo.people import build_people
from edudb.core.demo.plan import Institution, Plan, city_plan
from edudb.core.demo.results import build_results
from edudb.core.demo.schools import build_school_records
from edudb.core.demo.staff_records import build_staff_records
from edudb.core.models import Category, Unit, UnitKind, normalise_level_codes
from edudb.quality.text import clean_text, search_key
from edudb.reporting.models import SchoolYear


class SeedRefused(Exception):
    """The demo data cannot be written (a unit kind is missing, the shape is unknown…); the message says why."""


@dataclass
class SeedResult:
    """What ``seed`` wrote."""

    shape: str
    department: Unit
    units_by_kind: Counter[str] = field(default_factory=Counter)
    institutions: int = 0
    accounts: int = 0
    classes: int = 0
    staff: int = 0
    students: int = 0


@transaction.atomic
def seed(*, shape: str = "2025", scale: str = "demo") -> SeedResult:
    """Build the demo city in ``shape`` ("2025": Sở → 114 communes → schools; "2022": Sở → 15 districts → schools)."""
    if shape not in ("2025", "2022"):
        raise SeedRefused(f"Mô hình không hợp lệ: {shape} (chọn 2025 hoặc 2022).")
    builder = _Builder(city_plan(), shape)
    department = builder.build_units()
    result = SeedResult(
        shape=shape,
        department=department,
        units_by_kind=Counter(u.kind.code for u in builder.units),
        institutions=sum(1 for u in builder.units if u.kind.category == Category.INSTITUTION),
        accounts=builder.build_accounts(department),
    )
    profiles, sites = build_school_records(builder.units)
    rng = random.Random(2026)  # noqa: S311 - made-up demo data, not security
    people_units = _people_units(builder, department, scale)
    people = build_people(people_units, year=current_year(), rng=rng)
    result.classes, result.staff, result.students = people.classes, people.staff, people.students
    journal = seed_movements(people_units, year=current_year(), rng=rng)
    marks = build_results(current_year(), rng=rng, units=people_units)
    build_staff_records(people_units, year=current_year(), rng=rng)
    build_equipment(people_units, year=current_year(), rng=rng)
    blemishes = add_blemishes(people_units, rng=rng) if scale != "city" else {}
    audit.record(
        "demo.seed",
        by=None,
        username="system",
        unit=result.department,
        extra={
            "shape": shape,
            "units": sum(result.units_by_kind.values()),
            "institutions": result.institutions,
            "accounts": result.accounts,
            "school_profiles": profiles,
            "sites": sites,
            "scale": scale,
            "classes": people.classes,
            "staff": people.staff,
            "students": people.students,
            "journal": journal,
            "results": marks.results,
            "health_records": marks.health,
            "by_kind": dict(sorted(result.units_by_kind.items())),
            "blemishes": blemishes,
        },
    )
    return result


def current_year() -> SchoolYear:
    """The school year running today (created by a migration)."""
    return SchoolYear.objects.get(is_current=True)


def _people_units(builder: _Builder, department: Unit, scale: str) -> list[Unit]:
    """Where classes, staff and students are seeded: the demo accounts' commune (or district) and THPT, or all."""
    institutions = [u for u in builder.units if u.kind.category == Category.INSTITUTION]
    if scale == "city":
        return institutions
    manager = builder.by_code[places.DEMO_DISTRICT_CODE if builder.shape == "2022" else places.DEMO_COMMUNE_CODE]
    thpt = builder.by_code[builder.plan.demo_thpt().code]
    return [u for u in institutions if u.parent_id == manager.pk or u.pk == thpt.pk]


class _Builder:
    def __init__(self, plan: Plan, shape: str) -> None:
        self.plan = plan
        self.shape = shape
        self.kinds = {k.code: k for k in UnitKind.objects.all()}
        missing = {"so", "phong_chuyen_mon", "phong_gddt", "ubnd_xa"} | {i.kind for i in plan.institutions}
        missing -= set(self.kinds)
        if missing:
            raise SeedRefused(
                f"Thiếu loại đơn vị (missing unit kinds): {', '.join(sorted(missing))}. Hãy chạy migrate."
            )
        self.units: list[Unit] = []
        self.by_code: dict[str, Unit] = {}

    # --- units ---------------------------------------------------------------------------------------------

    def _unit(self, *, kind: str, code: str, name: str, parent: Unit | None, **fields: Any) -> Unit:
        unit_kind = self.kinds[kind]
        name = clean_text(name)
        fields.setdefault("level_codes", normalise_level_codes(unit_kind.default_levels))
        return Unit(
            kind=unit_kind,
            code=code,
            name=name,
            name_key=search_key(name),
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            province_code=places.PROVINCE_CODE,
            **fields,
        )

    def _insert(self, units: list[Unit]) -> None:
        """Insert one level of the tree; the ids come back from the insert, then the paths are written."""
        Unit.objects.bulk_create(units, batch_size=500)
        for unit in units:
            if unit.pk is None:  # pragma: no cover - both supported databases return ids from bulk inserts
                raise SeedRefused("Cơ sở dữ liệu không trả về mã bản ghi sau khi thêm hàng loạt.")
            unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        Unit.objects.bulk_update(units, ["path"], batch_size=500)
        self.units += units
        self.by_code.update((u.code, u) for u in units)

    def build_units(self) -> Unit:
        d = places.DEPARTMENT
        legacy = self.shape == "2022"
        department = self._unit(
            kind="so",
            code=d["code"],
            name=d["name"],
            parent=None,
            head_name=d["head_name"],
            phone=d["phone"],
            commune_code=d["legacy_code"] if legacy else d["commune_code"],
            address=(
                f"{d['street']}, quận Hồng Bàng, {places.CITY}"
                if legacy
                else f"{d['street']}, phường Hồng Bàng, {places.CITY}"
            ),
        )
        self._insert([department])

        offices = [
            self._unit(
                kind="phong_chuyen_mon",
                code=f"{d['code']}-{o.suffix}",
                name=o.name,
                parent=department,
                oversight=o.oversight,
                level_codes=normalise_level_codes(o.levels),
                head_name=o.head_name,
                phone=f"{d['phone'][:-2]}{50 + i:02d}",
                address=department.address,
                commune_code=department.commune_code,
            )
            for i, o in enumerate(places.OFFICES)
        ]
        managers = self._districts(department) if legacy else self._communes(department)
        self._insert(offices + managers)

        institutions = [i for i in self.plan.institutions if not legacy or i.in_2022]
        self._insert([self._institution(i, department) for i in institutions])
        return department

    def _communes(self, department: Unit) -> list[Unit]:
        return [
            self._unit(
                kind="ubnd_xa",
                code=c.code,
                name=c.unit_name,
                parent=department,
                commune_code=c.code,
                head_name=c.head_name,
                phone=c.phone,
                address=f"{c.street}, {in_address(c.name)}, {places.CITY}",
            )
            for c in self.plan.communes
        ]

    def _districts(self, department: Unit) -> list[Unit]:
        return [
            self._unit(
                kind="phong_gddt",
                code=str(d.code),
                name=d.office_name,
                parent=department,
                head_name=self.plan.districts[d.code].head_name,
                phone=self.plan.districts[d.code].phone,
                address=f"{d.street}, {d.label}, {places.CITY}",
            )
            for d in places.DISTRICTS
        ]

    def _institution(self, planned: Institution, department: Unit) -> Unit:
        if self.shape == "2022":
            district = next(d for d in places.DISTRICTS if d.code == planned.district_code)
            parent = department if planned.direct else self.by_code[str(district.code)]
            place = f"{_former_in_address(planned.former.name, district.label)}, " if planned.former else ""
            address = f"{planned.street}, {place}{district.label}, {places.CITY}"
            commune_code = planned.former.code if planned.former else ""
        else:
            parent = department if planned.direct else self.by_code[planned.commune.code]
            address = f"{planned.street}, {in_address(planned.commune.name)}, {places.CITY}"
            commune_code = planned.commune.code
        return self._unit(
            kind=planned.kind,
            code=planned.code,
            name=planned.name,
            parent=parent,
            commune_code=commune_code,
            head_name=planned.head_name,
            phone=planned.phone,
            address=address,
        )

    # --- accounts ------------------------------------------------------------------------------------------

    def _target(self, spec: DemoAccount) -> Unit:
        kind, _, arg = spec.target.partition(":")
        if kind == "department":
            code = places.DEPARTMENT["code"]
        elif kind == "office":
            code = f"{places.DEPARTMENT['code']}-{arg}"
        elif kind == "manager":
            code = places.DEMO_DISTRICT_CODE if self.shape == "2022" else places.DEMO_COMMUNE_CODE
        elif kind == "school":
            code = self.plan.demo_school(arg).code
        else:
            code = self.plan.demo_thpt().code
        return self.by_code[code]

    def build_accounts(self, department: Unit) -> int:
        """Every unit's admin account, the named demo accounts with their grants and TOTP devices; returns how many."""
        now = timezone.now()
        password = make_password(DEMO_PASSWORD)  # once: Argon2 is deliberately slow
        specs = accounts_for(self.shape)
        named_admin = {self._target(s).pk: s for s in specs if s.kind == AccountKind.ADMIN}
        admins: dict[int, Account] = {}  # unit id → its admin account

        def account(unit: Unit, spec: DemoAccount | None, issued_by: Account | None) -> Account:
            if spec is None:  # the bulk admin of a unit: held by its head, fresh credentials to change
                username, full_name, position, kind = f"admin.{unit.code.lower()}", unit.head_name, "", "admin"
            else:
                username, full_name, position, kind = spec.username, spec.full_name, spec.position, spec.kind
            if kind == AccountKind.ADMIN:
                full_name = full_name or unit.head_name
                position = position or _head_title(unit)
            full_name = clean_text(full_name)
            return Account(
                username=username,
                full_name=full_name,
                name_key=search_key(f"{full_name} {username}"),
                position=position,
                unit=unit,
                kind=kind,
                password=password,
                must_change_password=spec is None,
                acknowledged_at=None,
                issued_by=issued_by,
                created_at=now,
            )

        # Admin accounts level by level, each issued by the admin of the unit above (Điều 5).
        for depth in sorted({u.depth for u in self.units}):
            level = [
                account(u, named_admin.get(u.pk), admins.get(u.parent_id) if u.parent_id else None)
                for u in self.units
                if u.depth == depth and u.kind.has_admin_account
            ]
            Account.objects.bulk_create(level, batch_size=500)
            admins.update((a.unit_id, a) for a in level)

        department_admin = admins[department.pk]
        users = []
        for spec in specs:
            if spec.kind != AccountKind.USER:
                continue
            unit = self._target(spec)
            # The Sở issues its offices' user accounts (Điều 5.2); every other unit issues its own.
            issuer = department_admin if unit.kind.category == Category.OFFICE else admins[unit.pk]
            users.append((account(unit, spec, issuer), spec, issuer))
        Account.objects.bulk_create([a for a, _, _ in users])
        AccountFunction.objects.bulk_create(
            AccountFunction(account=a, function=str(f), granted_by=issuer, granted_at=now)
            for a, spec, issuer in users
            for f in spec.functions
        )
        TOTPDevice.objects.bulk_create(
            TOTPDevice(
                user=admins[unit_id],
                name="Ứng dụng xác thực (demo)",
                key=totp_key(spec.username).hex(),
                confirmed=True,
            )
            for unit_id, spec in named_admin.items()
        )
        return len(admins) + len(users)


def _head_title(unit: Unit) -> str:
    code = unit.kind.code
    if code == "ubnd_xa":
        return f"{places.HEAD_TITLE[code]} {in_address(unit.name.removeprefix('UBND '))}"
    return places.HEAD_TITLE.get(code, places.DEFAULT_HEAD_TITLE)


def _former_in_address(name: str, district_label: str) -> str:
    """A former commune inside a 2022 address; the package lists it as it was in 2025, when Thủy Nguyên and
    An Dương had just become urban, so in a 2022 huyện its phường reads as the xã it then was."""
    if district_label.startswith("huyện") and name.startswith("Phường "):
        return f"xã {base_name(name)}"
    return in_address(name)
