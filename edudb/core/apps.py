from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "edudb.core"
    label = "core"
    verbose_name = _("Đơn vị và nhật ký")
