"""The Excel exchange pages: templates, imports, exports (R5)."""

from django.urls import include, path

app_name = "exchange"

urlpatterns = [
    path("", include("edudb.exchange.urls_imports")),
    path("", include("edudb.exchange.urls_templates")),
    path("", include("edudb.exchange.urls_exports")),
]
