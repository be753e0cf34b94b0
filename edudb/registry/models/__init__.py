"""The component databases (R2): schools and sites, classes, staff, students, facilities."""

from edudb.registry.models.classes import SchoolClass
from edudb.registry.models.codes import CodeKind, IssuedCode
from edudb.registry.models.facilities import EquipmentCheck, RoomStock
from edudb.registry.models.movements import (
    StaffTransfer,
    StaffTransferKind,
    StudentEvent,
    StudentEventKind,
    StudentTransfer,
    TransferState,
)
from edudb.registry.models.results import LearningResult, ResultTerm
from edudb.registry.models.rollover import Rollover, RolloverState
from edudb.registry.models.schools import Accreditation, NationalStandard, SchoolProfile, Site, code_item
from edudb.registry.models.staff import StaffAward, StaffDiscipline, StaffMember, StaffTraining
from edudb.registry.models.students import Guardian, HealthRecord, Student

__all__ = [
    "Accreditation",
    "CodeKind",
    "EquipmentCheck",
    "Guardian",
    "HealthRecord",
    "IssuedCode",
    "LearningResult",
    "NationalStandard",
    "ResultTerm",
    "Rollover",
    "RolloverState",
    "RoomStock",
    "SchoolClass",
    "SchoolProfile",
    "Site",
    "StaffAward",
    "StaffDiscipline",
    "StaffMember",
    "StaffTraining",
    "StaffTransfer",
    "StaffTransferKind",
    "Student",
    "StudentEvent",
    "StudentEventKind",
    "StudentTransfer",
    "TransferState",
    "code_item",
]
