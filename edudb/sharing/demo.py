"""Demo outside data requests over the demo city (after ``seed_demo``'s accounts), played through the services so
timelines, audit entries, notifications and the release file are real:

- a researcher's public request to the demo commune (or district office) for learners of the demo primary school,
  taken up and forwarded — waiting for the Sở's decision;
- the city statistics office's paper request to the Sở for the schools database, approved with a written consent
  and released (no personal data);
- a company's request for parents' phone numbers, refused with the reason;
- a new public request to the Sở, not yet taken up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from edudb.core.models import Unit

# A one-page PDF (the scan of the consent letter stands in as an empty page).
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _data(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "requester_email": "",
        "requester_phone": "",
        "school_year": None,
        "period_note": "",
        "file_format": "xlsx",
        "keep_until": timezone.localdate() + dt.timedelta(days=365),
    }
    base.update(values)
    return base


def seed(units: dict[str, Unit] | None = None) -> None:
    from edudb.accounts.models import Account
    from edudb.sharing import services
    from edudb.sharing.models import DataRequest

    if DataRequest.objects.exists():
        return
    accounts: dict[str, Any] = {a.username: a for a in Account.objects.select_related("unit__kind")}
    so = accounts.get("so.admin")
    if so is None:
        return
    today = timezone.localdate()
    try:
        manager = accounts.get("xa.admin") or accounts.get("phong.admin")
        school = accounts.get("th.admin")
        if manager is not None and school is not None:
            research, _code = services.unscoped_file_public(
                data=_data(
                    requester_name="Phạm Minh Châu",
                    requester_organisation="Viện Khoa học Giáo dục Việt Nam",
                    requester_email="chau.pm@vkhgd.example",
                    requester_phone="0912345678",
                    purpose=(
                        "Đề tài nghiên cứu về tỉ lệ học sinh tiểu học học 2 buổi/ngày và học sinh khuyết tật học hòa "
                        "nhập; chỉ dùng số liệu tổng hợp trong báo cáo đề tài."
                    ),
                    legal_basis="Quyết định số 1520/QĐ-BGDĐT giao nhiệm vụ khoa học và công nghệ cấp Bộ năm 2026",
                    wanted_fields=[
                        "students:ma_truong",
                        "students:khoi",
                        "students:gioi_tinh",
                        "students:dan_toc",
                        "students:loai_khuyet_tat",
                        "students:so_dinh_danh_ca_nhan",
                    ],
                    period_note="Học kỳ I",
                ),
                addressed=manager.unit,
                unit_codes=school.unit.code,
            )
            services.take_up(request=research, by=manager)
            services.forward(
                request=research,
                by=manager,
                note=(
                    "Đề nghị Sở đồng ý cung cấp các trường cần cho đề tài; không cung cấp số định danh cá nhân "
                    "(đề tài chỉ cần số liệu tổng hợp)."
                ),
            )

        statistics, _code = services.enter_request(
            by=so,
            data=_data(
                requester_name="Đỗ Thị Thanh Hương",
                requester_organisation="Thống kê thành phố Hải Phòng",
                purpose="Tổng hợp niên giám thống kê năm 2026, mục Giáo dục: số trường theo loại hình và chuẩn quốc gia.",
                legal_basis="Luật Thống kê 2015; Công văn số 412/TK-TH ngày 02/11/2026",
                wanted_fields=[
                    "schools:ma_truong",
                    "schools:ten_truong",
                    "schools:loai_hinh",
                    "schools:loai_truong",
                    "schools:ma_xa_phuong",
                    "schools:chuan_quoc_gia",
                ],
                file_format="xlsx",
            ),
            unit_codes="",
        )
        services.take_up(request=statistics, by=so)
        release = services.approve(
            request=statistics,
            by=so,
            consent=services.Consent(
                document_number="2145/SGDĐT-VP",
                document_date=today - dt.timedelta(days=1),
                signer="Phó Giám đốc Sở Giáo dục và Đào tạo",
                scan=SimpleUploadedFile("2145-SGDDT-VP.pdf", _PDF, content_type="application/pdf"),
                fields=list(statistics.wanted_fields),
                units=list(statistics.wanted_units.all()),
                include_personal_ids=False,
                include_health=False,
                expires_on=today + dt.timedelta(days=30),
                max_downloads=3,
            ),
        )
        services.unscoped_build_release(release)

        company, _code = services.unscoped_file_public(
            data=_data(
                requester_name="Nguyễn Văn Quang",
                requester_organisation="Công ty TNHH Giáo dục Ánh Dương",
                purpose="Gửi thông tin khóa học hè cho phụ huynh học sinh.",
                legal_basis="Không có",
                wanted_fields=["students:ho_va_ten", "students:dien_thoai_cha", "students:dien_thoai_me"],
                file_format="csv",
            ),
            addressed=None,
            unit_codes="",
        )
        services.take_up(request=company, by=so)
        services.refuse(
            request=company,
            by=so,
            reason=(
                "Mục đích quảng cáo, không thuộc trường hợp được cung cấp dữ liệu cá nhân của học sinh (Quy chế CSDL "
                "ngành, Điều 3.2; pháp luật về bảo vệ dữ liệu cá nhân)."
            ),
        )

        services.unscoped_file_public(
            data=_data(
                requester_name="Trần Thu Trang",
                requester_organisation="Trường Đại học Hải Phòng, Khoa Tâm lý – Giáo dục",
                purpose="Luận văn thạc sĩ về quy mô lớp học bậc THCS; chỉ cần sĩ số theo lớp, không cần dữ liệu cá nhân.",
                legal_basis="Quyết định giao đề tài luận văn số 88/QĐ-ĐHHP",
                wanted_fields=["classes:ma_truong", "classes:ten_lop", "classes:khoi_lop", "classes:si_so"],
            ),
            addressed=None,
            unit_codes="",
        )
    except (ValidationError, PermissionDenied):  # a demo shape without these units: leave what was made
        return
