"""What real data carries before anyone cleans it, so the demo's quality pages have something true to show.

A small, fixed share of the demo records is written as old loads left them: names typed in the legacy TCVN3
(.VnTime) and VNI fonts or decomposed (NFD), tone marks in the other style (hoà), phone numbers with the pre-2018
11-digit prefixes, a child enrolled in two schools at once, a room line with rooms but no floor area. Written
straight to the table (as a bulk load would), never through the forms, which would have cleaned them.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from decimal import Decimal

from edudb.core.models import Unit
from edudb.quality.legacy import encode_tcvn3, encode_vni
from edudb.registry.models import CodeKind, Guardian, RoomStock, SchoolClass, StaffMember, Student
from edudb.registry.services import claim_code, next_temporary_code

LEGACY_SHARE = 0.004  # learners' names still in a legacy font
NFD_SHARE = 0.003
OLD_PHONE_SHARE = 0.03  # staff phones never updated since the 2018 renumbering
OLD_PREFIX = {"032": "0162", "033": "0163", "034": "0164", "035": "0165", "036": "0166", "037": "0167", "038": "0168"}


def add_blemishes(units: Iterable[Unit], *, rng: random.Random) -> dict[str, int]:
    """Spoil a few demo records the way real data is spoiled; returns how many of each."""
    unit_ids = [u.pk for u in units]
    counts = {"legacy_names": 0, "nfd_names": 0, "old_phones": 0, "duplicates": 0, "rooms": 0}
    students = list(Student.objects.filter(unit_id__in=unit_ids).order_by("pk").values_list("pk", "full_name"))
    picked = rng.sample(students, int(len(students) * (LEGACY_SHARE + NFD_SHARE)))
    legacy = int(len(students) * LEGACY_SHARE)
    for n, (pk, name) in enumerate(picked):
        if n < legacy:
            spoiled = encode_tcvn3(name) if n % 3 else encode_vni(name)
            counts["legacy_names"] += 1
        else:
            spoiled = unicodedata.normalize("NFD", name)
            counts["nfd_names"] += 1
        Student.objects.filter(pk=pk).update(full_name=spoiled)
    staff = list(
        StaffMember.objects.filter(unit_id__in=unit_ids).exclude(phone="").order_by("pk").values_list("pk", "phone")
    )
    for pk, phone in rng.sample(staff, int(len(staff) * OLD_PHONE_SHARE)):
        if phone[:3] in OLD_PREFIX:
            StaffMember.objects.filter(pk=pk).update(phone=OLD_PREFIX[phone[:3]] + phone[3:])
            counts["old_phones"] += 1
    counts["duplicates"] = _enrol_twice(unit_ids)
    stock = RoomStock.objects.filter(unit_id__in=unit_ids, count_semi__gt=0).order_by("pk").first()
    if stock is not None:
        RoomStock.objects.filter(pk=stock.pk).update(area_semi=Decimal(0))
        counts["rooms"] = 1
    return counts


def _enrol_twice(unit_ids: list[int]) -> int:
    """Two or three children whose old school never recorded their leaving: on the roll of a second school, in a
    class of the same grade. Plain id-ordered reads: the demo's tables are fresh, without planner statistics."""
    classes: dict[int, int] = dict(
        SchoolClass.objects.filter(unit_id__in=unit_ids, grade=3, school_year__is_current=True)
        .order_by("pk")
        .values_list("unit_id", "pk")
    )
    pupils = list(
        Student.objects.filter(unit_id__in=unit_ids, school_class__grade=3)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    made = 0
    for pk in pupils[::97]:
        twin = Student.objects.get(pk=pk)
        elsewhere = next(((unit, cls) for unit, cls in classes.items() if unit != twin.unit_id), None)
        if elsewhere is None:
            break
        mother = Guardian.objects.filter(student_id=pk).order_by("pk").first()
        twin.pk = None
        twin.unit_id, twin.school_class_id = elsewhere
        twin.ministry_code = None
        twin.temporary_code = next_temporary_code()
        claim_code(CodeKind.STUDENT_TEMPORARY, twin.temporary_code)
        twin.personal_id = None
        twin.save(force_insert=True)
        if mother is not None:
            Guardian.objects.create(student=twin, relation=mother.relation, full_name=mother.full_name)
        made += 1
    return made
