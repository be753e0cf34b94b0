"""Exports of the lists: the file of a list (at once, or in the background), the account's export jobs, a download."""

from django.urls import path

from edudb.exchange import views_exports as views

urlpatterns = [
    path("export/<slug:pk>/", views.export, name="export"),  # pk: the list's source name ("students", "staff", …)
    path("exports/", views.ExportJobListView.as_view(), name="exports"),
    path("exports/<int:pk>/download/", views.download, name="export_download"),
]
