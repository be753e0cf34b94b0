from django.urls import path

from edudb.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.UnitTreeView.as_view(), name="unit_tree"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", views.AuditDetailView.as_view(), name="audit_detail"),
]
