from django.urls import path

from edudb.exchange import views_imports

urlpatterns = [
    path("imports/", views_imports.import_list, name="imports"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/commit/", views_imports.import_commit, name="import_commit"),
    path("imports/<int:pk>/recheck/", views_imports.import_recheck, name="import_recheck"),
    path("imports/<int:pk>/discard/", views_imports.import_discard, name="import_discard"),
    path("imports/<int:pk>/report.xlsx", views_imports.import_report, name="import_report"),
]
