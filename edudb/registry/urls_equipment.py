"""Pages of the equipment checklist (included by edudb/registry/urls.py under the registry namespace)."""

from django.urls import URLPattern, path

from edudb.registry import views_equipment as views

urlpatterns: list[URLPattern] = [
    path("equipment/", views.EquipmentListView.as_view(), name="equipment_list"),
    path("equipment/<int:pk>/", views.equipment_checklist, name="equipment_checklist"),
]
