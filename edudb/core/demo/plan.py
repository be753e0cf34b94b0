"""The demo city as plain data, before any database: every commune and institution, deterministic.

One plan serves both shapes. Institutions are generated per former commune (the units merged into today's 114
on 1 July 2025, as the `vietnam-provinces` package records them), so the 2022 shape puts each school under the
district of its former commune and the 2025 shape under today's commune — with the same code, name and
principal, which is what a reorganisation from one shape to the other must produce.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from vietnam_provinces import Ward

from edudb.core.demo import names, places

SEED = 2025


@dataclass(frozen=True)
class FormerCommune:
    """A commune-level unit as it was before 1 July 2025 (xã/phường/thị trấn of a district)."""

    code: str
    name: str  # "Phường Minh Khai"
    district_code: int

    @property
    def base(self) -> str:
        return names.base_name(self.name)


@dataclass
class Commune:
    """A commune-level unit of today (xã/phường/đặc khu), with the former communes it took over."""

    code: str
    name: str  # "Phường Thành Đông"
    division: str  # "phường", "xã", "đặc khu"
    former: list[FormerCommune] = field(default_factory=list)
    head_name: str = ""  # the chairman of its People's Committee
    phone: str = ""
    street: str = ""

    @property
    def base(self) -> str:
        return names.base_name(self.name)

    @property
    def unit_name(self) -> str:
        return f"UBND {self.name}"

    @property
    def is_hai_phong(self) -> bool:
        """In the Hải Phòng of before the merger (rather than the former Hải Dương)."""
        return self.district_code in places.HAI_PHONG_DISTRICT_CODES

    @property
    def district_code(self) -> int:
        """The former district of the commune's own former unit (the one whose code it kept)."""
        if not self.former:
            return places.BACH_LONG_VI_DISTRICT
        own = next((f for f in self.former if f.code == self.code), self.former[0])
        return own.district_code

    @property
    def area(self) -> str:
        return places.AREA_HAI_PHONG if self.is_hai_phong else places.AREA_HAI_DUONG


@dataclass
class Institution:
    """A planned institution: where it stands now (commune) and before (former commune, district)."""

    code: str
    name: str
    kind: str
    head_name: str
    phone: str
    street: str
    commune: Commune
    former: FormerCommune | None
    direct: bool  # managed by the Sở rather than by the commune/district

    @property
    def district_code(self) -> int:
        return self.former.district_code if self.former else self.commune.district_code

    @property
    def in_2022(self) -> bool:
        return self.district_code in places.HAI_PHONG_DISTRICT_CODES


@dataclass(frozen=True)
class DistrictHead:
    """Who heads a 2022 district's Phòng GD&ĐT, and its phone."""

    head_name: str
    phone: str


@dataclass
class Plan:
    communes: list[Commune]
    institutions: list[Institution]
    districts: dict[int, DistrictHead]

    def demo_school(self, kind: str) -> Institution:
        """The school of ``kind`` the demo accounts use: in the demo commune, and in the demo district in 2022."""
        return next(
            i
            for i in self.institutions
            if i.kind == kind
            and not i.direct
            and i.commune.code == places.DEMO_COMMUNE_CODE
            and str(i.district_code) == places.DEMO_DISTRICT_CODE
        )

    def demo_thpt(self) -> Institution:
        return next(i for i in self.institutions if i.name == places.DEMO_THPT_NAME)


@cache
def city_plan() -> Plan:
    """The whole demo city; the same every time (seeded ``random.Random(2025)``)."""
    rng = random.Random(SEED)  # noqa: S311 -- made-up demo data, reproducible on purpose
    communes = _communes()
    builder = _InstitutionBuilder(rng)
    builder.add_direct(communes)
    for commune in communes:
        builder.add_commune(commune)
    for commune in communes:
        commune.head_name = names.person(rng, female_share=places.FEMALE_HEAD_SHARE["ubnd_xa"])
        commune.phone = names.landline(rng, commune.area)
        commune.street = names.street_address(rng)
    districts = {
        d.code: DistrictHead(
            head_name=names.person(rng, female_share=places.FEMALE_HEAD_SHARE["phong_gddt"]),
            phone=names.landline(rng, places.AREA_HAI_PHONG),
        )
        for d in places.DISTRICTS
    }
    return Plan(communes=communes, institutions=builder.institutions, districts=districts)


def _communes() -> list[Commune]:
    wards = sorted(
        (w for w in Ward.iter_all() if int(w.province_code) == int(places.PROVINCE_CODE)), key=lambda w: int(w.code)
    )
    communes = [Commune(code=f"{int(w.code):05d}", name=w.name, division=str(w.division_type.value)) for w in wards]
    # A former commune split between several new ones belongs, for its schools, to the one that kept its code,
    # else to the one that took its name, else to the first that lists it.
    sources = {
        commune.code: [
            FormerCommune(code=f"{int(s.code):05d}", name=s.name, district_code=int(s.district_code))
            for s in ward.get_legacy_sources()
        ]
        for commune, ward in zip(communes, wards, strict=True)
    }
    owner: dict[str, Commune] = {}
    for commune in communes:
        for former in sources[commune.code]:
            if former.code == commune.code:
                owner[former.code] = commune
    for commune in communes:  # then the one that took over its name
        for former in sources[commune.code]:
            if former.base == commune.base:
                owner.setdefault(former.code, commune)
    for commune in communes:
        for former in sources[commune.code]:
            owner.setdefault(former.code, commune)
    for commune in communes:
        commune.former = [f for f in sources[commune.code] if owner[f.code] is commune]
        if not commune.former and sources[commune.code]:
            commune.former = sources[commune.code][:1]
    return communes


class _InstitutionBuilder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.institutions: list[Institution] = []
        self._names_in: dict[str, set[str]] = {}

    # --- helpers -----------------------------------------------------------------------------------------

    def _add(
        self, *, kind: str, name: str, commune: Commune, former: FormerCommune | None, direct: bool = False
    ) -> None:
        if self._taken(name, commune=commune, former=former, direct=direct):
            return
        for scope in self._scopes(commune=commune, former=former, direct=direct):
            self._names_in.setdefault(scope, set()).add(name)
        rng = self.rng
        female = places.FEMALE_HEAD_SHARE.get(kind, places.DEFAULT_FEMALE_HEAD_SHARE)
        urban = former is not None and not former.name.startswith("Xã ")
        self.institutions.append(
            Institution(
                code=f"{places.PROVINCE_CODE}{len(self.institutions) + 1:06d}",
                name=name,
                kind=kind,
                head_name=names.person(rng, female_share=female),
                phone=names.landline(rng, commune.area),
                street=(
                    f"Khu dân cư số {rng.randint(1, 3)}"
                    if former is None
                    else names.street_address(rng)
                    if urban
                    else names.village_address(rng)
                ),
                commune=commune,
                former=former,
                direct=direct,
            )
        )

    def _scopes(self, *, commune: Commune, former: FormerCommune | None, direct: bool) -> list[str]:
        """Names are unique among the Sở's own institutions, within a commune, and within a 2022 district."""
        if direct:
            return ["direct"]
        return [commune.code, f"district:{former.district_code if former else commune.district_code}"]

    def _taken(self, name: str, **where: Any) -> bool:
        return any(name in self._names_in.get(scope, ()) for scope in self._scopes(**where))

    def _private_preschool(self, commune: Commune, former: FormerCommune, kind: str, label: str) -> None:
        for _ in range(10):
            name = f"{label} {self.rng.choice(names.PRESCHOOL_NAMES)}"
            if not self._taken(name, commune=commune, former=former, direct=False):
                self._add(kind=kind, name=name, commune=commune, former=former)
                return

    def _former_in(self, communes: list[Commune], district: int) -> Iterator[tuple[Commune, FormerCommune]]:
        for commune in communes:
            for former in commune.former:
                if former.district_code == district:
                    yield commune, former

    # --- the Sở's own institutions -------------------------------------------------------------------------

    def add_direct(self, communes: list[Commune]) -> None:
        entries = [("thpt", f"Trường THPT {n}", d) for d, ns in places.THPT_BY_DISTRICT.items() for n in ns]
        entries += places.OTHER_DIRECT
        for kind, name, district in entries:
            commune, former = self.rng.choice(list(self._former_in(communes, district)))
            self._add(kind=kind, name=name, commune=commune, former=former, direct=True)

    # --- a commune's schools -------------------------------------------------------------------------------

    def add_commune(self, commune: Commune) -> None:
        rng = self.rng
        if not commune.former:  # Bạch Long Vĩ: an island with one kindergarten and one school
            self._add(kind="mam_non", name=f"Trường Mầm non {commune.base}", commune=commune, former=None)
            self._add(kind="th_thcs", name=f"Trường TH và THCS {commune.base}", commune=commune, former=None)
            return
        hai_phong = commune.is_hai_phong
        second_preschool, split_primary = (0.42, 0.4) if hai_phong else (0.22, 0.22)
        for former in commune.former:
            base = former.base
            urban = not former.name.startswith("Xã ")
            # Preschool: one per former commune, often a second site grown into its own school.
            kind, label = ("mau_giao", "Trường Mẫu giáo") if rng.random() < 0.06 else ("mam_non", "Trường Mầm non")
            if rng.random() < second_preschool:
                for suffix in ("A", "B"):
                    self._add(kind=kind, name=f"{label} {base} {suffix}", commune=commune, former=former)
            else:
                self._add(kind=kind, name=f"{label} {base}", commune=commune, former=former)
            if urban:
                for _ in range(rng.choice([0, 1, 1, 2] if hai_phong else [0, 0, 1, 1])):
                    self._private_preschool(commune, former, "mam_non", "Trường Mầm non tư thục")
                if rng.random() < 0.07:
                    self._private_preschool(commune, former, "nha_tre", "Nhà trẻ")
            # Primary and lower secondary: small rural communes often run one school for both levels.
            if not urban and rng.random() < 0.12:
                self._add(kind="th_thcs", name=f"Trường TH và THCS {base}", commune=commune, former=former)
                continue
            if rng.random() < split_primary:
                for suffix in ("A", "B"):
                    self._add(kind="tieu_hoc", name=f"Trường Tiểu học {base} {suffix}", commune=commune, former=former)
            else:
                self._add(kind="tieu_hoc", name=f"Trường Tiểu học {base}", commune=commune, former=former)
            if not urban or rng.random() < 0.8:
                self._add(kind="thcs", name=f"Trường THCS {base}", commune=commune, former=former)
        if int(commune.code) in places.URBAN_CORE_WARDS and rng.random() < 0.5:
            private = rng.choice(names.PRIVATE_SCHOOL_NAMES)
            kind, label = rng.choice([("tieu_hoc", "Trường Tiểu học"), ("th_thcs", "Trường TH và THCS")])
            self._add(kind=kind, name=f"{label} {private}", commune=commune, former=commune.former[0])
        own = next((f for f in commune.former if f.code == commune.code), commune.former[0])
        self._add(kind="tthtcd", name=f"Trung tâm học tập cộng đồng {commune.base}", commune=commune, former=own)
