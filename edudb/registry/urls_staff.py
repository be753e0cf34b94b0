"""Pages of the staff database (included by edudb/registry/urls.py under the registry namespace)."""

from django.urls import URLPattern, path

from edudb.registry import views_staff

urlpatterns: list[URLPattern] = [
    path("staff/", views_staff.StaffListView.as_view(), name="staff_list"),
    path("staff/new/", views_staff.StaffCreateView.as_view(), name="staff_create"),
    path("staff/<int:pk>/", views_staff.StaffDetailView.as_view(), name="staff_detail"),
    path("staff/<int:pk>/edit/", views_staff.StaffUpdateView.as_view(), name="staff_edit"),
    path("staff/<int:pk>/code/", views_staff.staff_set_code, name="staff_set_code"),
    path("staff/<int:pk>/personal-id/", views_staff.staff_reveal_id, name="staff_reveal_id"),
]
