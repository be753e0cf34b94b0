"""Pages of the classes database (included by edudb/registry/urls.py under the registry namespace)."""

from django.urls import URLPattern, path

from edudb.registry import views_classes as views

urlpatterns: list[URLPattern] = [
    path("classes/", views.ClassListView.as_view(), name="class_list"),
    path("classes/new/", views.ClassCreateView.as_view(), name="class_create"),
    path("classes/<int:pk>/", views.ClassDetailView.as_view(), name="class_detail"),
    path("classes/<int:pk>/edit/", views.ClassUpdateView.as_view(), name="class_edit"),
]
