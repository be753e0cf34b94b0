"""The schools database of the demo city: a profile and its sites for every institution, at a realistic density."""

from __future__ import annotations

import random

from edudb.core.models import Category, Unit
from edudb.quality.models import items_of
from edudb.quality.text import search_key
from edudb.registry.models import Accreditation, NationalStandard, SchoolProfile, Site

_SATELLITE_KINDS = {"mam_non", "mau_giao", "tieu_hoc", "th_thcs"}
_HAMLETS = ["Thôn Đông", "Thôn Đoài", "Thôn Nam", "Thôn Bắc", "Thôn Trung", "Xóm Mới", "Thôn Cựu", "Thôn Hạ"]


def build_school_records(units: list[Unit]) -> tuple[int, int]:
    """Create one profile and the sites of every institution in ``units``; returns (profiles, sites)."""
    rng = random.Random(4998)  # noqa: S311 - made-up demo data, not security
    ownership = {item.code: item for item in items_of("loai_hinh_truong")}
    profiles: list[SchoolProfile] = []
    sites: list[Site] = []
    for unit in units:
        if unit.kind.category != Category.INSTITUTION:
            continue
        key = search_key(unit.name)
        private = "tu thuc" in key
        rural = "xa " in search_key(unit.address) or "dac khu" in search_key(unit.address)
        island = "cat hai" in search_key(unit.address) or "bach long vi" in search_key(unit.address)
        founded = rng.randint(1956, 2012) if not private else rng.randint(2000, 2020)
        standard = rng.choices(
            [NationalStandard.NONE, NationalStandard.LEVEL_1, NationalStandard.LEVEL_2], [30, 52, 18]
        )[0]
        profiles.append(
            SchoolProfile(
                unit=unit,
                ownership=ownership.get("3" if private else "1"),
                established_year=founded,
                street_address=unit.address.split(",")[0],
                phone=unit.phone,
                principal_name=unit.head_name,
                national_standard=standard,
                national_standard_year=rng.randint(max(founded, 2005), 2025) if standard else None,
                accreditation=rng.choices(list(Accreditation.values), [20, 15, 35, 22, 8])[0],
                two_sessions=unit.kind.code in {"tieu_hoc", "th_thcs", "mam_non", "mau_giao"} or rng.random() < 0.3,
                semi_boarding=unit.kind.code in {"mam_non", "mau_giao", "tieu_hoc"} and rng.random() < 0.7,
                boarding=unit.kind.code == "pt_dtnt",
                has_internet=rng.random() < 0.97,
                inclusive_access=rng.random() < 0.45,
                difficult_area=island or (rural and rng.random() < 0.1),
                island_area=island,
            )
        )
        sites.append(
            Site(unit=unit, code="DC", name="Điểm chính", is_main=True, street_address=unit.address, phone=unit.phone)
        )
        if rural and unit.kind.code in _SATELLITE_KINDS and rng.random() < 0.35:
            for number, hamlet in enumerate(rng.sample(_HAMLETS, rng.randint(1, 3)), start=1):
                sites.append(
                    Site(
                        unit=unit,
                        code=f"DL{number}",
                        name=f"Điểm lẻ {hamlet}",
                        street_address=f"{hamlet}, {unit.address.split(',', 1)[-1].strip()}",
                        distance_km=round(rng.uniform(0.8, 6.5), 1),
                    )
                )
    SchoolProfile.objects.bulk_create(profiles, batch_size=500)
    Site.objects.bulk_create(sites, batch_size=500)
    return len(profiles), len(sites)
