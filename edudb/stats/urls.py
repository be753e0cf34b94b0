"""The statistics pages (included under /stats/, namespace stats)."""

from django.urls import URLPattern, path

from edudb.stats import views

app_name = "stats"
urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("units/<int:pk>/", views.unit_dashboard, name="unit"),
    path("units/<int:pk>/table/", views.table, name="table"),
    path("units/<int:pk>/document/", views.document, name="document"),
    path("units/<int:pk>/refresh/", views.refresh, name="refresh"),
    path("documents/<int:pk>/", views.document_status, name="document_status"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
]
