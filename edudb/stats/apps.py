from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "edudb.stats"
    verbose_name = "Thống kê"
    default_auto_field = "django.db.models.BigAutoField"
