"""Incident reports to the Sở (R9.2; Điều 7.2)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "edudb.incidents"
    label = "incidents"
    verbose_name = _("Sự cố kỹ thuật")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from edudb.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "incidents.report": _("Báo cáo sự cố kỹ thuật"),
                "incidents.triage": _("Tiếp nhận, phân công xử lý sự cố"),
                "incidents.start": _("Bắt đầu xử lý sự cố"),
                "incidents.resolve": _("Khắc phục sự cố"),
                "incidents.close": _("Đóng sự cố"),
                "incidents.reopen": _("Mở lại sự cố"),
                "incidents.comment": _("Trao đổi về sự cố"),
                "incidents.screenshot": _("Thêm ảnh chụp màn hình sự cố"),
                "incidents.affected": _("Thêm đơn vị bị ảnh hưởng bởi sự cố"),
                "incidents.security_report": _("Ghi nhận báo cáo sự cố an toàn thông tin"),
                "incidents.extend": _("Gia hạn báo cáo do sự cố"),
                "incidents.screenshot_view": _("Xem ảnh chụp màn hình sự cố"),
            }
        )
