"""The quality scorecards, work lists and the Sở's quality settings (included under /quality/, namespace quality)."""

from django.urls import URLPattern, path

from edudb.quality import views_scores

urlpatterns: list[URLPattern] = [
    path("", views_scores.home, name="home"),
    path("units/<int:pk>/", views_scores.scorecard, name="scorecard"),
    path("units/<int:pk>/measure/", views_scores.measure, name="measure"),
    path("units/<int:pk>/work/", views_scores.worklist, name="worklist"),
    path("units/<int:pk>/confirm/", views_scores.confirm, name="confirm"),
    path("units/<int:pk>/standardise/", views_scores.standardise, name="standardise"),
    path("rules/", views_scores.settings_page, name="settings"),
]
