from django.urls import path

from edudb.registry import views_movements as views

urlpatterns = [
    path("transfers/destinations/", views.destinations, name="move_destinations"),
    path("students/admit/", views.student_admit, name="move_admit"),
    path("students/<int:pk>/transfer/", views.student_transfer, name="move_student"),
    path("students/<int:pk>/drop-out/", views.student_drop_out, name="move_drop_out"),
    path("students/<int:pk>/return/", views.student_return, name="move_return"),
    path("transfers/students/", views.StudentTransferListView.as_view(), name="move_transfer_list"),
    path("transfers/students/<int:pk>/", views.StudentTransferDetailView.as_view(), name="move_transfer_detail"),
    path("transfers/students/<int:pk>/accept/", views.student_transfer_accept, name="move_transfer_accept"),
    path("transfers/students/<int:pk>/refuse/", views.student_transfer_refuse, name="move_transfer_refuse"),
    path("transfers/students/<int:pk>/cancel/", views.student_transfer_cancel, name="move_transfer_cancel"),
    path("staff/<int:pk>/transfer/", views.staff_transfer, name="move_staff"),
    path("transfers/staff/", views.StaffTransferListView.as_view(), name="move_staff_transfer_list"),
    path("transfers/staff/<int:pk>/", views.StaffTransferDetailView.as_view(), name="move_staff_transfer_detail"),
    path("transfers/staff/<int:pk>/accept/", views.staff_transfer_accept, name="move_staff_transfer_accept"),
    path("transfers/staff/<int:pk>/refuse/", views.staff_transfer_refuse, name="move_staff_transfer_refuse"),
    path("transfers/staff/<int:pk>/cancel/", views.staff_transfer_cancel, name="move_staff_transfer_cancel"),
    path("student-events/", views.StudentEventListView.as_view(), name="move_event_list"),
    path("rollovers/", views.RolloverListView.as_view(), name="move_rollover_list"),
    path("rollovers/new/", views.rollover_new, name="move_rollover_new"),
    path("rollovers/<int:pk>/", views.RolloverDetailView.as_view(), name="move_rollover_detail"),
    path("rollovers/<int:pk>/apply/", views.rollover_apply, name="move_rollover_apply"),
    path("rollovers/<int:pk>/discard/", views.rollover_discard, name="move_rollover_discard"),
]
