"""Oversight of adoption, the management report, account reviews and the organisational records (R9.3–R9.4; Điều 6.5, 8.2–8.3, 11, 12.1)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "edudb.oversight"
    verbose_name = "Giám sát, tổ chức thực hiện"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from edudb.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "oversight.terms.publish": _("Ban hành nội dung cam kết trách nhiệm"),
                "oversight.review.open": _("Mở rà soát tài khoản định kỳ"),
                "oversight.review.confirm": _("Thủ trưởng xác nhận kết quả rà soát tài khoản"),
                "oversight.charter.update": _("Cập nhật hồ sơ tổ chức thực hiện"),
                "oversight.member.add": _("Thêm thành viên ban triển khai"),
                "oversight.member.update": _("Sửa thành viên ban triển khai"),
                "oversight.member.delete": _("Xóa thành viên ban triển khai"),
                "oversight.report": _("Tải báo cáo tình hình quản lý, vận hành hệ thống"),
                "oversight.adoption.export": _("Xuất bảng tình hình triển khai theo đơn vị"),
            }
        )
