"""The component databases (R2): schools and sites, classes, staff, students, facilities."""

from edudb.registry.models.classes import SchoolClass
from edudb.registry.models.codes import CodeKind, IssuedCode
from edudb.registry.models.facilities import RoomStock
from edudb.registry.models.schools import Accreditation, NationalStandard, SchoolProfile, Site, code_item
from edudb.registry.models.staff import StaffMember
from edudb.registry.models.students import Guardian, HealthRecord, Student

__all__ = [
    "Accreditation",
    "CodeKind",
    "Guardian",
    "HealthRecord",
    "IssuedCode",
    "NationalStandard",
    "RoomStock",
    "SchoolClass",
    "SchoolProfile",
    "Site",
    "StaffMember",
    "Student",
    "code_item",
]
