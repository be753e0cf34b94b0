"""The notification pages (included under /notifications/, namespace notifications)."""

from django.urls import URLPattern, path

from edudb.reporting import views_notifications as views

app_name = "notifications"
urlpatterns: list[URLPattern] = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
]
