"""The pages of this app (included under /guide/, namespace guide)."""

from django.urls import path

from edudb.guide import views

app_name = "guide"
urlpatterns = [
    path("", views.index, name="index"),
    path("public/", views.public_index, name="public_index"),
    path("public/<slug:slug>/", views.public_section, name="public_section"),
    path("support/edit/", views.support_edit, name="support_edit"),
    path("screenshots/<str:name>", views.screenshot, name="screenshot"),
    path("<slug:slug>/", views.section, name="section"),
]
