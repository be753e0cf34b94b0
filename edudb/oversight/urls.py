"""The pages of this app (included under /oversight/, namespace oversight)."""

from django.urls import URLPattern, path

from edudb.oversight import views

app_name = "oversight"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("units/<int:pk>/adoption.xlsx", views.adoption_xlsx, name="adoption_xlsx"),
    path("report/", views.report_page, name="report"),
    path("units/<int:pk>/report/", views.report_file, name="report_file"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/confirm/", views.review_confirm, name="review_confirm"),
    path("units/<int:pk>/", views.unit_records, name="unit"),
    path("units/<int:pk>/rules.pdf", views.rules_file, name="rules_file"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/delete/", views.member_delete, name="member_delete"),
    path("contacts/", views.contacts, name="contacts"),
    path("units/<int:pk>/security/", views.security, name="security"),
    path("terms/", views.terms, name="terms"),
]
