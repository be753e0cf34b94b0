"""Vietnamese name material for the demo data: people, schools, streets and villages.

Weighted, northern-Vietnam flavoured (Hải Phòng and the former Hải Dương), so generated names read as real ones.
"""

from __future__ import annotations

import random
import re

# Family names with rough shares (per cent) in the Red River delta; Mạc, Nhữ, Phí, Khúc are local to the region.
SURNAMES: list[tuple[str, float]] = [
    ("Nguyễn", 31),
    ("Trần", 11),
    ("Lê", 8),
    ("Phạm", 8),
    ("Vũ", 6),
    ("Hoàng", 4),
    ("Bùi", 4),
    ("Đỗ", 3.5),
    ("Đặng", 2.5),
    ("Ngô", 1.8),
    ("Đào", 1.5),
    ("Phan", 1.2),
    ("Đinh", 1.2),
    ("Đoàn", 1.2),
    ("Dương", 1),
    ("Lương", 0.9),
    ("Trịnh", 0.8),
    ("Cao", 0.7),
    ("Hà", 0.7),
    ("Mạc", 0.7),
    ("Tạ", 0.5),
    ("Tô", 0.5),
    ("Lưu", 0.5),
    ("Hồ", 0.4),
    ("Vương", 0.4),
    ("Nhữ", 0.3),
    ("Phí", 0.3),
    ("Khúc", 0.2),
    ("Lã", 0.2),
    ("Quách", 0.2),
]

MIDDLE_FEMALE: list[tuple[str, float]] = [
    ("Thị", 62),
    ("Thu", 6),
    ("Thanh", 6),
    ("Ngọc", 5),
    ("Minh", 4),
    ("Hồng", 4),
    ("Phương", 3),
    ("Thúy", 3),
    ("Kim", 3),
    ("Bích", 2),
    ("Diệu", 1),
    ("Hải", 1),
]
# A second middle name women often carry after "Thị": Nguyễn Thị Thu Hà.
SECOND_MIDDLE_FEMALE = ["Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Phương", "Kim", "Bích", "Thúy", "Hải", "Diệu", "Lan"]
GIVEN_FEMALE = [
    "Anh", "Chi", "Châu", "Dung", "Duyên", "Giang", "Gấm", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ",
    "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Lụa", "Lý", "Mai", "My", "Nga", "Ngân", "Nhàn", "Nhung",
    "Oanh", "Phương", "Quyên", "Sen", "Tâm", "Thanh", "Thảo", "Thơm", "Thu", "Thủy", "Thúy", "Trang", "Tuyết",
    "Uyên", "Vân", "Xuân", "Yến", "Hậu", "Lương", "Nguyệt", "Hường", "Ngọc",
]  # fmt: skip

MIDDLE_MALE: list[tuple[str, float]] = [
    ("Văn", 48),
    ("Đức", 9),
    ("Minh", 7),
    ("Quang", 6),
    ("Hữu", 5),
    ("Xuân", 4),
    ("Thành", 3),
    ("Công", 3),
    ("Mạnh", 3),
    ("Trọng", 3),
    ("Ngọc", 2),
    ("Duy", 2),
    ("Tiến", 2),
    ("Quốc", 2),
    ("Thế", 1),
]
GIVEN_MALE = [
    "Anh", "Bảo", "Bình", "Chiến", "Chính", "Cường", "Dũng", "Dương", "Đạt", "Định", "Đông", "Hải", "Hiệp", "Hiếu",
    "Hòa", "Hoàng", "Hùng", "Huy", "Hưng", "Khải", "Khánh", "Khoa", "Kiên", "Lâm", "Lợi", "Long", "Lực", "Mạnh",
    "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh",
    "Thuận", "Toàn", "Trung", "Tú", "Tuấn", "Tùng", "Việt", "Vinh", "Thái",
]  # fmt: skip


def person(rng: random.Random, *, female_share: float = 0.5) -> str:
    """A realistic Vietnamese full name; ``female_share`` is the chance it is a woman's name."""
    surname = _weighted(rng, SURNAMES)
    if rng.random() < female_share:
        middle = _weighted(rng, MIDDLE_FEMALE)
        if middle == "Thị" and rng.random() < 0.3:
            middle = f"Thị {rng.choice(SECOND_MIDDLE_FEMALE)}"
        given = rng.choice(GIVEN_FEMALE)
    else:
        middle = _weighted(rng, MIDDLE_MALE)
        given = rng.choice(GIVEN_MALE)
    if middle.split()[-1] == given:  # "Nguyễn Thanh Thanh" reads wrong
        given = rng.choice(GIVEN_FEMALE if middle.startswith("Thị") else GIVEN_MALE)
    return f"{surname} {middle} {given}"


def _weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([name for name, _ in table], weights=[weight for _, weight in table])[0]


# Kindergartens are named after flowers, birds and childhood; private ones too.
PRESCHOOL_NAMES = [
    "Hoa Sen", "Hoa Mai", "Hoa Hồng", "Hoa Phượng", "Hoa Sữa", "Hoa Đào", "Hoa Lan", "Hoa Cúc", "Họa Mi",
    "Sơn Ca", "Sao Mai", "Sao Sáng", "Tuổi Thơ", "Ánh Dương", "Bình Minh", "Măng Non", "Hướng Dương", "Thỏ Ngọc",
    "Ban Mai", "Rạng Đông", "Bông Sen", "Anh Đào", "Trúc Xanh", "Tuổi Hồng", "Hồng Nhung", "Thiên Thần",
    "Ngôi Sao", "Mặt Trời Nhỏ", "Vàng Anh", "Chim Non", "Hoa Ngọc Lan", "Cầu Vồng", "Mầm Xanh", "Nắng Mai",
    "Hải Âu", "Hoa Mộc Lan", "Tuổi Ngọc", "Hoa Trà My", "Ngôi Nhà Hạnh Phúc", "Vườn Xuân", "Búp Sen Hồng",
    "Hoa Thủy Tiên", "Sóc Nâu", "Ong Vàng", "Hoa Linh Lan", "Thiên Ân", "Mầm Non Xanh", "Vườn Trẻ Thơ",
]  # fmt: skip

# Private primary and multi-level schools in the cities.
PRIVATE_SCHOOL_NAMES = [
    "Ngôi Sao", "Tuệ Đức", "Việt Úc", "Thăng Long", "Đoàn Thị Điểm", "Lê Quý Đôn", "Nguyễn Tất Thành",
    "Hòa Bình", "Tương Lai", "Trí Tuệ Việt", "Hữu Nghị", "Văn Lang", "Ánh Sáng", "Quốc tế Hải Phòng",
]  # fmt: skip

# Streets found in both Hải Phòng and the former Hải Dương, for urban addresses.
STREETS = [
    "Lạch Tray", "Lê Lợi", "Trần Phú", "Điện Biên Phủ", "Hoàng Văn Thụ", "Tô Hiệu", "Lê Thánh Tông", "Văn Cao",
    "Trần Nguyên Hãn", "Hai Bà Trưng", "Nguyễn Đức Cảnh", "Cát Dài", "Hồ Sen", "Nguyễn Văn Linh", "Lê Hồng Phong",
    "Đinh Tiên Hoàng", "Minh Khai", "Lý Thường Kiệt", "Quang Trung", "Trần Hưng Đạo", "Chu Văn An", "Phạm Ngũ Lão",
    "Nguyễn Lương Bằng", "Thống Nhất", "Bạch Đằng", "Lê Thanh Nghị", "Ngô Quyền", "Nguyễn Trãi", "Trần Quốc Toản",
    "Phan Đình Phùng", "Nguyễn Chí Thanh", "Thanh Niên", "Hùng Vương", "Tôn Đức Thắng", "Lê Duẩn", "Trường Chinh",
    "Mạc Đăng Doanh", "Phạm Văn Đồng", "Nguyễn Bỉnh Khiêm", "Đà Nẵng", "Nguyễn Văn Cừ", "Võ Nguyên Giáp",
]  # fmt: skip

_VILLAGE_FIRST = [
    "An", "Bình", "Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "Phú", "Tân", "Hòa", "Văn", "Đại", "Lạc",
    "Vĩnh", "Cao", "Kim", "Ngọc", "Thanh", "Hương", "Mỹ", "Phúc", "Lương", "Đoài", "Hữu", "Quang", "Xuân",
]  # fmt: skip
_VILLAGE_SECOND = [
    "Lạc", "Xá", "Tác", "Hòa", "Bình", "Hưng", "Lộc", "Phú", "Thọ", "Khê", "Trì", "Đông", "Đoài", "Nội", "Xuyên",
    "Thái", "Lão", "Dương", "Am", "Điền", "Trang", "Liệt", "Quan", "Vân", "Cầu", "Hà", "Tiến", "Yên",
]  # fmt: skip


def street_address(rng: random.Random) -> str:
    """An urban street address: 'Số 27 Lạch Tray'."""
    return f"Số {rng.randint(1, 320)} {rng.choice(STREETS)}"


def village_address(rng: random.Random) -> str:
    """A rural address by village: 'Thôn Đông Xá'."""
    first = rng.choice(_VILLAGE_FIRST)
    second = rng.choice([s for s in _VILLAGE_SECOND if s != first])
    return f"Thôn {first} {second}"


def landline(rng: random.Random, area: str) -> str:
    """A fixed-line number in the area: 0225 (Hải Phòng) or 0220 (former Hải Dương), digits only."""
    return f"{area}3{rng.randint(500000, 999999)}"


# --- administrative names ----------------------------------------------------------------------------

_PREFIXES = ("Thị trấn ", "Phường ", "Xã ", "Đặc khu ")
# Old-style tone placement on the last syllable vowel pair (hoà, thuỷ) → the style the system stores (hòa, thủy).
_OLD_TONE = re.compile(r"(?<![qQ])([oO])([àáảãạèéẻẽẹ])\b|(?<![qQ])([uU])([ỳýỷỹỵ])\b")
_UNTONE = str.maketrans("àáảãạèéẻẽẹỳýỷỹỵ", "aaaaaeeeeeyyyyy")
_TONE_OF = {
    **dict.fromkeys("àèỳ", "\u0300"),
    **dict.fromkeys("áéý", "\u0301"),
    **dict.fromkeys("ảẻỷ", "\u0309"),
    **dict.fromkeys("ãẽỹ", "\u0303"),
    **dict.fromkeys("ạẹỵ", "\u0323"),
}


def modern_tone(text: str) -> str:
    """'Việt Hoà', 'Thuỷ Đường' → 'Việt Hòa', 'Thủy Đường' (the package's old names use the older style)."""
    import unicodedata

    def fix(match: re.Match[str]) -> str:
        first, toned = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        moved = unicodedata.normalize("NFC", first + _TONE_OF[toned])
        return moved + toned.translate(_UNTONE)

    return _OLD_TONE.sub(fix, text)


def base_name(admin_name: str) -> str:
    """'Phường Thành Đông' → 'Thành Đông'; 'Thị trấn Cát Bà' → 'Cát Bà'."""
    for prefix in _PREFIXES:
        if admin_name.startswith(prefix):
            return modern_tone(admin_name[len(prefix) :])
    return modern_tone(admin_name)


def in_address(admin_name: str) -> str:
    """How the unit reads inside an address: 'Phường Thành Đông' → 'phường Thành Đông'."""
    for prefix in _PREFIXES:
        if admin_name.startswith(prefix):
            return prefix.lower() + base_name(admin_name)
    return admin_name
