"""The shape every statistics table takes on its way to a page, an Excel file, a PDF or the API (R7.4–R7.5).

A :class:`Table` is plain data — labels already translated, numbers already summed — so the page, the xlsx writer
and the PDF renderer draw the same figures and none of them queries the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

Number = int | Decimal | None


@dataclass(frozen=True)
class Column:
    """One column of figures; ``group`` spans a header over neighbouring columns ("Khối 6" over "Nam", "Nữ")."""

    key: str
    label: str
    group: str = ""


@dataclass
class Row:
    """One line of a table: a unit, a group of units or a category, with its figures in column order."""

    label: str
    values: list[Number]
    code: str = ""  # the unit's code, or the category's code
    link: str = ""  # where the label drills down to (the next level of the table)
    links: list[str] = field(default_factory=list)  # per value: the records behind the number ("" for none)
    level: int = 0  # indentation, for rows that break a total down
    is_total: bool = False


@dataclass
class Table:
    """A statistics table as people read it: title, where the figures come from, columns, rows and the total."""

    title: str
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    source: str = ""  # "Số liệu trực tiếp, cập nhật lúc …" or "Số liệu đã duyệt — kỳ …"
    scope: str = ""  # the unit (or group of units) the table covers
    row_header: str = "Đơn vị"
    measure: str = ""  # what the numbers count: "học sinh", "lớp", "m²"
    decimals: int = 0  # digits after the decimal comma (ratios use 1 or 2)
    notes: list[str] = field(default_factory=list)

    @property
    def has_groups(self) -> bool:
        return any(column.group for column in self.columns)


@dataclass(frozen=True)
class DocumentHeader:
    """The header and signature block of an official document (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""

    authority: str  # the governing body above the issuer, e.g. "UBND THÀNH PHỐ HẢI PHÒNG" (blank for none)
    issuer: str  # the unit issuing the document, e.g. "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    number: str  # "Số: …/BC-SGDĐT" — left with dots for the clerk to fill in when the document is registered
    place: str  # "Hải Phòng"
    date: dt.date
    signer_title: str  # "GIÁM ĐỐC", "HIỆU TRƯỞNG", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    signer_name: str = ""
    recipients: tuple[str, ...] = ("Như trên;", "Lưu: VT.")


def format_number(value: Number, decimals: int = 0) -> str:
    """A number as Vietnamese documents write it: 1.234.567 and 12,5 (dot for thousands, comma for decimals)."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
