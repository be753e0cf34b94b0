"""The /api/v1/ routes: every viewset here derives from the scoped base viewsets."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from edudb.accounts.api import AccountViewSet, me, obtain_token
from edudb.core.api import UnitViewSet
from edudb.feedback import api as api_feedback
from edudb.incidents import api as api_incidents
from edudb.quality import api_codelists, api_scores
from edudb.registry import (
    api_classes,
    api_equipment,
    api_facilities,
    api_movements,
    api_results,
    api_staff,
    api_staff_records,
    api_students,
)
from edudb.registry.api import SchoolViewSet, SiteViewSet
from edudb.reporting import api as api_reporting
from edudb.sharing import api as api_sharing
from edudb.stats import api as api_stats

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("accounts", AccountViewSet, basename="account")
router.register("schools", SchoolViewSet, basename="school")
router.register("sites", SiteViewSet, basename="site")
for part in (
    api_classes,
    api_staff,
    api_students,
    api_facilities,
    api_results,
    api_staff_records,
    api_equipment,
    api_movements,
    api_codelists,
    api_scores,
    api_reporting,
    api_stats,
    api_feedback,
    api_incidents,
    api_sharing,
):
    part.register(router)

urlpatterns = [
    path("auth/token/", obtain_token, name="token"),
    path("me/", me, name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
