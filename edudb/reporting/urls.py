"""The reporting cycle's pages (included under /reporting/, namespace reporting)."""

from django.urls import URLPattern, path

from edudb.reporting import views

app_name = "reporting"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("reviews/", views.reviews, name="reviews"),
    path("periods/new/", views.period_new, name="period_new"),
    path("periods/<int:pk>/", views.period, name="period"),
    path("periods/<int:pk>/edit/", views.period_edit, name="period_edit"),
    path("periods/<int:pk>/close/", views.period_close, name="period_close"),
    path("periods/<int:pk>/board/", views.board, name="board"),
    path("periods/<int:period>/units/<int:pk>/", views.report, name="report"),
    path("periods/<int:period>/units/<int:pk>/check/", views.precheck, name="precheck"),
    path("periods/<int:period>/units/<int:pk>/submit/", views.submit, name="submit"),
    path("periods/<int:period>/units/<int:pk>/extend/", views.extend, name="extend"),
    path("periods/<int:period>/units/<int:pk>/correction/", views.correction, name="correction"),
    path("corrections/<int:pk>/decide/", views.decide_correction, name="decide_correction"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("submissions/<int:pk>/approve/", views.approve, name="approve"),
    path("submissions/<int:pk>/return/", views.return_submission, name="return"),
]
