"""Pages of the staff database (included by edudb/registry/urls.py under the registry namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
