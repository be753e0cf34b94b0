"""The column catalogue of every Excel exchange: which columns a template has, which header spellings an import
accepts (ours and the Ministry's own files), how each column is normalised and checked.

One ``Layout`` per kind of record. The templates are written from it, the import matches a file's headers against
it, and the error report names its columns. Headers are compared by :func:`header_key` — case, accents, tone
placement, NFC/NFD, line breaks and punctuation ignored — so "Ngày sinh", "NGÀY SINH", "ngay\nsinh" and
"Ngày sinh (dd/mm/yyyy)" all find the same column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from edudb.core.scoping import Domain
from edudb.quality.normalise import Kind
from edudb.quality.text import search_key

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text: object) -> str:
    """A header's comparison key: 'Ngày sinh\n(dd/mm/yyyy)' → 'ngay sinh'; 'SỐ ĐDCN' → 'so ddcn'."""
    if text is None:
        return ""
    folded = search_key(str(text).replace("\n", " ").replace("\r", " "))
    folded = _BRACKETS.sub(" ", folded) or folded
    return _NOT_WORD.sub(" ", folded).strip()


@dataclass(frozen=True)
class Column:
    """One column of a layout: where its value goes and how it is read."""

    field: str  # the key the row's value is kept under (a model field, or e.g. "father_name", "class_name")
    header: str | Promise  # the header our template writes
    kind: Kind = Kind.TEXT
    aliases: tuple[str, ...] = ()  # other headers that mean this column (the Ministry's files, common variants)
    code_list: str | None = None  # values are matched against this code list (forgivingly)
    required: bool = False
    max_length: int | None = None
    length: int | None = None  # codes of a fixed number of digits (leading zeros restored)
    help: str | Promise = ""  # the instructions sheet's line for it
    example: str = ""
    width: int = 16
    # A fixed list the template offers as a dropdown (values the import reads, never translated): "Học kỳ I", …
    choices: tuple[str, ...] = ()

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(header_key(text) for text in (str(self.header), *self.aliases)) - {""}


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of record, as a template writes them and an import reads them."""

    name: str  # "students", "staff", "classes"
    title: str | Promise  # "Học sinh"
    domain: str
    columns: tuple[Column, ...]
    # Column sets that identify an existing record, in order of preference (an update is matched, never doubled).
    keys: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str | Promise, ...] = field(default=())

    def column(self, name: str) -> Column:
        return self.by_field[name]

    @cached_property
    def by_field(self) -> dict[str, Column]:
        return {column.field: column for column in self.columns}

    @cached_property
    def by_key(self) -> dict[str, Column]:
        index: dict[str, Column] = {}
        for column in self.columns:
            for key in column.keys:
                index.setdefault(key, column)
        return index

    @property
    def required(self) -> list[Column]:
        return [column for column in self.columns if column.required]


UNIT_CODE = Column(
    "unit_code",
    _("Mã trường"),
    Kind.CODE,
    aliases=("Mã đơn vị", "Mã cơ sở giáo dục", "Mã CSGD", "Mã trường học", "Ma truong"),
    max_length=20,
    help=_(
        "Chỉ cần khi một tệp gồm nhiều trường (Sở, phòng nhập cho các trường trực thuộc); để trống là trường đang chọn."
    ),
    example="31000101",
)

STUDENTS = Layout(
    name="students",
    title=_("Học sinh"),
    domain=Domain.STUDENTS,
    keys=(("ministry_code",), ("personal_id",), ("temporary_code",), ("full_name", "birth_date")),
    columns=(
        UNIT_CODE,
        Column(
            "ministry_code",
            _("Mã định danh học sinh"),
            Kind.CODE,
            aliases=(
                "Mã học sinh",
                "Mã HS",
                "Mã định danh Bộ GD&ĐT",
                "Mã định danh Bộ GDĐT (trên CSDL ngành)",
                "Mã định danh",
                "Mã định danh Bộ GD ĐT",
            ),
            length=10,
            help=_("10 chữ số do Bộ cấp; để trống với học sinh mới chưa có mã (hệ thống cấp mã tạm)."),
            example="3100012345",
            width=14,
        ),
        Column(
            "temporary_code",
            _("Mã tạm"),
            Kind.CODE,
            aliases=("Mã tạm học sinh",),
            max_length=20,
            width=14,
            help=_("Mã tạm hệ thống đã cấp (TMP-…), nếu học sinh chưa có mã của Bộ."),
        ),
        Column(
            "full_name",
            _("Họ và tên"),
            Kind.NAME,
            aliases=("Họ tên", "Họ tên học sinh", "Tên học sinh", "Họ và tên học sinh"),
            required=True,
            max_length=120,
            example="Nguyễn Văn An",
            width=24,
        ),
        Column(
            "birth_date",
            _("Ngày sinh"),
            Kind.DATE,
            aliases=("Ngày tháng năm sinh", "Ngày/tháng/năm sinh"),
            required=True,
            help=_("ngày/tháng/năm, ví dụ 25/05/2015."),
            example="25/05/2015",
            width=12,
        ),
        Column("gender", _("Giới tính"), Kind.TEXT, code_list="gioi_tinh", required=True, example="Nam", width=9),
        Column("ethnicity", _("Dân tộc"), Kind.TEXT, code_list="dan_toc", example="Kinh", width=10),
        Column("nationality", _("Quốc tịch"), Kind.TEXT, code_list="quoc_tich", example="Việt Nam", width=10),
        Column("religion", _("Tôn giáo"), Kind.TEXT, code_list="ton_giao", example="Không", width=10),
        Column(
            "personal_id",
            _("Số định danh cá nhân"),
            Kind.CODE,
            aliases=(
                "Số ĐDCN",
                "Mã định danh công dân",
                "Số CCCD",
                "CCCD",
                "Số căn cước",
                "Số căn cước công dân",
                "Mã định danh cá nhân",
            ),
            length=12,
            help=_("12 chữ số trên giấy khai sinh hoặc thẻ căn cước."),
            example="031215001234",
            width=14,
        ),
        Column(
            "class_name",
            _("Lớp"),
            Kind.TEXT,
            aliases=("Tên lớp", "Mã lớp", "Lớp học"),
            max_length=30,
            help=_("Tên lớp của năm học hiện tại, đúng như trong hệ thống (ví dụ 6A1)."),
            example="6A1",
            width=8,
        ),
        Column(
            "status",
            _("Trạng thái"),
            Kind.TEXT,
            code_list="trang_thai_hoc_sinh",
            aliases=("Trạng thái học sinh", "Tình trạng"),
            example="Đang học",
            width=12,
        ),
        Column("status_on", _("Ngày của trạng thái"), Kind.DATE, aliases=("Ngày thay đổi trạng thái",), width=12),
        Column(
            "enrolled_on",
            _("Ngày nhập học"),
            Kind.DATE,
            aliases=("Ngày vào trường", "Ngày nhập trường"),
            example="05/09/2025",
            width=12,
        ),
        Column("birthplace", _("Nơi sinh"), Kind.TEXT, max_length=200, width=20),
        Column(
            "home_commune_code",
            _("Mã xã/phường thường trú"),
            Kind.CODE,
            aliases=("Mã xã", "Mã phường/xã"),
            length=5,
            width=10,
        ),
        Column(
            "home_address",
            _("Địa chỉ thường trú"),
            Kind.TEXT,
            aliases=("Thường trú", "Hộ khẩu thường trú"),
            max_length=255,
            width=28,
        ),
        Column(
            "current_address",
            _("Chỗ ở hiện nay"),
            Kind.TEXT,
            aliases=("Nơi ở hiện nay", "Địa chỉ hiện nay"),
            max_length=255,
            width=28,
        ),
        Column(
            "phone",
            _("Điện thoại liên hệ"),
            Kind.PHONE,
            aliases=("Điện thoại", "SĐT", "Số điện thoại", "SĐT liên hệ"),
            width=12,
        ),
        Column(
            "disability",
            _("Loại khuyết tật"),
            Kind.TEXT,
            code_list="loai_khuyet_tat",
            aliases=("Khuyết tật",),
            width=12,
        ),
        Column(
            "policy_groups",
            _("Đối tượng chính sách"),
            Kind.TEXT,
            code_list="doi_tuong_chinh_sach",
            aliases=("Diện chính sách",),
            help=_("Nhiều đối tượng cách nhau bằng dấu chấm phẩy (;)."),
            width=16,
        ),
        Column(
            "semi_boarding",
            _("Học bán trú"),
            Kind.YES_NO,
            aliases=("Bán trú",),
            help=_("x, Có hoặc 1 là có; để trống là không."),
            width=8,
        ),
        Column("boarding", _("Học nội trú"), Kind.YES_NO, aliases=("Nội trú",), width=8),
        Column("orphan", _("Mồ côi"), Kind.YES_NO, aliases=("Mồ côi cả cha và mẹ", "Con mồ côi"), width=8),
        Column("father_name", _("Họ tên cha"), Kind.NAME, aliases=("Họ và tên cha", "Cha"), max_length=120, width=22),
        Column("father_birth_year", _("Năm sinh cha"), Kind.CODE, length=None, max_length=4, width=8),
        Column("father_occupation", _("Nghề nghiệp cha"), Kind.TEXT, max_length=120, width=14),
        Column("father_phone", _("Điện thoại cha"), Kind.PHONE, aliases=("SĐT cha",), width=12),
        Column("mother_name", _("Họ tên mẹ"), Kind.NAME, aliases=("Họ và tên mẹ", "Mẹ"), max_length=120, width=22),
        Column("mother_birth_year", _("Năm sinh mẹ"), Kind.CODE, max_length=4, width=8),
        Column("mother_occupation", _("Nghề nghiệp mẹ"), Kind.TEXT, max_length=120, width=14),
        Column("mother_phone", _("Điện thoại mẹ"), Kind.PHONE, aliases=("SĐT mẹ",), width=12),
        Column(
            "guardian_name", _("Họ tên người giám hộ"), Kind.NAME, aliases=("Người giám hộ",), max_length=120, width=22
        ),
        Column("guardian_phone", _("Điện thoại người giám hộ"), Kind.PHONE, aliases=("SĐT người giám hộ",), width=12),
    ),
)

STAFF = Layout(
    name="staff",
    title=_("Đội ngũ"),
    domain=Domain.STAFF,
    keys=(("ministry_code",), ("personal_id",), ("full_name", "birth_date")),
    columns=(
        UNIT_CODE,
        Column(
            "ministry_code",
            _("Mã cán bộ"),
            Kind.CODE,
            aliases=("Mã CB", "Mã giáo viên", "Mã GV", "Mã nhân sự", "Mã định danh cán bộ"),
            max_length=20,
            help=_("Mã do Bộ cấp (chữ và số); để trống với người mới chưa có mã."),
            width=14,
        ),
        Column(
            "full_name",
            _("Họ và tên"),
            Kind.NAME,
            aliases=("Họ tên", "Họ tên cán bộ", "Họ và tên cán bộ", "Tên giáo viên"),
            required=True,
            max_length=120,
            example="Trần Thị Bình",
            width=24,
        ),
        Column(
            "birth_date",
            _("Ngày sinh"),
            Kind.DATE,
            aliases=("Ngày tháng năm sinh",),
            required=True,
            example="12/03/1985",
            width=12,
        ),
        Column("gender", _("Giới tính"), Kind.TEXT, code_list="gioi_tinh", required=True, example="Nữ", width=9),
        Column("ethnicity", _("Dân tộc"), Kind.TEXT, code_list="dan_toc", example="Kinh", width=10),
        Column(
            "personal_id",
            _("Số định danh cá nhân"),
            Kind.CODE,
            aliases=("Số CCCD", "CCCD", "Số căn cước", "Số căn cước công dân", "Số CMND/CCCD", "Số ĐDCN"),
            length=12,
            width=14,
        ),
        Column("phone", _("Điện thoại"), Kind.PHONE, aliases=("Số điện thoại", "SĐT", "Điện thoại di động"), width=12),
        Column(
            "email",
            _("Thư điện tử"),
            Kind.EMAIL,
            aliases=("Email", "E-mail", "Địa chỉ email"),
            max_length=254,
            width=22,
        ),
        Column(
            "staff_type",
            _("Loại cán bộ"),
            Kind.TEXT,
            code_list="loai_can_bo",
            required=True,
            aliases=("Nhóm chức vụ", "Loại nhân sự", "Vị trí việc làm"),
            example="Giáo viên",
            width=14,
        ),
        Column("position", _("Chức vụ"), Kind.TEXT, code_list="chuc_vu", width=14),
        Column(
            "contract",
            _("Hình thức hợp đồng"),
            Kind.TEXT,
            code_list="hinh_thuc_hop_dong",
            aliases=("Hợp đồng", "Loại hợp đồng"),
            width=14,
        ),
        Column(
            "rank",
            _("Hạng chức danh nghề nghiệp"),
            Kind.TEXT,
            aliases=("Hạng CDNN", "Hạng chức danh"),
            max_length=80,
            width=14,
        ),
        Column("subjects", _("Môn dạy"), Kind.TEXT, aliases=("Môn giảng dạy", "Dạy môn"), max_length=200, width=14),
        Column(
            "qualification",
            _("Trình độ đào tạo"),
            Kind.TEXT,
            code_list="trinh_do_dao_tao",
            aliases=("Trình độ chuyên môn", "Trình độ chuyên môn cao nhất"),
            width=14,
        ),
        Column("major", _("Chuyên ngành đào tạo"), Kind.TEXT, aliases=("Chuyên ngành",), max_length=120, width=16),
        Column(
            "foreign_language_level",
            _("Trình độ ngoại ngữ"),
            Kind.TEXT,
            aliases=("Ngoại ngữ",),
            max_length=60,
            width=12,
        ),
        Column("it_level", _("Trình độ tin học"), Kind.TEXT, aliases=("Tin học",), max_length=60, width=12),
        Column(
            "standard_assessment",
            _("Đánh giá chuẩn nghề nghiệp"),
            Kind.TEXT,
            code_list="danh_gia_chuan_nghe_nghiep",
            aliases=("Chuẩn nghề nghiệp", "Xếp loại chuẩn nghề nghiệp"),
            width=14,
        ),
        Column(
            "work_status",
            _("Trạng thái làm việc"),
            Kind.TEXT,
            code_list="trang_thai_can_bo",
            aliases=("Trạng thái", "Tình trạng làm việc"),
            example="Đang làm việc",
            width=14,
        ),
        Column(
            "joined_on",
            _("Ngày vào ngành"),
            Kind.DATE,
            aliases=("Ngày tuyển dụng", "Ngày vào ngành giáo dục"),
            width=12,
        ),
    ),
)

CLASSES = Layout(
    name="classes",
    title=_("Lớp học"),
    domain=Domain.CLASSES,
    keys=(("name",),),
    columns=(
        UNIT_CODE,
        Column(
            "name",
            _("Tên lớp"),
            Kind.TEXT,
            aliases=("Lớp", "Mã lớp"),
            required=True,
            max_length=30,
            example="6A1",
            width=10,
        ),
        Column(
            "grade",
            _("Khối lớp"),
            Kind.CODE,
            aliases=("Khối",),
            max_length=2,
            help=_("1–12; để trống với lớp mầm non."),
            example="6",
            width=8,
        ),
        Column(
            "age_group",
            _("Nhóm tuổi (mầm non)"),
            Kind.TEXT,
            code_list="nhom_tuoi_mam_non",
            aliases=("Nhóm tuổi", "Độ tuổi"),
            width=14,
        ),
        Column("site_code", _("Mã điểm trường"), Kind.CODE, aliases=("Điểm trường",), max_length=20, width=12),
        Column(
            "homeroom_code",
            _("Mã giáo viên chủ nhiệm"),
            Kind.CODE,
            aliases=("Mã GVCN", "GVCN", "Giáo viên chủ nhiệm"),
            max_length=20,
            width=14,
        ),
        Column("is_mixed", _("Lớp ghép"), Kind.YES_NO, width=8),
        Column("two_sessions", _("Học 2 buổi/ngày"), Kind.YES_NO, aliases=("2 buổi/ngày", "Học 2 buổi"), width=8),
        Column("semi_boarding", _("Có bán trú"), Kind.YES_NO, aliases=("Bán trú",), width=8),
        Column("is_specialised", _("Lớp chuyên / năng khiếu"), Kind.YES_NO, aliases=("Lớp chuyên",), width=8),
        Column("specialised_subject", _("Môn chuyên"), Kind.TEXT, max_length=60, width=12),
        Column(
            "foreign_language", _("Ngoại ngữ 1"), Kind.TEXT, code_list="ngoai_ngu", aliases=("Ngoại ngữ",), width=10
        ),
        Column("sessions_per_week", _("Số buổi học/tuần"), Kind.CODE, aliases=("Số buổi/tuần",), max_length=2, width=8),
        Column("max_students", _("Sĩ số tối đa"), Kind.CODE, max_length=3, width=8),
    ),
)


# --- learning results, facilities, school profiles -------------------------------------------------------------------

TERM_CHOICES = ("Học kỳ I", "Học kỳ II", "Cả năm")
STANDARD_CHOICES = ("Chưa đạt chuẩn", "Đạt chuẩn mức độ 1", "Đạt chuẩn mức độ 2")
ACCREDITATION_CHOICES = ("Chưa kiểm định (chưa đạt)", "Cấp độ 1", "Cấp độ 2", "Cấp độ 3", "Cấp độ 4")

SCHOOL_YEAR = Column(
    "school_year",
    _("Năm học"),
    Kind.TEXT,
    help=_("Không bắt buộc; nếu ghi, phải là năm học hiện tại (chỉ nhập được dữ liệu của năm học hiện tại)."),
    example="2025-2026",
    width=11,
)

RESULTS = Layout(
    name="results",
    title=_("Kết quả học tập"),
    domain=Domain.STUDENTS,
    keys=(("ministry_code", "term"), ("temporary_code", "term")),
    notes=(
        _(
            "Mỗi dòng là kết quả của một học sinh trong một học kỳ (hoặc cả năm) của năm học hiện tại; học sinh được "
            "nhận ra theo mã định danh hoặc mã tạm, cột họ tên chỉ để đối chiếu."
        ),
        _(
            "Ô để trống giữ nguyên kết quả đã có trên hệ thống (không xóa); chỉ các ô có ghi mới được cập nhật. Các "
            "mức đánh giá theo Thông tư 27/2020/TT-BGDĐT (lớp 1–5) và Thông tư 22/2021/TT-BGDĐT (lớp 6–12)."
        ),
    ),
    columns=(
        UNIT_CODE,
        Column(
            "ministry_code",
            _("Mã định danh học sinh"),
            Kind.CODE,
            aliases=(
                "Mã học sinh",
                "Mã HS",
                "Mã định danh",
                "Mã định danh Bộ GD&ĐT",
                "Mã định danh Bộ GD ĐT",
                "Mã định danh Bộ GDĐT (trên CSDL ngành)",
            ),
            length=10,
            help=_("10 chữ số do Bộ cấp; học sinh chưa có mã thì ghi mã tạm ở cột “Mã tạm”."),
            example="3100012345",
            width=14,
        ),
        Column(
            "temporary_code",
            _("Mã tạm"),
            Kind.CODE,
            aliases=("Mã tạm học sinh",),
            max_length=20,
            help=_("Mã tạm hệ thống đã cấp (TMP-…), với học sinh chưa có mã của Bộ."),
            width=14,
        ),
        Column(
            "full_name",
            _("Họ và tên"),
            Kind.NAME,
            aliases=("Họ tên", "Họ tên học sinh", "Tên học sinh", "Họ và tên học sinh"),
            max_length=120,
            help=_("Để đối chiếu: họ tên phải là của học sinh mang mã trên dòng."),
            example="Nguyễn Văn An",
            width=24,
        ),
        Column(
            "class_name",
            _("Lớp"),
            Kind.TEXT,
            aliases=("Tên lớp", "Lớp học"),
            max_length=30,
            help=_("Lớp của học sinh trong năm học hiện tại; để trống là lớp hiện tại của học sinh."),
            example="6A1",
            width=8,
        ),
        SCHOOL_YEAR,
        Column(
            "term",
            _("Học kỳ"),
            Kind.TEXT,
            aliases=("Học kì", "Kỳ", "Kì", "HK", "Kỳ đánh giá"),
            required=True,
            help=_("Cũng nhận 1, I, HK1 (học kỳ I); 2, II, HK2 (học kỳ II); 3, CN (cả năm)."),
            example="Học kỳ I",
            width=10,
            choices=TERM_CHOICES,
        ),
        Column(
            "academic",
            _("Kết quả học tập"),
            Kind.TEXT,
            code_list="ket_qua_hoc_tap",
            aliases=("Học tập", "KQHT", "Học lực", "Xếp loại học tập", "Mức đạt được học tập"),
            example="Tốt",
            width=14,
        ),
        Column(
            "conduct",
            _("Kết quả rèn luyện"),
            Kind.TEXT,
            code_list="ket_qua_ren_luyen",
            aliases=("Rèn luyện", "KQRL", "Hạnh kiểm", "Xếp loại rèn luyện", "Phẩm chất, năng lực"),
            example="Tốt",
            width=14,
        ),
        Column(
            "title",
            _("Danh hiệu"),
            Kind.TEXT,
            code_list="danh_hieu_hoc_sinh",
            aliases=("Danh hiệu học sinh", "Khen thưởng", "Danh hiệu thi đua"),
            help=_("Chỉ ghi ở dòng “Cả năm”."),
            width=16,
        ),
        Column(
            "outcome",
            _("Kết quả cuối năm"),
            Kind.TEXT,
            code_list="ket_qua_cuoi_nam",
            aliases=("Kết quả lên lớp", "Lên lớp", "Kết quả xét lên lớp", "Được lên lớp"),
            help=_("Chỉ ghi ở dòng “Cả năm”."),
            width=16,
        ),
        Column(
            "days_absent_excused",
            _("Số buổi nghỉ có phép"),
            Kind.TEXT,
            aliases=("Nghỉ có phép", "Nghỉ CP", "Số ngày nghỉ có phép", "Số buổi nghỉ học có phép"),
            help=_("Số nguyên từ 0 đến 200."),
            example="2",
            width=9,
        ),
        Column(
            "days_absent_unexcused",
            _("Số buổi nghỉ không phép"),
            Kind.TEXT,
            aliases=("Nghỉ không phép", "Nghỉ KP", "Số ngày nghỉ không phép", "Số buổi nghỉ học không phép"),
            help=_("Số nguyên từ 0 đến 200."),
            example="0",
            width=9,
        ),
        Column(
            "note",
            _("Nhận xét"),
            Kind.TEXT,
            aliases=("Ghi chú", "Nhận xét của giáo viên chủ nhiệm", "Nhận xét của GVCN", "Nhận xét chung"),
            max_length=500,
            width=30,
        ),
    ),
)


def _room_columns() -> tuple[Column, ...]:
    """The count and the area of each build quality, in the order of the Ministry's facilities statistics."""
    qualities = (
        ("solid", _("Số phòng kiên cố"), _("Diện tích kiên cố (m²)"), "kiên cố", "KC"),
        ("semi", _("Số phòng bán kiên cố"), _("Diện tích bán kiên cố (m²)"), "bán kiên cố", "BKC"),
        ("temporary", _("Số phòng tạm"), _("Diện tích tạm (m²)"), "tạm", "tạm"),
        ("borrowed", _("Số phòng thuê mượn"), _("Diện tích thuê mượn (m²)"), "thuê mượn", "thuê mượn"),
    )
    columns: list[Column] = []
    for quality, count, area, words, short in qualities:
        columns.append(
            Column(
                f"count_{quality}",
                count,
                Kind.TEXT,
                aliases=(f"Phòng {words}", f"Số phòng {short}", f"Số lượng phòng {words}"),
                help=_("Số nguyên, không âm; để trống là 0."),
                example="12" if quality == "solid" else "",
                width=10,
            )
        )
        columns.append(
            Column(
                f"area_{quality}",
                area,
                Kind.TEXT,
                aliases=(f"Diện tích phòng {words}", f"DT {short}", f"Diện tích {short}", f"Tổng diện tích {words}"),
                help=_(
                    "Tổng diện tích (m²) các phòng này, không âm; số lẻ ghi dấu phẩy hoặc dấu chấm (45,5), làm tròn "
                    "đến 1 chữ số thập phân; để trống là 0."
                ),
                example="648,5" if quality == "solid" else "",
                width=11,
            )
        )
    return tuple(columns)


ROOMS = Layout(
    name="rooms",
    title=_("Cơ sở vật chất"),
    domain=Domain.FACILITIES,
    keys=(("site_code", "room_kind"),),
    notes=(
        _(
            "Mỗi dòng là một loại phòng của một điểm trường trong năm học hiện tại: số phòng và tổng diện tích theo "
            "chất lượng công trình (kiên cố, bán kiên cố, tạm, thuê mượn)."
        ),
    ),
    columns=(
        UNIT_CODE,
        Column(
            "site_code",
            _("Mã điểm trường"),
            Kind.CODE,
            aliases=("Mã điểm",),
            max_length=20,
            help=_("Mã điểm trường như trên hệ thống; để trống là điểm trường chính."),
            width=12,
        ),
        SCHOOL_YEAR,
        Column(
            "room_kind",
            _("Loại phòng"),
            Kind.TEXT,
            code_list="loai_phong",
            aliases=("Loại phòng, công trình", "Loại công trình", "Tên phòng", "Phòng"),
            required=True,
            example="Phòng học",
            width=24,
        ),
        *_room_columns(),
    ),
)

SCHOOLS = Layout(
    name="schools",
    title=_("Hồ sơ trường"),
    domain=Domain.SCHOOLS,
    keys=(("unit_code",),),
    notes=(
        _(
            "Mỗi dòng là hồ sơ của một trường, nhận ra theo mã trường; trường chưa có hồ sơ thì hồ sơ được tạo. Ô "
            "chữ, số để trống giữ nguyên thông tin đã có; cột có/không để trống là không."
        ),
    ),
    columns=(
        Column(
            "unit_code",
            _("Mã trường"),
            Kind.CODE,
            aliases=("Mã đơn vị", "Mã cơ sở giáo dục", "Mã CSGD", "Mã trường học", "Ma truong"),
            required=True,
            max_length=20,
            help=_("Mã của trường trên hệ thống; mỗi trường một dòng."),
            example="31000101",
            width=11,
        ),
        Column(
            "unit_name",
            _("Tên trường"),
            Kind.TEXT,
            aliases=("Tên đơn vị", "Tên cơ sở giáo dục"),
            max_length=255,
            help=_("Chỉ để dễ đọc, không được ghi (tên trường sửa ở mục Đơn vị)."),
            width=30,
        ),
        Column("ownership", _("Loại hình"), Kind.TEXT, code_list="loai_hinh_truong", example="Công lập", width=12),
        Column("school_type", _("Loại trường"), Kind.TEXT, code_list="loai_truong", width=14),
        Column(
            "established_year",
            _("Năm thành lập"),
            Kind.TEXT,
            aliases=("Năm thành lập trường",),
            help=_("Năm 4 chữ số, ví dụ 1998."),
            example="1998",
            width=9,
        ),
        Column(
            "establishment_decision",
            _("Quyết định thành lập"),
            Kind.TEXT,
            aliases=("Số quyết định thành lập", "QĐ thành lập", "Số QĐ thành lập"),
            max_length=120,
            width=20,
        ),
        Column(
            "street_address",
            _("Địa chỉ"),
            Kind.TEXT,
            aliases=("Địa chỉ trường", "Địa chỉ (số nhà, đường, thôn/tổ)", "Số nhà, đường, thôn/tổ"),
            max_length=255,
            width=30,
        ),
        Column(
            "phone",
            _("Điện thoại"),
            Kind.PHONE,
            aliases=("Số điện thoại", "SĐT", "Điện thoại trường", "Điện thoại liên hệ"),
            width=12,
        ),
        Column(
            "email",
            _("Thư điện tử"),
            Kind.EMAIL,
            aliases=("Email", "E-mail", "Địa chỉ email", "Thư điện tử của trường"),
            max_length=254,
            width=24,
        ),
        Column(
            "website",
            _("Trang thông tin điện tử"),
            Kind.TEXT,
            aliases=("Website", "Trang web", "Cổng thông tin điện tử", "Địa chỉ website"),
            max_length=200,
            help=_("Địa chỉ trang web, ví dụ https://c1levantam.haiphong.edu.vn."),
            width=26,
        ),
        Column(
            "principal_name",
            _("Hiệu trưởng"),
            Kind.NAME,
            aliases=("Hiệu trưởng / giám đốc", "Họ tên hiệu trưởng", "Họ và tên hiệu trưởng", "Giám đốc"),
            max_length=120,
            width=22,
        ),
        Column(
            "principal_phone",
            _("Điện thoại hiệu trưởng"),
            Kind.PHONE,
            aliases=("SĐT hiệu trưởng", "Số điện thoại hiệu trưởng"),
            width=12,
        ),
        Column(
            "national_standard",
            _("Chuẩn quốc gia"),
            Kind.TEXT,
            aliases=("Đạt chuẩn quốc gia", "Mức chuẩn quốc gia", "Trường chuẩn quốc gia", "Mức đạt chuẩn"),
            help=_("Cũng nhận 0, 1, 2 hoặc “Mức 1”, “Mức 2”."),
            width=18,
            choices=STANDARD_CHOICES,
        ),
        Column(
            "national_standard_year",
            _("Năm công nhận chuẩn"),
            Kind.TEXT,
            aliases=("Năm đạt chuẩn", "Năm công nhận chuẩn quốc gia", "Năm công nhận"),
            help=_("Năm 4 chữ số của quyết định công nhận; bắt buộc khi trường đạt chuẩn."),
            width=9,
        ),
        Column(
            "accreditation",
            _("Kiểm định chất lượng"),
            Kind.TEXT,
            aliases=("Kiểm định", "Cấp độ kiểm định", "Kiểm định chất lượng giáo dục", "Mức kiểm định"),
            help=_("Cũng nhận 0 đến 4 hoặc “Cấp 1” đến “Cấp 4”."),
            width=18,
            choices=ACCREDITATION_CHOICES,
        ),
        Column(
            "two_sessions",
            _("Dạy học 2 buổi/ngày"),
            Kind.YES_NO,
            aliases=("2 buổi/ngày", "Học 2 buổi/ngày", "Dạy 2 buổi/ngày"),
            width=8,
        ),
        Column("semi_boarding", _("Có học sinh bán trú"), Kind.YES_NO, aliases=("Bán trú", "Có bán trú"), width=8),
        Column("boarding", _("Có học sinh nội trú"), Kind.YES_NO, aliases=("Nội trú", "Có nội trú"), width=8),
        Column("has_electricity", _("Có điện lưới"), Kind.YES_NO, aliases=("Điện lưới", "Điện lưới quốc gia"), width=8),
        Column("has_clean_water", _("Có nước sạch"), Kind.YES_NO, aliases=("Nước sạch",), width=8),
        Column(
            "has_internet",
            _("Có kết nối internet"),
            Kind.YES_NO,
            aliases=("Internet", "Kết nối internet", "Có internet"),
            width=8,
        ),
        Column(
            "separate_toilets",
            _("Công trình vệ sinh riêng nam, nữ"),
            Kind.YES_NO,
            aliases=("Vệ sinh riêng", "Nhà vệ sinh riêng nam nữ", "Vệ sinh riêng nam, nữ"),
            width=10,
        ),
        Column(
            "inclusive_access",
            _("Có lối đi cho người khuyết tật"),
            Kind.YES_NO,
            aliases=("Lối đi khuyết tật", "Lối đi cho người khuyết tật"),
            width=10,
        ),
        Column("difficult_area", _("Thuộc vùng khó khăn"), Kind.YES_NO, aliases=("Vùng khó khăn",), width=8),
        Column(
            "island_area",
            _("Thuộc xã đảo / đặc khu"),
            Kind.YES_NO,
            aliases=("Xã đảo", "Đặc khu", "Xã đảo, đặc khu"),
            width=8,
        ),
    ),
)

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (STUDENTS, STAFF, CLASSES, RESULTS, ROOMS, SCHOOLS)}
