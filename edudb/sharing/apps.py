"""Outside data requests and their releases (R8.2; Điều 3.2–3.3, 10.6)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "edudb.sharing"
    verbose_name = "Yêu cầu khai thác dữ liệu"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from edudb.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "sharing.submit": _("Tiếp nhận yêu cầu khai thác dữ liệu"),
                "sharing.take_up": _("Nhận xem xét yêu cầu khai thác dữ liệu"),
                "sharing.forward": _("Chuyển Sở quyết định yêu cầu khai thác dữ liệu"),
                "sharing.approve": _("Sở đồng ý cung cấp dữ liệu"),
                "sharing.refuse": _("Sở không đồng ý cung cấp dữ liệu"),
                "sharing.withdraw": _("Rút yêu cầu khai thác dữ liệu"),
                "sharing.release_built": _("Tạo tệp dữ liệu cung cấp"),
                "sharing.release_retry": _("Tạo lại tệp dữ liệu cung cấp"),
                "sharing.release_purged": _("Xóa tệp dữ liệu cung cấp hết hạn"),
                "sharing.link_issued": _("Cấp liên kết tải dữ liệu cung cấp"),
                "sharing.download": _("Tải dữ liệu cung cấp"),
                "sharing.revoke": _("Thu hồi dữ liệu cung cấp"),
                "sharing.refused": _("Từ chối thao tác về khai thác dữ liệu"),
            }
        )
