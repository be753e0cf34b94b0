"""Pages of the students database (included by edudb/registry/urls.py under the registry namespace)."""

from django.urls import path

from edudb.registry import views_students as views

urlpatterns = [
    path("students/", views.StudentListView.as_view(), name="student_list"),
    path("students/new/", views.StudentCreateView.as_view(), name="student_create"),
    path("students/<int:pk>/", views.StudentDetailView.as_view(), name="student_detail"),
    path("students/<int:pk>/edit/", views.StudentUpdateView.as_view(), name="student_edit"),
    path("students/<int:pk>/personal-id/", views.StudentRevealIdView.as_view(), name="student_reveal_id"),
    path("students/<int:pk>/ministry-code/", views.StudentSetCodeView.as_view(), name="student_set_code"),
]
