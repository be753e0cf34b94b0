"""The templates pages (included by edudb/exchange/urls.py under /exchange/, namespace ``exchange``).

A template is addressed by its layout's name (``students``); the URL argument is named ``pk`` like every other
object route, so the scoping contract can address it.
"""

from django.urls import URLPattern, path

from edudb.exchange import views_templates

urlpatterns: list[URLPattern] = [
    path("templates/", views_templates.template_list, name="templates"),
    path("templates/<slug:pk>.xlsx", views_templates.template_download, name="template_download"),
]
