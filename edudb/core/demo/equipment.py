"""An equipment checklist for every demo school for the school year, inserted in bulk.

Each school lists the items of the ``thiet_bi`` code list that fit its levels (preschool toys only in preschools,
computer rooms and lab kits only where the subjects are taught), with how many it needs — from its number of
classes and staff — how many it has and how many work. Most items meet the standard; about one in six to one in
five is short (a few projectors missing, computers broken), as in a real city.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from django.db.models import Count

from edudb.core.models import Category, Unit
from edudb.quality.models import items_of
from edudb.registry.models import EquipmentCheck, SchoolClass, StaffMember
from edudb.reporting.models import SchoolYear

SHORT_SHARE = 0.12  # items the school has fewer of than it needs
SPARE_SHARE = 0.3  # items the school has a few more of than it needs
BROKEN_SHARE = 0.2  # items with a few pieces out of order
# How many of each item a school needs, from its classes, its staff and its levels. None: the item does not apply.
NEEDS: dict[str, Callable[[int, int, list[str]], int | None]] = {
    "TBTT": lambda c, s, lv: sum({"th": 5, "thcs": 4, "thpt": 3, "gdtx": 3}.get(x, 0) for x in lv) or None,
    "MN_DDDC": lambda c, s, lv: c if "mn" in lv else None,
    "MN_NGOAITROI": lambda c, s, lv: 6 if "mn" in lv else None,
    "MT_HS": lambda c, s, lv: (35 if c < 30 else 70) if set(lv) - {"mn"} else None,
    "MT_GV": lambda c, s, lv: max(3, s // 3),
    "TRINHCHIEU": lambda c, s, lv: c,
    "BANGTT": lambda c, s, lv: max(1, c // 6) if set(lv) - {"mn"} else None,
    "INTERNET": lambda c, s, lv: 1,
    "TN_KHTN": lambda c, s, lv: 2 * sum({"thcs": 4, "thpt": 3, "gdtx": 3}.get(x, 0) for x in lv) or None,
    "NGHENHIN_NN": lambda c, s, lv: 1 if set(lv) - {"mn"} else None,
    "AMNHAC": lambda c, s, lv: 1,
    "MYTHUAT": lambda c, s, lv: 1 if set(lv) - {"mn"} else None,
    "GDTC": lambda c, s, lv: 1,
    "BANGHE": lambda c, s, lv: c * 20 if set(lv) - {"mn"} else None,
    "THUVIEN": lambda c, s, lv: c * 60,
    "YTE": lambda c, s, lv: 1,
    "PCCC": lambda c, s, lv: max(4, c // 2),
    "NUOCSACH": lambda c, s, lv: 1,
}
NOTES_SHORT = [
    "Đã đề nghị bổ sung trong kế hoạch năm học",
    "Chờ cấp bổ sung",
    "Đang sửa chữa",
    "Thiết bị cũ, xuống cấp",
]


def build_equipment(units: Iterable[Unit], *, year: SchoolYear, rng: random.Random) -> int:
    """Write one checklist per institution of ``units`` for ``year``; returns the number of lines."""
    schools = [u for u in units if u.kind.category == Category.INSTITUTION]
    ids = [u.pk for u in schools]
    classes = dict(
        SchoolClass.objects.filter(unit_id__in=ids, school_year=year)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    staff = dict(
        StaffMember.objects.filter(unit_id__in=ids)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    items = list(items_of("thiet_bi"))
    rows: list[EquipmentCheck] = []
    for school in schools:
        levels = school.levels or ["th"]
        n_classes = classes.get(school.pk) or 10
        n_staff = staff.get(school.pk) or 2 * n_classes
        for item in items:
            need = NEEDS.get(item.code, lambda c, s, lv: 1)(n_classes, n_staff, levels)
            if need is None:
                continue
            available = need
            if rng.random() < SHORT_SHARE:
                available = max(0, need - max(1, round(need * rng.uniform(0.1, 0.5))))
            elif rng.random() < SPARE_SHARE:
                available = need + max(1, round(need * rng.uniform(0.02, 0.1)))
            usable = available
            if available and rng.random() < BROKEN_SHARE:
                usable = available - max(1, round(available * rng.uniform(0.02, 0.1)))
                usable = max(0, usable)
            meets = usable >= need
            rows.append(
                EquipmentCheck(
                    unit=school,
                    school_year=year,
                    item=item,
                    required=need,
                    available=available,
                    usable=usable,
                    meets_standard=meets,
                    note="" if meets else rng.choice(NOTES_SHORT),
                )
            )
    EquipmentCheck.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
