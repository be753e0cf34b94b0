"""Pages of the code lists (included by edudb/quality/urls.py under /quality/, namespace ``quality``).

A list is addressed by its code (``dan_toc``); the URL argument is named ``pk`` like every other object route, so
the scoping contract can address it. ``all.xlsx`` is every list in one workbook.
"""

from django.urls import URLPattern, path

from edudb.quality import views_codelists

urlpatterns: list[URLPattern] = [
    path("codelists/", views_codelists.codelist_list, name="codelist_list"),
    path("codelists/items/<int:pk>/edit/", views_codelists.codelist_item_edit, name="codelist_item_edit"),
    path("codelists/items/<int:pk>/delete/", views_codelists.codelist_item_delete, name="codelist_item_delete"),
    path("codelists/<slug:pk>.xlsx", views_codelists.codelist_xlsx, name="codelist_xlsx"),
    path("codelists/<slug:pk>/", views_codelists.codelist_detail, name="codelist_detail"),
    path("codelists/<slug:pk>/add/", views_codelists.codelist_item_add, name="codelist_item_add"),
]
