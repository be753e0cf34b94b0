"""The named demo accounts (tài khoản dùng thử): who they are, their TOTP secrets, and the table that lists them."""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass

from edudb.core.demo import places
from edudb.core.scoping import Function

DEMO_PASSWORD = "HaiPhong@2026"  # noqa: S105 -- published on purpose: demo data only (seed_demo refuses production)
SHAPES = ("2025", "2022")


@dataclass(frozen=True)
class DemoAccount:
    """One named demo account; ``target`` says which unit it belongs to (resolved by ``build``)."""

    username: str
    kind: str  # "admin" or "user"
    target: str  # "department", "office:<suffix>", "manager", "school:<kind>", "thpt"
    full_name: str = ""  # empty: the unit's head (an admin account is held by the head of the unit)
    position: str = ""  # empty: the head's title
    functions: tuple[str, ...] = ()
    shapes: tuple[str, ...] = SHAPES


_MANAGER_USER = (Function.VIEW, Function.REVIEW, Function.APPROVE, Function.EXPORT)

DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("so.admin", "admin", "department"),
    DemoAccount(
        "so.tieuhoc",
        "user",
        "office:TH",
        "Lê Thị Thu Hà",
        "Chuyên viên Phòng Giáo dục Tiểu học",
        (Function.VIEW, Function.REVIEW, Function.EXPORT),
    ),
    DemoAccount(
        "so.trunghoc",
        "user",
        "office:TRH",
        "Vũ Đức Mạnh",
        "Phó Trưởng phòng Giáo dục Trung học",
        (Function.VIEW, Function.REVIEW, Function.EXPORT),
    ),
    DemoAccount(
        "so.tccb",
        "user",
        "office:TCCB",
        "Nguyễn Thị Hương Giang",
        "Chuyên viên Phòng Tổ chức cán bộ",
        (Function.VIEW, Function.ENTER_STAFF, Function.EXPORT),
    ),
    DemoAccount("so.vanphong", "user", "office:VP", "Trần Minh Tuấn", "Chuyên viên Văn phòng Sở", (Function.VIEW,)),
    DemoAccount("xa.admin", "admin", "manager", shapes=("2025",)),
    DemoAccount(
        "xa.chuyenvien",
        "user",
        "manager",
        "Phạm Thị Lan Anh",
        "Chuyên viên Phòng Văn hóa – Xã hội",
        _MANAGER_USER,
        shapes=("2025",),
    ),
    DemoAccount("phong.admin", "admin", "manager", shapes=("2022",)),
    DemoAccount(
        "phong.chuyenvien",
        "user",
        "manager",
        "Phạm Thị Lan Anh",
        "Chuyên viên Phòng Giáo dục và Đào tạo",
        _MANAGER_USER,
        shapes=("2022",),
    ),
    DemoAccount("th.admin", "admin", "school:tieu_hoc"),
    DemoAccount(
        "th.giaovien",
        "user",
        "school:tieu_hoc",
        "Hoàng Thị Ngọc Mai",
        "Giáo viên chủ nhiệm",
        (Function.VIEW, Function.ENTER_STUDENTS),
    ),
    DemoAccount("mn.admin", "admin", "school:mam_non"),
    DemoAccount("thpt.admin", "admin", "thpt"),
    DemoAccount(
        "thpt.giaovu",
        "user",
        "thpt",
        "Bùi Văn Long",
        "Cán bộ phụ trách giáo vụ",
        (Function.VIEW, Function.ENTER_STUDENTS, Function.ENTER_STAFF, Function.SUBMIT),
    ),
]
DEMO_USERNAMES = [a.username for a in DEMO_ACCOUNTS]


def accounts_for(shape: str) -> list[DemoAccount]:
    return [a for a in DEMO_ACCOUNTS if shape in a.shapes]


def totp_key(username: str) -> bytes:
    """The fixed 20-byte TOTP secret of a named demo admin, so the demo table never goes stale."""
    return hashlib.sha1(b"edudb-demo:" + username.encode(), usedforsecurity=False).digest()


def base32_secret(key: bytes) -> str:
    """The secret as authenticator apps take it (base32, no padding)."""
    return base64.b32encode(key).decode().rstrip("=")


def current_code(key: bytes, *, step: int = 30, t0: int = 0, digits: int = 6, drift: int = 0) -> tuple[str, int]:
    """The 6-digit code valid now and the seconds it stays valid."""
    from django_otp.oath import totp

    now = int(time.time())
    code = totp(key, step=step, t0=t0, digits=digits, drift=drift)
    return f"{code:0{digits}d}", step - (now - t0) % step


# --- the table -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the demo-account table, as read back from the database."""

    username: str
    kind: str
    unit: str
    full_name: str
    position: str
    functions: tuple[str, ...]
    secret: str = ""
    code: str = ""
    seconds_left: int = 0

    @property
    def kind_label(self) -> str:
        return "quản trị (admin)" if self.kind == "admin" else "khai thác (user)"

    @property
    def functions_label(self) -> str:
        return "tất cả (all)" if self.kind == "admin" else ", ".join(self.functions)


def rows_from_db() -> list[Row]:
    """The named demo accounts that exist, in the order of ``DEMO_ACCOUNTS``, with their TOTP devices."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from edudb.accounts.models import Account

    accounts = {
        a.username: a
        for a in Account.objects.filter(username__in=DEMO_USERNAMES)
        .select_related("unit")
        .prefetch_related("functions")
    }
    devices = {d.user_id: d for d in TOTPDevice.objects.filter(user__in=accounts.values(), confirmed=True)}
    rows = []
    for username in DEMO_USERNAMES:
        account = accounts.get(username)
        if account is None:
            continue
        order = {code: i for i, code in enumerate(Function.values)}
        functions = tuple(sorted((f.function for f in account.functions.all()), key=lambda c: order.get(c, 99)))
        device = devices.get(account.pk)
        secret = code = ""
        seconds = 0
        if device is not None:
            secret = base32_secret(device.bin_key)
            code, seconds = current_code(
                device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
            )
        rows.append(
            Row(
                username=username,
                kind=account.kind,
                unit=account.unit.name,
                full_name=account.full_name,
                position=account.position,
                functions=functions,
                secret=secret,
                code=code,
                seconds_left=seconds,
            )
        )
    return rows


def _table(header: list[str], lines: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]

    def fmt(cells: list[str]) -> str:
        return (indent + "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))).rstrip()

    return [fmt(header), indent + "  ".join("─" * w for w in widths), *(fmt(line) for line in lines)]


def render_text(rows: list[Row]) -> str:
    """The table a newcomer reads in the terminal after ``seed_demo`` or ``demo_accounts``."""
    if not rows:
        return (
            "Chưa có tài khoản dùng thử — hãy chạy: manage.py seed_demo\n"
            "(No demo accounts yet — run: manage.py seed_demo)\n"
        )
    out = [f"Tài khoản dùng thử (demo accounts) — mật khẩu chung (password for all): {DEMO_PASSWORD}", ""]
    out += _table(
        [
            "Tên đăng nhập (username)",
            "Loại (kind)",
            "Đơn vị (unit)",
            "Họ tên – chức vụ (name – position)",
            "Chức năng (functions)",
        ],
        [[r.username, r.kind_label, r.unit, f"{r.full_name} – {r.position}", r.functions_label] for r in rows],
    )
    admins = [r for r in rows if r.secret]
    if admins:
        out += [
            "",
            "Tài khoản quản trị đăng nhập bằng mật khẩu và mã xác thực hai bước (admin accounts need a TOTP code):",
            "thêm khóa bí mật vào ứng dụng xác thực như Google Authenticator (add the secret to an authenticator app).",
            "",
        ]
        out += _table(
            ["Tên đăng nhập (username)", "Khóa bí mật (TOTP secret, base32)", "Mã hiện tại (current code)"],
            [
                [r.username, r.secret, f"{r.code}  (còn {r.seconds_left} giây / {r.seconds_left} s left)"]
                for r in admins
            ],
        )
    out += [
        "",
        "Mỗi đơn vị khác có tài khoản quản trị admin.<mã đơn vị> (ví dụ admin.31000123), cùng mật khẩu trên; lần đầu",
        "đăng nhập phải đổi mật khẩu và đăng ký xác thực hai bước. (Every other unit has an admin account",
        "admin.<unit code>, same password; it must change the password and enrol TOTP at first sign-in.)",
    ]
    return "\n".join(out) + "\n"


def render_markdown(rows: list[Row]) -> str:
    """``docs/demo-accounts.md``: the same list, for the README (no current codes: they change every 30 s)."""
    lines = [
        "# Tài khoản dùng thử (demo accounts)",
        "",
        "`make run` tạo dữ liệu mẫu (`manage.py seed_demo`): Sở Giáo dục và Đào tạo Hải Phòng, các phòng chuyên môn,",
        "114 UBND xã/phường/đặc khu thật (mã GSO) và khoảng 1.650 cơ sở giáo dục (tên, hiệu trưởng, địa chỉ là dữ liệu",
        "giả). `manage.py demo_accounts` in lại bảng dưới đây kèm mã xác thực hiện tại.",
        "",
        "`make run` seeds demo data (`manage.py seed_demo`): the Hải Phòng Department of Education and Training, its",
        "offices, the 114 real communes (GSO codes) and about 1,650 institutions (names, principals and addresses are",
        "made up). `manage.py demo_accounts` prints this table again with the current TOTP codes.",
        "",
        f"**Mật khẩu chung (password for all): `{DEMO_PASSWORD}`** — chỉ dùng để thử, không bao giờ trên hệ thống thật",
        "(for trying the system only, never on a real installation).",
        "",
        "| Tên đăng nhập (username) | Loại (kind) | Đơn vị (unit) | Họ tên – chức vụ (name – position) | Chức năng (functions) |",
        "|---|---|---|---|---|",
    ]
    labels = {code: str(label) for code, label in Function.choices}
    for r in rows:
        functions = (
            "tất cả (all)" if r.kind == "admin" else "<br>".join(f"`{f}` {labels.get(f, '')}" for f in r.functions)
        )
        lines.append(f"| `{r.username}` | {r.kind_label} | {r.unit} | {r.full_name} – {r.position} | {functions} |")
    lines += [
        "",
        "## Xác thực hai bước (two-factor authentication)",
        "",
        "Tài khoản quản trị cần mã 6 chữ số từ ứng dụng xác thực (Google Authenticator, Microsoft Authenticator,",
        "FreeOTP…). Thêm khóa bí mật dưới đây vào ứng dụng (chọn “nhập khóa thiết lập”, loại theo thời gian).",
        "Admin accounts need a 6-digit code from an authenticator app: add the secret below (“enter a setup key”,",
        "time-based).",
        "",
        "| Tên đăng nhập (username) | Khóa bí mật (TOTP secret, base32) |",
        "|---|---|",
        *(f"| `{r.username}` | `{r.secret}` |" for r in rows if r.secret),
        "",
        "## Các đơn vị khác (all other units)",
        "",
        "Mỗi đơn vị (trừ phòng chuyên môn của Sở) có một tài khoản quản trị `admin.<mã đơn vị>` — ví dụ `admin.10507`",
        "(UBND Phường Thành Đông), `admin.31000001` — cùng mật khẩu trên; lần đầu đăng nhập phải đổi mật khẩu và đăng ký",
        "xác thực hai bước. Every unit except the Sở's offices has one admin account `admin.<unit code>` with the same",
        "password; it must change the password and enrol two-factor authentication at first sign-in.",
        "",
        "## Mô hình năm 2022 (the regulation's 2022 shape)",
        "",
        "`manage.py seed_demo --shape 2022` dựng mô hình theo quy chế năm 2022: Sở → 15 Phòng GD&ĐT quận/huyện →",
        "trường (chỉ Hải Phòng cũ, khoảng 820 cơ sở). Khi đó `xa.admin`/`xa.chuyenvien` được thay bằng",
        f"`phong.admin`/`phong.chuyenvien` của {next(d.office_name for d in places.DISTRICTS if str(d.code) == places.DEMO_DISTRICT_CODE)};",
        "các tài khoản trường học giữ nguyên trường. With `--shape 2022` the commune accounts are replaced by",
        "`phong.admin`/`phong.chuyenvien` of the district office; the school accounts keep the same schools.",
        "",
        f"Khóa bí mật TOTP của `phong.admin` (its TOTP secret): `{base32_secret(totp_key('phong.admin'))}`.",
        "",
    ]
    return "\n".join(lines)
