"""Pages of staff awards, discipline and training (included by edudb/registry/urls.py under the registry namespace)."""

from django.urls import URLPattern, path

from edudb.registry import views_staff_records as views

urlpatterns: list[URLPattern] = [
    path("staff/<int:pk>/records/", views.StaffRecordsView.as_view(), name="staff_records"),
    path("staff/<int:pk>/awards/new/", views.StaffAwardCreateView.as_view(), name="staff_award_create"),
    path("staff/<int:pk>/disciplines/new/", views.StaffDisciplineCreateView.as_view(), name="staff_discipline_create"),
    path("staff/<int:pk>/trainings/new/", views.StaffTrainingCreateView.as_view(), name="staff_training_create"),
    path("staff-awards/", views.StaffAwardListView.as_view(), name="staff_award_list"),
    path("staff-awards/<int:pk>/edit/", views.StaffAwardUpdateView.as_view(), name="staff_award_edit"),
    path("staff-awards/<int:pk>/delete/", views.staff_record_delete, {"kind": "award"}, name="staff_award_delete"),
    path("staff-disciplines/<int:pk>/edit/", views.StaffDisciplineUpdateView.as_view(), name="staff_discipline_edit"),
    path(
        "staff-disciplines/<int:pk>/delete/",
        views.staff_record_delete,
        {"kind": "discipline"},
        name="staff_discipline_delete",
    ),
    path("staff-trainings/", views.StaffTrainingListView.as_view(), name="staff_training_list"),
    path("staff-trainings/<int:pk>/edit/", views.StaffTrainingUpdateView.as_view(), name="staff_training_edit"),
    path(
        "staff-trainings/<int:pk>/delete/",
        views.staff_record_delete,
        {"kind": "training"},
        name="staff_training_delete",
    ),
]
