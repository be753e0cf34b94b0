from django.urls import include, path

from edudb.registry import views

app_name = "registry"
urlpatterns = [
    path("schools/", views.SchoolListView.as_view(), name="school_list"),
    path("schools/new/", views.SchoolCreateView.as_view(), name="school_create"),
    path("schools/<int:pk>/", views.SchoolDetailView.as_view(), name="school_detail"),
    path("schools/<int:pk>/edit/", views.SchoolUpdateView.as_view(), name="school_edit"),
    path("sites/new/", views.SiteCreateView.as_view(), name="site_create"),
    path("sites/<int:pk>/", views.SiteDetailView.as_view(), name="site_detail"),
    path("sites/<int:pk>/edit/", views.SiteUpdateView.as_view(), name="site_edit"),
    path("", include("edudb.registry.urls_classes")),
    path("", include("edudb.registry.urls_staff")),
    path("", include("edudb.registry.urls_students")),
    path("", include("edudb.registry.urls_facilities")),
    path("", include("edudb.registry.urls_results")),
    path("", include("edudb.registry.urls_staff_records")),
    path("", include("edudb.registry.urls_equipment")),
    path("", include("edudb.registry.urls_movements")),
]
