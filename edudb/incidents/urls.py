"""The pages of this app (included under /incidents/, namespace incidents)."""

from django.urls import URLPattern, path

from edudb.incidents import views

app_name = "incidents"
urlpatterns: list[URLPattern] = [
    path("", views.incident_list, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/triage/", views.triage, name="triage"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/screenshots/", views.add_screenshots, name="add_screenshots"),
    path("<int:pk>/affected/", views.affected, name="affected"),
    path("<int:pk>/security-report/", views.security_report, name="security_report"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("screenshots/<int:pk>/", views.screenshot, name="screenshot"),
]
