"""Shared makers of the sharing tests: requests through the services, consents, scans, data to release."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from itertools import count
from typing import Any

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from edudb.core import public
from edudb.quality.models import items_of
from edudb.registry.models import Student
from edudb.sharing import services
from edudb.sharing.models import DataRequest, Release

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
NAME_FIELDS = ["students:ma_truong", "students:ho_va_ten", "students:ngay_sinh", "students:so_dinh_danh_ca_nhan"]
ALL_STUDENT = [*NAME_FIELDS, "students:loai_khuyet_tat"]

_codes = count(1)


def scan(content: bytes = PDF, name: str = "dong-y.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def request_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "requester_name": "Phạm Minh Châu",
        "requester_organisation": "Viện Khoa học Giáo dục Việt Nam",
        "requester_email": "chau@vkhgd.example",
        "requester_phone": "0912345678",
        "purpose": "Nghiên cứu tỉ lệ học sinh tiểu học theo giới tính",
        "legal_basis": "Quyết định giao đề tài số 123/QĐ-VKHGD",
        "wanted_fields": list(ALL_STUDENT),
        "school_year": None,
        "period_note": "",
        "file_format": "xlsx",
        "keep_until": timezone.localdate() + dt.timedelta(days=365),
    }
    data.update(overrides)
    return data


def paper_request(by: Any, unit_codes: str = "", **overrides: Any) -> tuple[DataRequest, str]:
    return services.enter_request(by=by, data=request_data(**overrides), unit_codes=unit_codes)


def public_request(addressed: Any = None, unit_codes: str = "", **overrides: Any) -> tuple[DataRequest, str]:
    return services.unscoped_file_public(data=request_data(**overrides), addressed=addressed, unit_codes=unit_codes)


def consent(request: DataRequest, **overrides: Any) -> services.Consent:
    values: dict[str, Any] = {
        "document_number": "125/SGDĐT-VP",
        "document_date": timezone.localdate(),
        "signer": "Nguyễn Văn Hải, Phó Giám đốc",
        "scan": scan(),
        "fields": list(request.wanted_fields),
        "units": list(request.wanted_units.all()),
        "include_personal_ids": False,
        "include_health": False,
        "expires_on": timezone.localdate() + dt.timedelta(days=30),
        "max_downloads": 3,
    }
    values.update(overrides)
    return services.Consent(**values)


def to_decision(request: DataRequest, cast: Any) -> DataRequest:
    """Take up and (below the Sở) forward a request, as its unit in charge."""
    handler = cast.accounts.get(f"{_name_of(cast, request.unit)}_admin") or cast.so_admin
    services.take_up(request=request, by=handler)
    if request.unit.parent_id is not None:
        services.forward(request=request, by=handler, note="Đề nghị Sở xem xét đồng ý")
    request.refresh_from_db()
    return request


def approved(cast: Any, request: DataRequest, **overrides: Any) -> Release:
    to_decision(request, cast)
    release = services.approve(request=request, by=cast.so_admin, consent=consent(request, **overrides))
    release.refresh_from_db()
    return release


def _name_of(cast: Any, unit: Any) -> str:
    return str(next(name for name, u in cast.units.items() if u.pk == unit.pk))


def make_student(unit: Any, full_name: str = "Nguyễn Thị Hoà", **fields: Any) -> Student:
    number = next(_codes)
    values: dict[str, Any] = {
        "full_name": full_name,
        "birth_date": dt.date(2018, 5, 25),
        "gender": items_of("gioi_tinh").get(code="2"),
        "status": items_of("trang_thai_hoc_sinh").get(code="01"),
        "ministry_code": f"31{number:08d}",
        **fields,
    }
    return Student.objects.create(unit=unit, **values)


def solved(token: str) -> str:
    data = signing.loads(token, salt=public._SALT)
    for answer in range(0, 19):
        if hashlib.sha256(f"{data['n']}:{answer}".encode()).hexdigest() == data["d"]:
            return str(answer)
    raise AssertionError("no answer")


def aged(token: str, seconds: float = 30) -> str:
    data = signing.loads(token, salt=public._SALT)
    data["t"] = time.time() - seconds
    return signing.dumps(data, salt=public._SALT)


def public_post(**overrides: Any) -> dict[str, Any]:
    """A filled public form, challenge answered as a person would, shown half a minute ago."""
    from edudb.sharing.forms import PublicRequestForm

    token = aged(PublicRequestForm().fresh_token)
    data = request_data()
    post: dict[str, Any] = {
        **{k: v for k, v in data.items() if k not in ("school_year", "keep_until", "wanted_fields")},
        "keep_until": data["keep_until"].isoformat(),
        "wanted_fields": data["wanted_fields"],
        "unit_codes": "",
        "unit": "",
        "challenge_token": token,
        "challenge_answer": solved(token),
        "website": "",
    }
    post.update(overrides)
    return post
