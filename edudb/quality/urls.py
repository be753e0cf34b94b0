"""The data quality pages: code lists, scorecards, work lists, rules (R6)."""

from django.urls import include, path

from edudb.quality import views_normalise

app_name = "quality"

urlpatterns = [
    path("normalise/", views_normalise.preview, name="normalise_preview"),
    path("", include("edudb.quality.urls_scores")),
    path("", include("edudb.quality.urls_codelists")),
]
