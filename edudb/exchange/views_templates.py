"""The templates page (mẫu nhập liệu): one downloadable Excel template per layout.

Templates hold no records. The one thing in them that depends on the account — the class dropdown of a school's
students template — is read through the scoping door (``SchoolClass.objects.visible_to``) in
:mod:`edudb.exchange.templates_xlsx`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from edudb.exchange import templates_xlsx
from edudb.exchange.layouts import LAYOUTS, Layout


@dataclass(frozen=True)
class TemplateRow:
    """One template as the page lists it."""

    layout: Layout
    title: str
    description: str
    columns: int
    required: list[str]
    filename: str
    url: str


def _rows() -> list[TemplateRow]:
    return [
        TemplateRow(
            layout=layout,
            title=str(layout.title),
            description=templates_xlsx.description(layout),
            columns=len(layout.columns),
            required=[str(column.header) for column in layout.required],
            filename=templates_xlsx.filename_for(layout),
            url=reverse("exchange:template_download", kwargs={"pk": layout.name}),
        )
        for layout in LAYOUTS.values()
    ]


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    """Every template with its column count, required columns and a download link."""
    return render(request, "exchange/template_list.html", {"rows": _rows()})


@login_required
@require_GET
def template_download(request: HttpRequest, pk: str) -> HttpResponse:
    """One layout's template as an .xlsx attachment. The URL's ``pk`` is the layout's name ("students")."""
    layout = templates_xlsx.layout_or_none(pk)
    if layout is None:
        raise Http404(_("Không có mẫu nhập liệu này."))
    content = templates_xlsx.build_template(layout, user=request.user)
    response = HttpResponse(content, content_type=templates_xlsx.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, templates_xlsx.filename_for(layout))
    response["Cache-Control"] = "private, no-store"  # a school's template lists its classes
    return response
