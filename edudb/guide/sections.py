"""The user guide's sections: one page per role and task, each a template under ``templates/guide/sections/``.

A section's table of contents is read from its own ``<h2 id="…">`` headings, so a heading and its anchor are
written once. Sections for outside parties (parents, organisations asking for data) are public; the rest need an
account. Screenshots come from ``docs/screenshots/`` (made by the browser tests, ``make screenshots``) and are
referenced by file name with the ``{% screenshot %}`` tag.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import get_template
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "docs" / "screenshots"
SCREENSHOT_NAME = re.compile(r"^[0-9]{2}-[a-z0-9-]+\.png$")
_HEADING = re.compile(r'<h2 id="(?P<anchor>[a-z0-9-]+)">(?P<title>.*?)</h2>', re.S)
_SHOT_TAG = re.compile(r'{%\s*screenshot\s+"(?P<name>[^"]+)"')
_TAG = re.compile(r"<[^>]+>")


class Role:
    """Who a section is written for (the guide's index groups sections by these)."""

    SO = "so"
    MANAGER = "manager"
    SCHOOL = "school"
    ADMIN = "admin"
    PUBLIC = "public"


ROLES: list[tuple[str, Promise]] = [
    (Role.SO, _("Cán bộ Sở Giáo dục và Đào tạo")),
    (Role.MANAGER, _("Đơn vị quản lý (UBND xã/phường, phòng chuyên môn của Sở)")),
    (Role.SCHOOL, _("Cán bộ nhà trường")),
    (Role.ADMIN, _("Quản trị tài khoản của đơn vị")),
    (Role.PUBLIC, _("Phụ huynh, tổ chức và cá nhân bên ngoài")),
]


@dataclass(frozen=True)
class Section:
    slug: str
    title: Promise
    summary: Promise
    roles: tuple[str, ...]
    public: bool = False

    @property
    def template_name(self) -> str:
        return f"guide/sections/{self.slug}.html"


ALL = (Role.SO, Role.MANAGER, Role.SCHOOL, Role.ADMIN)

SECTIONS: list[Section] = [
    Section(
        "dang-nhap",
        _("Đăng nhập, mật khẩu, xác thực hai lớp và cam kết"),
        _("Lần đầu đăng nhập: đổi mật khẩu, bật xác thực hai lớp, ký cam kết trách nhiệm; khi quên mật khẩu."),
        (*ALL, Role.PUBLIC),
        public=True,
    ),
    Section(
        "bat-dau",
        _("Những bước đầu: trang chủ, menu, phạm vi dữ liệu"),
        _("Trang chủ, thanh menu, phạm vi dữ liệu của tài khoản, dùng trên điện thoại, đổi ngôn ngữ."),
        ALL,
    ),
    Section(
        "don-vi",
        _("Cây đơn vị và thông tin đơn vị"),
        _("Tìm một đơn vị, xem đơn vị trực thuộc, thông tin và tài khoản của đơn vị."),
        (Role.SO, Role.MANAGER),
    ),
    Section(
        "truong-lop",
        _("Hồ sơ trường, điểm trường và lớp học"),
        _("Cập nhật hồ sơ trường, điểm trường, danh sách lớp của năm học."),
        (Role.SCHOOL, Role.MANAGER),
    ),
    Section(
        "doi-ngu",
        _("Đội ngũ cán bộ, giáo viên, nhân viên"),
        _("Thêm, sửa hồ sơ cán bộ; khen thưởng, kỷ luật, bồi dưỡng; điều động."),
        (Role.SCHOOL, Role.MANAGER),
    ),
    Section(
        "hoc-sinh",
        _("Học sinh, kết quả học tập và sức khỏe"),
        _("Hồ sơ học sinh, mã định danh, kết quả học tập theo học kỳ, theo dõi sức khỏe."),
        (Role.SCHOOL,),
    ),
    Section(
        "co-so-vat-chat",
        _("Cơ sở vật chất: phòng học và thiết bị"),
        _("Phòng theo loại và điểm trường, kiểm kê thiết bị dạy học."),
        (Role.SCHOOL,),
    ),
    Section(
        "bien-dong",
        _("Chuyển trường, thôi học, điều động và lên lớp"),
        _("Chuyển đi, tiếp nhận học sinh, nhật ký biến động, chuyển năm học mới."),
        (Role.SCHOOL, Role.MANAGER),
    ),
    Section(
        "nhap-excel",
        _("Nhập và xuất dữ liệu bằng Excel"),
        _("Tải mẫu nhập liệu, nhập tệp, đọc kết quả kiểm tra, xuất danh sách."),
        (Role.SCHOOL, Role.MANAGER, Role.SO),
    ),
    Section(
        "chat-luong",
        _("Chất lượng dữ liệu và danh sách việc cần sửa"),
        _("Phiếu chất lượng, việc cần sửa, danh mục dùng chung, quy tắc kiểm tra."),
        ALL,
    ),
    Section(
        "bao-cao",
        _("Báo cáo: chốt số liệu, duyệt, gia hạn, điều chỉnh"),
        _("Kỳ báo cáo, kiểm tra trước khi chốt, chốt số liệu, duyệt, trả lại, gia hạn, đề nghị điều chỉnh."),
        (Role.SCHOOL, Role.MANAGER, Role.SO),
    ),
    Section(
        "thong-ke",
        _("Thống kê và văn bản báo cáo"),
        _("Số liệu chính, biểu đồ, bảng thống kê, tải văn bản Excel/PDF."),
        (Role.SO, Role.MANAGER, Role.SCHOOL),
    ),
    Section(
        "tai-khoan",
        _("Cấp tài khoản, giao chức năng và rà soát quyền"),
        _("Cấp, tạm khóa, đặt lại mật khẩu, bàn giao tài khoản quản trị, rà soát ai được làm gì."),
        (Role.ADMIN, Role.SO),
    ),
    Section(
        "nhat-ky",
        _("Nhật ký hệ thống"),
        _("Tra cứu ai đã làm gì, lúc nào, từ đâu; đọc chi tiết thay đổi."),
        (Role.ADMIN, Role.SO),
    ),
    Section(
        "thong-bao",
        _("Thông báo và nhắc hạn"),
        _("Chuông thông báo, đánh dấu đã đọc, thư điện tử nhắc hạn."),
        ALL,
    ),
    Section(
        "yeu-cau-du-lieu",
        _("Yêu cầu cung cấp dữ liệu của tổ chức, cá nhân bên ngoài"),
        _("Đơn vị quản lý xem xét, Sở đồng ý bằng văn bản, cung cấp dữ liệu có thời hạn."),
        (Role.SO, Role.MANAGER, Role.SCHOOL),
    ),
    Section(
        "xu-ly-khieu-nai",
        _("Xử lý phản ánh, khiếu nại và yêu cầu về dữ liệu cá nhân"),
        _("Nhận, xử lý đúng hạn, chuyển cấp trên; yêu cầu xem, sửa dữ liệu cá nhân."),
        (Role.SCHOOL, Role.MANAGER, Role.SO),
    ),
    Section(
        "su-co",
        _("Báo cáo và xử lý sự cố"),
        _("Báo sự cố kỹ thuật, an toàn thông tin; mức độ, thời hạn 24 giờ/72 giờ, gia hạn."),
        ALL,
    ),
    Section(
        "giam-sat",
        _("Giám sát vận hành và tổ chức thực hiện"),
        _(
            "Mức độ sử dụng, báo cáo tình hình quản lý vận hành, rà soát tài khoản 6 tháng, quy chế nội bộ, tổ triển khai."
        ),
        (Role.SO, Role.MANAGER, Role.ADMIN),
    ),
    Section(
        "api",
        _("Kết nối qua API"),
        _("Lấy mã truy cập, tài liệu OpenAPI, phạm vi dữ liệu của API."),
        (Role.SO, Role.ADMIN),
    ),
    Section(
        "phu-huynh",
        _("Dành cho phụ huynh: phản ánh và yêu cầu về dữ liệu của con"),
        _("Gửi phản ánh, khiếu nại, yêu cầu xem hoặc sửa dữ liệu cá nhân của học sinh; thời hạn trả lời."),
        (Role.PUBLIC,),
        public=True,
    ),
    Section(
        "to-chuc-ben-ngoai",
        _("Dành cho tổ chức, cá nhân bên ngoài: đề nghị cung cấp dữ liệu"),
        _("Gửi đề nghị, các bước xem xét, văn bản đồng ý của Sở, tải dữ liệu trong thời hạn."),
        (Role.PUBLIC,),
        public=True,
    ),
    Section(
        "ho-tro",
        _("Hỗ trợ kỹ thuật và liên hệ"),
        _("Điện thoại, thư điện tử, địa chỉ Hệ thống; Sở cập nhật thông tin hỗ trợ."),
        (*ALL, Role.PUBLIC),
        public=True,
    ),
]

BY_SLUG: dict[str, Section] = {section.slug: section for section in SECTIONS}
RESERVED_SLUGS = frozenset({"public", "support", "screenshots"})


def get(slug: str) -> Section | None:
    return BY_SLUG.get(slug)


def for_role(role: str) -> list[Section]:
    return [section for section in SECTIONS if role in section.roles]


def render_body(section: Section) -> SafeString:
    """The section's HTML (the body only; the page template adds the title, contents and navigation): a template
    of the project rendered without any context, so nothing in it comes from a user."""
    return _render(section.slug, get_language() or settings.LANGUAGE_CODE)


@cache
def _render(slug: str, language: str) -> SafeString:
    rendered = get_template(BY_SLUG[slug].template_name).render({})
    if not isinstance(rendered, SafeString):  # the template engine marks its output safe
        raise TypeError(slug)
    return rendered


@dataclass(frozen=True)
class Heading:
    anchor: str
    title: str


def headings(body: str) -> list[Heading]:
    """The table of contents: every ``<h2 id="…">`` of the body, in order."""
    return [Heading(m["anchor"], html.unescape(_TAG.sub("", m["title"])).strip()) for m in _HEADING.finditer(body)]


def plain_text(body: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())


def screenshots_of(section: Section) -> list[str]:
    """The screenshot file names a section's template references (read from its source)."""
    template: Any = get_template(section.template_name)
    source = Path(template.origin.name).read_text(encoding="utf-8")
    return _SHOT_TAG.findall(source)


@cache
def public_screenshots() -> frozenset[str]:
    """Screenshots shown in public sections: served to anyone; the others need an account."""
    return frozenset(name for section in SECTIONS if section.public for name in screenshots_of(section))


@cache
def referenced_screenshots() -> frozenset[str]:
    """Every screenshot some section shows: the only names the screenshot view serves."""
    return frozenset(name for section in SECTIONS for name in screenshots_of(section))


def screenshot_path(name: str) -> Path | None:
    """The file of a screenshot a section shows, or None (any other name, or a file that is not there)."""
    if not SCREENSHOT_NAME.match(name) or name not in referenced_screenshots():
        return None
    path = SCREENSHOT_DIR / name
    return path if path.is_file() else None


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Hit:
    section: Section
    excerpt: str


def search(query: str, sections: list[Section]) -> list[Hit]:
    """Sections whose title, summary or text hold every word of the query (accents and case ignored), titles
    first, each with an excerpt around the first match in the text."""
    words = _fold(query).split()
    if not words:
        return []
    ranked: list[tuple[int, int, Hit]] = []
    for order, section in enumerate(sections):
        head = _fold(f"{section.title} {section.summary}")
        text = plain_text(render_body(section))
        folded = _fold(text)
        if not all(word in head or word in folded for word in words):
            continue
        at = folded.find(words[0])
        excerpt = ""
        if at >= 0:  # folding keeps the length of Vietnamese text (one combining mark dropped per letter at most)
            start = max(0, at - 80)
            excerpt = ("… " if start else "") + text[start : at + 160].strip() + " …"
        in_title = 0 if all(word in head for word in words) else 1
        ranked.append((in_title, order, Hit(section, excerpt)))
    return [hit for _in_title, _order, hit in sorted(ranked, key=lambda item: item[:2])]
