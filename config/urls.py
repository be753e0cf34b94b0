from django.urls import include, path

urlpatterns = [
    path("", include("edudb.core.urls")),
    path("accounts/", include("edudb.accounts.urls")),
    path("", include("edudb.registry.urls")),
    path("quality/", include("edudb.quality.urls")),
    path("exchange/", include("edudb.exchange.urls")),
    path("reporting/", include("edudb.reporting.urls")),
    path("stats/", include("edudb.stats.urls")),
    path("sharing/", include("edudb.sharing.urls")),
    path("feedback/", include("edudb.feedback.urls")),
    path("incidents/", include("edudb.incidents.urls")),
    path("guide/", include("edudb.guide.urls")),
    path("oversight/", include("edudb.oversight.urls")),
    path("notifications/", include("edudb.reporting.urls_notifications")),
    path("api/v1/", include((("config.api"), "api"), namespace="api")),
    path("i18n/", include("django.conf.urls.i18n")),
]
