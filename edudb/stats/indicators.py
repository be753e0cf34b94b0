"""The indicator catalogue (R7.4): what the Sở reports each period, declared once.

An :class:`Indicator` says which records it counts (a model, the "current records" filter of the data quality
layer, an extra filter), by which categories (:class:`Dimension`, at most two: grade × gender, room kind × build
quality …) and how (a count of records, or sums of columns that become the second category). The same declaration
drives the roll-up queries (``compute.py``), the tables and their labels (``aggregate.py``), the API and the links
from a number to the records behind it. A :class:`Ratio` divides the totals of two indicators (students per class,
m² per student …) after aggregation, so a ratio of a commune is the ratio of its sums, never an average of ratios.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import models
from django.db.models import Case, CharField, F, Q, Sum, Value, When
from django.db.models.functions import Cast, Concat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from edudb.core.scoping import Domain
from edudb.quality.rules import PRESENT_STUDENT, WORKING_STAFF

NONE_KEY = ""  # the category of records that leave it empty ("Chưa xếp lớp", "Không khai báo")
NOT_DECLARED = _("Không khai báo")


@dataclass(frozen=True)
class Dimension:
    """A category an indicator is broken down by: how to read it from a record, and how to name its values."""

    code: str
    label: Promise
    expression: Callable[[], Any]  # a field path or an expression giving the category's key (a string)
    labels: Callable[[], dict[str, str]]  # key → Vietnamese label, in display order
    none_label: Promise = NOT_DECLARED
    # What the records list of the category is filtered by: list filter name → key (None: no link).
    record_filter: str | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Promise
    group: Promise  # the section of the catalogue
    domain: Domain
    model: Callable[[], type[models.Model]]
    measure: Promise  # what one unit of the value is: "học sinh", "lớp", "phòng", "m²"
    dims: tuple[Dimension, ...] = ()
    where: Callable[[], Q] = lambda: Q()
    # Sums of columns instead of a count of records; their keys become the second category.
    columns: tuple[tuple[str, str, Promise], ...] = ()
    unit_field: str = "unit_id"
    records: str = ""  # the URL name of the list of the records behind a number
    record_params: tuple[tuple[str, str], ...] = ()  # that list's filters for the records the indicator counts
    decimals: int = 0
    key: bool = False  # shown among the dashboard's key figures
    short: Promise | None = None  # the key figure's name on the dashboard

    @property
    def headline(self) -> Promise:
        return self.short or self.label

    @property
    def categories(self) -> int:
        return len(self.dims) + (1 if self.columns else 0)


@dataclass(frozen=True)
class Ratio:
    """Total of one indicator (optionally only some of its first categories) over the total of another."""

    code: str
    label: Promise
    numerator: str
    denominator: str
    numerator_keys: tuple[str, ...] = ()
    denominator_keys: tuple[str, ...] = ()
    decimals: int = 1
    measure: Promise = field(default=_("lần"))


def unscoped_code_labels(list_code: str) -> dict[str, str]:
    """Every value of a code list, retired ones included: past figures keep their names (reference data)."""
    from edudb.quality.models import CodeItem

    rows = CodeItem.objects.filter(code_list__code=list_code).order_by("order", "code").values_list("code", "name")
    return dict(rows)


def _codes(list_code: str) -> Callable[[], dict[str, str]]:
    return lambda: unscoped_code_labels(list_code)


def _choices(pairs: list[tuple[Any, Any]]) -> Callable[[], dict[str, str]]:
    return lambda: {str(key): str(label) for key, label in pairs}


def grade_key(prefix: str = "") -> Any:
    """A class's grade as a key: "1".."12", or "MN-<age group code>" for preschool, "" for none."""
    return Case(
        When(**{f"{prefix}grade__isnull": False}, then=Cast(f"{prefix}grade", CharField())),
        When(
            **{f"{prefix}age_group__isnull": False},
            then=Concat(Value("MN-"), F(f"{prefix}age_group__code"), output_field=CharField()),
        ),
        default=Value(NONE_KEY),
        output_field=CharField(),
    )


def grade_labels() -> dict[str, str]:
    labels = {f"MN-{code}": name for code, name in unscoped_code_labels("nhom_tuoi_mam_non").items()}
    labels.update({str(grade): str(_("Lớp %(grade)s") % {"grade": grade}) for grade in range(1, 13)})
    return labels


def _bool_key(name: str) -> Any:
    return Case(When(**{name: True}, then=Value("1")), default=Value("0"), output_field=CharField())


def _yes_no() -> dict[str, str]:
    return {"1": str(_("Có")), "0": str(_("Không"))}


def _code_dim(code: str, label: Promise, path: str, list_code: str, record_filter: str | None = None) -> Dimension:
    return Dimension(code, label, lambda: F(f"{path}__code"), _codes(list_code), record_filter=record_filter)


GENDER = _code_dim("gender", _("Giới tính"), "gender", "gioi_tinh", "gender")
STUDENT_GRADE = Dimension(
    "grade", _("Khối lớp"), lambda: grade_key("school_class__"), grade_labels, _("Chưa xếp lớp"), "grade"
)
CLASS_GRADE = Dimension("grade", _("Khối lớp"), lambda: grade_key(), grade_labels, _("Chưa xếp khối"), "grade")
QUALITY_COLUMNS: tuple[tuple[str, str, Promise], ...] = (
    ("solid", "count_solid", _("Kiên cố")),
    ("semi", "count_semi", _("Bán kiên cố")),
    ("temporary", "count_temporary", _("Tạm")),
    ("borrowed", "count_borrowed", _("Thuê mượn")),
)
AREA_COLUMNS: tuple[tuple[str, str, Promise], ...] = tuple(
    (key, f"area_{key}", label) for key, _column, label in QUALITY_COLUMNS
)
CONDITION_COLUMNS: tuple[tuple[str, str, Promise], ...] = (
    ("electricity", "has_electricity", _("Có điện lưới")),
    ("water", "has_clean_water", _("Có nước sạch")),
    ("internet", "has_internet", _("Có internet")),
    ("toilets", "separate_toilets", _("Vệ sinh riêng nam, nữ")),
    ("access", "inclusive_access", _("Lối đi cho người khuyết tật")),
    ("two_sessions", "two_sessions", _("Dạy học 2 buổi/ngày")),
)


def _model(label: str) -> Callable[[], type[models.Model]]:
    def load() -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(label)

    return load


def _present() -> Q:
    return Q(status__code__in=PRESENT_STUDENT)


def _working() -> Q:
    return Q(work_status__code__in=WORKING_STAFF)


def _this_year() -> Q:
    return Q(school_year__is_current=True)


def _institutions() -> Q:
    return Q(kind__category="institution", is_active=True)


def unscoped_kind_labels() -> dict[str, str]:
    from edudb.core.models import UnitKind

    return dict(UnitKind.objects.filter(category="institution").values_list("code", "name"))


def _standard_labels() -> dict[str, str]:
    from edudb.registry.models import NationalStandard

    return {str(value): str(label) for value, label in NationalStandard.choices}


def _event_labels() -> dict[str, str]:
    from edudb.registry.models.movements import StudentEventKind

    return {str(value): str(label) for value, label in StudentEventKind.choices}


UNIT_KIND = Dimension("kind", _("Loại cơ sở"), lambda: F("kind__code"), unscoped_kind_labels)
OWNERSHIP = Dimension(
    "ownership", _("Loại hình"), lambda: F("school_profile__ownership__code"), _codes("loai_hinh_truong")
)
STANDARD = Dimension(
    "standard",
    _("Chuẩn quốc gia"),
    lambda: Cast("school_profile__national_standard", CharField()),
    _standard_labels,
    _("Chưa có hồ sơ trường"),
)
TERM = Dimension(
    "term",
    _("Học kỳ"),
    lambda: Cast("term", CharField()),
    _choices([(1, _("Học kỳ I")), (2, _("Học kỳ II")), (3, _("Trong hè"))]),
)

SCHOOLS, CLASSES, STUDENTS, STAFF, FACILITIES = (
    _("Trường, điểm trường"),
    _("Lớp học"),
    _("Học sinh"),
    _("Đội ngũ"),
    _("Cơ sở vật chất"),
)

CATALOGUE: tuple[Indicator, ...] = (
    # --- Institutions and sites ---------------------------------------------------------------------------------
    Indicator(
        "co_so",
        _("Cơ sở giáo dục theo loại và loại hình"),
        SCHOOLS,
        Domain.SCHOOLS,
        _model("core.Unit"),
        _("cơ sở"),
        (UNIT_KIND, OWNERSHIP),
        _institutions,
        unit_field="pk",
        records="registry:school_list",
        key=True,
        short=_("Cơ sở giáo dục"),
    ),
    Indicator(
        "co_so_chuan",
        _("Cơ sở giáo dục theo mức đạt chuẩn quốc gia"),
        SCHOOLS,
        Domain.SCHOOLS,
        _model("core.Unit"),
        _("cơ sở"),
        (UNIT_KIND, STANDARD),
        _institutions,
        unit_field="pk",
        records="registry:school_list",
    ),
    Indicator(
        "diem_truong",
        _("Điểm trường đang hoạt động"),
        SCHOOLS,
        Domain.SCHOOLS,
        _model("registry.Site"),
        _("điểm trường"),
        (Dimension("main", _("Điểm chính"), lambda: _bool_key("is_main"), _yes_no),),
        lambda: Q(is_active=True),
        records="registry:site_list",
        key=True,
        short=_("Điểm trường"),
    ),
    Indicator(
        "dieu_kien",
        _("Cơ sở có điều kiện thiết yếu (điện, nước, internet, vệ sinh, lối đi cho người khuyết tật)"),
        SCHOOLS,
        Domain.SCHOOLS,
        _model("registry.SchoolProfile"),
        _("cơ sở"),
        columns=CONDITION_COLUMNS,
        records="registry:school_list",
    ),
    # --- Classes ------------------------------------------------------------------------------------------------
    Indicator(
        "lop",
        _("Lớp học theo khối"),
        CLASSES,
        Domain.CLASSES,
        _model("registry.SchoolClass"),
        _("lớp"),
        (CLASS_GRADE,),
        _this_year,
        records="registry:class_list",
        key=True,
        short=_("Lớp học"),
    ),
    Indicator(
        "lop_ghep",
        _("Lớp ghép theo khối"),
        CLASSES,
        Domain.CLASSES,
        _model("registry.SchoolClass"),
        _("lớp"),
        (CLASS_GRADE,),
        lambda: _this_year() & Q(is_mixed=True),
        records="registry:class_list",
    ),
    Indicator(
        "lop_hai_buoi",
        _("Lớp học 2 buổi/ngày theo khối"),
        CLASSES,
        Domain.CLASSES,
        _model("registry.SchoolClass"),
        _("lớp"),
        (CLASS_GRADE,),
        lambda: _this_year() & Q(two_sessions=True),
        records="registry:class_list",
    ),
    # --- Students -----------------------------------------------------------------------------------------------
    Indicator(
        "hoc_sinh",
        _("Học sinh theo khối lớp và giới tính"),
        STUDENTS,
        Domain.STUDENTS,
        _model("registry.Student"),
        _("học sinh"),
        (STUDENT_GRADE, GENDER),
        _present,
        records="registry:student_list",
        record_params=(("on_roll", "1"),),
        key=True,
        short=_("Học sinh"),
    ),
    Indicator(
        "hoc_sinh_dan_toc",
        _("Học sinh theo dân tộc và giới tính"),
        STUDENTS,
        Domain.STUDENTS,
        _model("registry.Student"),
        _("học sinh"),
        (_code_dim("ethnicity", _("Dân tộc"), "ethnicity", "dan_toc", "ethnicity"), GENDER),
        _present,
        records="registry:student_list",
        record_params=(("on_roll", "1"),),
    ),
    Indicator(
        "hoc_sinh_khuyet_tat",
        _("Học sinh khuyết tật theo dạng khuyết tật và giới tính"),
        STUDENTS,
        Domain.STUDENTS,
        _model("registry.Student"),
        _("học sinh"),
        (_code_dim("disability", _("Dạng khuyết tật"), "disability", "loai_khuyet_tat", "disability"), GENDER),
        lambda: _present() & Q(disability__isnull=False),
        records="registry:student_list",
        record_params=(("on_roll", "1"),),
    ),
    Indicator(
        "hoc_sinh_trang_thai",
        _("Học sinh theo trạng thái"),
        STUDENTS,
        Domain.STUDENTS,
        _model("registry.Student"),
        _("học sinh"),
        (_code_dim("status", _("Trạng thái"), "status", "trang_thai_hoc_sinh", "status"),),
        records="registry:student_list",
    ),
    Indicator(
        "hoc_sinh_chinh_sach",
        _("Học sinh thuộc đối tượng chính sách"),
        STUDENTS,
        Domain.STUDENTS,
        _model("registry.Student"),
        _("lượt học sinh"),
        (_code_dim("policy", _("Đối tượng chính sách"), "policy_groups", "doi_tuong_chinh_sach"),),
        lambda: _present() & Q(policy_groups__isnull=False),
        records="registry:student_list",
        record_params=(("on_roll", "1"),),
    ),
    Indicator(
        "bien_dong",
        _("Biến động học sinh trong năm học theo học kỳ"),
        STUDENTS,
        Domain.STUDENTS,
        _model("registry.StudentEvent"),
        _("lượt"),
        (Dimension("event", _("Biến động"), lambda: F("kind"), _event_labels), TERM),
        _this_year,
        records="registry:movement_list",
    ),
    # --- Staff --------------------------------------------------------------------------------------------------
    Indicator(
        "doi_ngu",
        _("Cán bộ, giáo viên, nhân viên theo nhóm và giới tính"),
        STAFF,
        Domain.STAFF,
        _model("registry.StaffMember"),
        _("người"),
        (_code_dim("staff_type", _("Nhóm"), "staff_type", "loai_can_bo", "staff_type"), GENDER),
        _working,
        records="registry:staff_list",
        record_params=(("at_work", "1"),),
        key=True,
        short=_("Cán bộ, giáo viên, nhân viên"),
    ),
    Indicator(
        "doi_ngu_chuc_vu",
        _("Đội ngũ theo chức vụ"),
        STAFF,
        Domain.STAFF,
        _model("registry.StaffMember"),
        _("người"),
        (_code_dim("position", _("Chức vụ"), "position", "chuc_vu"),),
        _working,
        records="registry:staff_list",
        record_params=(("at_work", "1"),),
    ),
    Indicator(
        "doi_ngu_dan_toc",
        _("Đội ngũ theo dân tộc và giới tính"),
        STAFF,
        Domain.STAFF,
        _model("registry.StaffMember"),
        _("người"),
        (_code_dim("ethnicity", _("Dân tộc"), "ethnicity", "dan_toc"), GENDER),
        _working,
        records="registry:staff_list",
        record_params=(("at_work", "1"),),
    ),
    Indicator(
        "doi_ngu_trinh_do",
        _("Đội ngũ theo nhóm và trình độ đào tạo"),
        STAFF,
        Domain.STAFF,
        _model("registry.StaffMember"),
        _("người"),
        (
            _code_dim("staff_type", _("Nhóm"), "staff_type", "loai_can_bo", "staff_type"),
            _code_dim("qualification", _("Trình độ đào tạo"), "qualification", "trinh_do_dao_tao"),
        ),
        _working,
        records="registry:staff_list",
        record_params=(("at_work", "1"),),
    ),
    Indicator(
        "doi_ngu_chuan",
        _("Đội ngũ theo nhóm và đánh giá chuẩn nghề nghiệp"),
        STAFF,
        Domain.STAFF,
        _model("registry.StaffMember"),
        _("người"),
        (
            _code_dim("staff_type", _("Nhóm"), "staff_type", "loai_can_bo", "staff_type"),
            _code_dim("assessment", _("Đánh giá chuẩn"), "standard_assessment", "danh_gia_chuan_nghe_nghiep"),
        ),
        _working,
        records="registry:staff_list",
        record_params=(("at_work", "1"),),
    ),
    Indicator(
        "doi_ngu_hop_dong",
        _("Đội ngũ theo nhóm và hình thức hợp đồng"),
        STAFF,
        Domain.STAFF,
        _model("registry.StaffMember"),
        _("người"),
        (
            _code_dim("staff_type", _("Nhóm"), "staff_type", "loai_can_bo", "staff_type"),
            _code_dim("contract", _("Hợp đồng"), "contract", "hinh_thuc_hop_dong"),
        ),
        _working,
        records="registry:staff_list",
        record_params=(("at_work", "1"),),
    ),
    # --- Facilities ---------------------------------------------------------------------------------------------
    Indicator(
        "phong",
        _("Phòng học, phòng chức năng theo loại và mức kiên cố"),
        FACILITIES,
        Domain.FACILITIES,
        _model("registry.RoomStock"),
        _("phòng"),
        (_code_dim("room_kind", _("Loại phòng"), "room_kind", "loai_phong"),),
        _this_year,
        columns=QUALITY_COLUMNS,
        records="registry:room_list",
        key=True,
        short=_("Phòng học, phòng chức năng"),
    ),
    Indicator(
        "dien_tich",
        _("Diện tích phòng theo loại và mức kiên cố"),
        FACILITIES,
        Domain.FACILITIES,
        _model("registry.RoomStock"),
        _("m²"),
        (_code_dim("room_kind", _("Loại phòng"), "room_kind", "loai_phong"),),
        _this_year,
        columns=AREA_COLUMNS,
        records="registry:room_list",
        decimals=1,
    ),
    Indicator(
        "thiet_bi",
        _("Thiết bị dạy học theo mức đạt yêu cầu"),
        FACILITIES,
        Domain.FACILITIES,
        _model("registry.EquipmentCheck"),
        _("danh mục"),
        (Dimension("meets", _("Đạt yêu cầu"), lambda: _bool_key("meets_standard"), _yes_no),),
        _this_year,
        records="registry:equipment_list",
    ),
)

TEACHER = "2"  # loai_can_bo: giáo viên
CLASSROOMS = ("PH", "PSHC")  # loai_phong: phòng học, phòng sinh hoạt chung (mầm non)

RATIOS: tuple[Ratio, ...] = (
    Ratio("hs_lop", _("Học sinh bình quân một lớp"), "hoc_sinh", "lop"),
    Ratio("hs_gv", _("Học sinh trên một giáo viên"), "hoc_sinh", "doi_ngu", denominator_keys=(TEACHER,)),
    Ratio("gv_lop", _("Giáo viên trên một lớp"), "doi_ngu", "lop", numerator_keys=(TEACHER,), decimals=2),
    Ratio("phong_lop", _("Phòng học trên một lớp"), "phong", "lop", numerator_keys=CLASSROOMS, decimals=2),
    Ratio("m2_hs", _("Diện tích (m²) trên một học sinh"), "dien_tich", "hoc_sinh", measure=_("m²"), decimals=2),
)


@cache
def by_code() -> dict[str, Indicator]:
    return {indicator.code: indicator for indicator in CATALOGUE}


def get(code: str) -> Indicator | None:
    return by_code().get(code)


def ratio(code: str) -> Ratio | None:
    return next((r for r in RATIOS if r.code == code), None)


def column_sums(indicator: Indicator) -> dict[str, Any]:
    """The aggregate of each column of a column-summing indicator (booleans count the records that have them)."""
    model = indicator.model()
    sums: dict[str, Any] = {}
    for key, column, _label in indicator.columns:
        if isinstance(model._meta.get_field(column), models.BooleanField):
            sums[key] = Sum(Case(When(**{column: True}, then=Value(1)), default=Value(0)))
        else:
            sums[key] = Sum(column)
    return sums
