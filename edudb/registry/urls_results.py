"""Pages of learning results and health (included by edudb/registry/urls.py under the registry namespace)."""

from django.urls import URLPattern, path

from edudb.registry import views_results as views

urlpatterns: list[URLPattern] = [
    path("classes/<int:pk>/results/", views.ClassResultsView.as_view(), name="class_results"),
    path("classes/<int:pk>/health/", views.ClassHealthView.as_view(), name="class_health"),
    path("students/<int:pk>/results/", views.StudentResultsView.as_view(), name="student_results"),
    path("student-results/<int:pk>/", views.ResultHistoryView.as_view(), name="student_result_history"),
    path("student-health/<int:pk>/", views.HealthHistoryView.as_view(), name="student_health_history"),
]
