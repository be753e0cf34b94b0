"""The pages of this app (included under /sharing/, namespace sharing)."""

from django.urls import URLPattern, path

from edudb.sharing import views, views_public

app_name = "sharing"
urlpatterns: list[URLPattern] = [
    path("", views.RequestListView.as_view(), name="list"),
    path("new/", views.RequestCreateView.as_view(), name="new"),
    path("<int:pk>/", views.RequestDetailView.as_view(), name="detail"),
    path("<int:pk>/take-up/", views.TakeUpView.as_view(), name="take_up"),
    path("<int:pk>/forward/", views.ForwardView.as_view(), name="forward"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("<int:pk>/revoke/", views.RevokeView.as_view(), name="revoke"),
    path("<int:pk>/retry/", views.RetryView.as_view(), name="retry"),
    path("<int:pk>/consent/", views.ConsentScanView.as_view(), name="consent_scan"),
    # Public pages (no account).
    path("request/", views_public.PublicRequestView.as_view(), name="public_request"),
    path("request/done/", views_public.PublicDoneView.as_view(), name="public_done"),
    path("status/", views_public.PublicStatusView.as_view(), name="public_status"),
    path("release/<str:token>/", views_public.ReleaseDownloadView.as_view(), name="release_download"),
]
