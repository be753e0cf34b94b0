"""The fixed part of the demo city: the Sở, its offices, the 2022 districts and the directly managed institutions.

Commune-level units and their schools come from the `vietnam-provinces` package (see ``plan.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from edudb.core.models import Oversight

PROVINCE_CODE = "31"
CITY = "thành phố Hải Phòng"
AREA_HAI_PHONG = "0225"
AREA_HAI_DUONG = "0220"

DEPARTMENT = {
    "code": "SGD31",
    "name": "Sở Giáo dục và Đào tạo Hải Phòng",
    "head_name": "Phạm Quốc Khánh",
    "phone": "02253842542",
    "email": "sogddt@haiphong.edu.vn",
    "street": "Số 9 Đinh Tiên Hoàng",
    "commune_code": "11311",  # phường Hồng Bàng
    "legacy_code": "11320",  # phường Hoàng Văn Thụ, quận Hồng Bàng (2022)
}


@dataclass(frozen=True)
class Office:
    """A professional office (phòng chuyên môn) of the Sở."""

    suffix: str
    name: str
    oversight: str
    levels: str
    head_name: str


OFFICES = [
    Office("VP", "Văn phòng Sở", Oversight.REVIEW, "", "Trần Thị Minh Nguyệt"),
    Office("MN", "Phòng Giáo dục Mầm non", Oversight.LEVELS, "|mn|", "Đỗ Thị Hồng Vân"),
    Office("TH", "Phòng Giáo dục Tiểu học", Oversight.LEVELS, "|th|", "Vũ Thị Thanh Hương"),
    Office("TRH", "Phòng Giáo dục Trung học", Oversight.LEVELS, "|thcs|thpt|", "Nguyễn Đức Thịnh"),
    Office("GDTX", "Phòng Giáo dục thường xuyên và Đại học", Oversight.LEVELS, "|gdtx|", "Lê Văn Cường"),
    Office("TCCB", "Phòng Tổ chức cán bộ", Oversight.STAFF, "", "Bùi Thị Thu Hà"),
    Office("KHTC", "Phòng Kế hoạch – Tài chính", Oversight.REVIEW, "", "Hoàng Minh Tuấn"),
    Office("KT", "Phòng Khảo thí và Kiểm định chất lượng", Oversight.REVIEW, "", "Đào Quang Huy"),
]


@dataclass(frozen=True)
class District:
    """A district (quận/huyện) of Hải Phòng before 1 July 2025, with its GSO code."""

    code: int
    label: str  # as in an address: "quận Hồng Bàng"
    street: str

    @property
    def office_name(self) -> str:
        return f"Phòng Giáo dục và Đào tạo {self.label}"


# The 2022 shape: the 15 districts of Hải Phòng named by the regulation.
DISTRICTS = [
    District(303, "quận Hồng Bàng", "Số 30 Hoàng Văn Thụ"),
    District(304, "quận Ngô Quyền", "Số 6 Lê Lợi"),
    District(305, "quận Lê Chân", "Số 16 Hồ Sen"),
    District(306, "quận Hải An", "Số 19 Lê Thánh Tông"),
    District(307, "quận Kiến An", "Số 102 Trần Thành Ngọ"),
    District(308, "quận Đồ Sơn", "Số 219 Lý Thánh Tông"),
    District(309, "quận Dương Kinh", "Số 46 Phạm Văn Đồng"),
    District(311, "huyện Thủy Nguyên", "Số 6 Bạch Đằng, thị trấn Núi Đèo"),
    District(312, "huyện An Dương", "Số 1 Tôn Đức Thắng, thị trấn An Dương"),
    District(313, "huyện An Lão", "Thị trấn An Lão"),
    District(314, "huyện Kiến Thụy", "Thị trấn Núi Đối"),
    District(315, "huyện Tiên Lãng", "Khu 1, thị trấn Tiên Lãng"),
    District(316, "huyện Vĩnh Bảo", "Số 38 Đông Thái, thị trấn Vĩnh Bảo"),
    District(317, "huyện Cát Hải", "Thị trấn Cát Bà"),
    District(318, "huyện Bạch Long Vĩ", "Khu dân cư số 1"),
]
HAI_PHONG_DISTRICT_CODES = frozenset(d.code for d in DISTRICTS)
BACH_LONG_VI_DISTRICT = 318
BACH_LONG_VI_WARD = 11948

# Former districts of Hải Dương (GSO codes), for naming and placing institutions there.
HAI_DUONG_DISTRICTS = {
    288: "Hải Dương",
    290: "Chí Linh",
    291: "Nam Sách",
    292: "Kinh Môn",
    293: "Kim Thành",
    294: "Thanh Hà",
    295: "Cẩm Giàng",
    296: "Bình Giang",
    297: "Gia Lộc",
    298: "Tứ Kỳ",
    299: "Ninh Giang",
    300: "Thanh Miện",
}

# The densest inner-city wards, where private kindergartens and schools cluster.
URBAN_CORE_WARDS = frozenset(
    {11311, 11329, 11359, 11383, 11407, 11411, 11413, 11443, 11446, 10507, 10525, 10532, 10537, 10543}
)

# The central commune the demo commune accounts sit in (2025), and the district (2022).
DEMO_COMMUNE_CODE = "11311"
DEMO_DISTRICT_CODE = "303"
DEMO_THPT_NAME = "Trường THPT Thái Phiên"

# --- institutions the Sở manages directly, by the former district they stand in --------------------------------

THPT_BY_DISTRICT: dict[int, list[str]] = {
    303: ["Hồng Bàng", "Lương Thế Vinh"],
    304: ["Thái Phiên", "Marie Curie", "Lê Quý Đôn"],
    305: ["Ngô Quyền", "Trần Nguyên Hãn", "Lê Chân", "Hàng Hải"],
    306: ["Hải An", "Anhxtanh"],
    307: ["Kiến An", "Phan Đăng Lưu", "Đồng Hòa"],
    308: ["Đồ Sơn"],
    309: ["Mạc Đĩnh Chi"],
    311: ["Lý Thường Kiệt", "Quang Trung", "Lê Ích Mộc", "Bạch Đằng", "Phạm Ngũ Lão", "Nam Triệu", "Thủy Sơn"],
    312: ["An Dương", "An Hải", "Nguyễn Trãi", "Tân An"],
    313: ["An Lão", "Trần Hưng Đạo", "Quốc Tuấn", "Trần Tất Văn"],
    314: ["Kiến Thụy", "Nguyễn Đức Cảnh", "Thụy Hương"],
    315: ["Tiên Lãng", "Toàn Thắng", "Hùng Thắng", "Nhữ Văn Lan"],
    316: ["Vĩnh Bảo", "Cộng Hiền", "Nguyễn Khuyến", "Tô Hiến Thành", "Nguyễn Bỉnh Khiêm"],
    317: ["Cát Hải", "Cát Bà"],
    288: ["Hồng Quang", "Nguyễn Du", "Hoàng Văn Thụ", "Ái Quốc", "Thành Đông"],
    290: ["Chí Linh", "Phả Lại", "Bến Tắm", "Trần Phú"],
    291: ["Nam Sách", "Nam Sách II", "Phan Bội Châu"],
    292: ["Kinh Môn", "Kinh Môn II", "Nhị Chiểu", "Phúc Thành"],
    293: ["Kim Thành", "Kim Thành II", "Đồng Gia"],
    294: ["Thanh Hà", "Hà Bắc", "Hà Đông"],
    295: ["Cẩm Giàng", "Cẩm Giàng II", "Tuệ Tĩnh"],
    296: ["Bình Giang", "Kẻ Sặt", "Đường An", "Vũ Ngọc Phan"],
    297: ["Gia Lộc", "Gia Lộc II", "Đoàn Thượng"],
    298: ["Tứ Kỳ", "Tứ Kỳ II", "Hưng Đạo", "Cầu Xe"],
    299: ["Ninh Giang", "Ninh Giang II", "Hồng Đức", "Khúc Thừa Dụ"],
    300: ["Thanh Miện", "Thanh Miện II", "Thanh Miện III"],
}

# (kind, name, former district)
OTHER_DIRECT: list[tuple[str, str, int]] = [
    ("thpt_chuyen", "Trường THPT chuyên Trần Phú", 305),
    ("thpt_chuyen", "Trường THPT chuyên Nguyễn Trãi", 288),
    ("th_thcs_thpt", "Trường TH, THCS và THPT Hữu Nghị Quốc tế", 305),
    ("th_thcs_thpt", "Trường TH, THCS và THPT Quốc tế Hòa Bình", 288),
    ("thcs_thpt", "Trường THCS và THPT Hermann Gmeiner", 306),
    ("thcs_thpt", "Trường THCS và THPT Lương Thế Vinh Hải Dương", 288),
    ("pt_dtnt", "Trường Phổ thông Dân tộc nội trú Hải Phòng", 290),
    ("chuyen_biet", "Trường Khuyết tật trí tuệ Bình Minh", 305),
    ("chuyen_biet", "Trường Nuôi dạy trẻ khiếm thính Hải Phòng", 304),
    ("chuyen_biet", "Trường Giáo dục chuyên biệt Hải Dương", 288),
    ("ttgdtx", "Trung tâm Giáo dục thường xuyên Hải Phòng", 305),
    ("ttgdtx", "Trung tâm Giáo dục thường xuyên Hải Dương", 288),
    *[
        ("gdnn_gdtx", f"Trung tâm GDNN-GDTX {name}", code)
        for code, name in [
            (311, "Thủy Nguyên"),
            (312, "An Dương"),
            (313, "An Lão"),
            (314, "Kiến Thụy"),
            (315, "Tiên Lãng"),
            (316, "Vĩnh Bảo"),
            (317, "Cát Hải"),
            (290, "Chí Linh"),
            (292, "Kinh Môn"),
            (291, "Nam Sách"),
            (293, "Kim Thành"),
            (294, "Thanh Hà"),
            (295, "Cẩm Giàng"),
            (296, "Bình Giang"),
            (297, "Gia Lộc"),
            (298, "Tứ Kỳ"),
            (299, "Ninh Giang"),
            (300, "Thanh Miện"),
        ]
    ],
]

# Who heads each kind of unit, and how likely that head is a woman.
HEAD_TITLE = {
    "so": "Giám đốc Sở",
    "ubnd_xa": "Chủ tịch UBND",
    "phong_gddt": "Trưởng phòng",
    "ttgdtx": "Giám đốc Trung tâm",
    "gdnn_gdtx": "Giám đốc Trung tâm",
    "tthtcd": "Giám đốc Trung tâm",
}
DEFAULT_HEAD_TITLE = "Hiệu trưởng"
FEMALE_HEAD_SHARE = {
    "nha_tre": 0.98,
    "mau_giao": 0.97,
    "mam_non": 0.96,
    "tieu_hoc": 0.78,
    "th_thcs": 0.62,
    "thcs": 0.58,
    "chuyen_biet": 0.7,
    "tthtcd": 0.45,
    "ubnd_xa": 0.22,
    "phong_gddt": 0.5,
}
DEFAULT_FEMALE_HEAD_SHARE = 0.45
