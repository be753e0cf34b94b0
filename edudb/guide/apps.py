"""The in-system user guide and the support contacts (R9.1; Điều 2.2, 7.1)."""

from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "edudb.guide"
    verbose_name = "Hướng dẫn sử dụng"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from edudb.core.models import ACTION_LABELS

        ACTION_LABELS.update({"support.update": _("Cập nhật thông tin hỗ trợ kỹ thuật")})
