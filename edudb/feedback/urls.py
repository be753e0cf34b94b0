"""The pages of this app (included under /feedback/, namespace feedback)."""

from django.urls import URLPattern, path

from edudb.feedback import views

app_name = "feedback"
urlpatterns: list[URLPattern] = [
    path("", views.mine, name="mine"),
    path("handling/", views.handling, name="handling"),
    path("new/<str:subject>/<int:pk>/", views.file, name="file"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("public/", views.public_file, name="public_file"),
    path("public/status/", views.public_status, name="public_status"),
]
