"""Pages of the code lists (danh mục): every signed-in account reads them; the Sở adds and edits values.

Code lists are reference data with no unit scope, read through the ``unscoped_…`` helpers of ``codelists``. The
editing pages answer "not found" to anyone but the Sở (``policy.maintains_reference_data``), as out-of-scope
pages do everywhere else.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edudb.core.views_base import htmx_target
from edudb.quality import codelists
from edudb.quality.forms_codelists import CodeItemForm, CodeItemSearchForm, CodeListSearchForm
from edudb.quality.models import CodeItem, CodeList
from edudb.quality.policy import maintains_reference_data

PAGE_SIZE = 50
ALL_LISTS = "all"  # /quality/codelists/all.xlsx: every list in one workbook


def _search(form: Any) -> str:
    return form.cleaned_data["q"] if form.is_valid() else ""


def _list_or_404(code: str) -> CodeList:
    code_list = codelists.unscoped_code_list(code)
    if code_list is None:
        raise Http404(_("Không có danh mục này."))
    return code_list


def _item_or_404(pk: int) -> CodeItem:
    item = codelists.unscoped_item(pk)
    if item is None:
        raise Http404(_("Không có giá trị danh mục này."))
    return item


def _maintainer_or_404(request: HttpRequest) -> None:
    """Editing pages do not exist for anyone but the Sở."""
    if not maintains_reference_data(request.user):
        raise Http404(_("Không có trang này."))


@login_required
@require_GET
def codelist_list(request: HttpRequest) -> HttpResponse:
    """Every code list: name, code, number of values in use, basis; searchable without diacritics."""
    form = CodeListSearchForm(request.GET or None)
    page = Paginator(codelists.unscoped_code_lists(_search(form)), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "paginator": page.paginator,
        "object_list": page.object_list,
        "can_maintain": maintains_reference_data(request.user),
    }
    if htmx_target(request) == "codelist-results":
        return render(request, "quality/codelist_list.html#results", context)
    return render(request, "quality/codelist_list.html", context)


@login_required
@require_GET
def codelist_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """One list's values (in use first), searchable; the Sở also sees which are used by records, and edit links.
    The URL's ``pk`` is the list's code (dan_toc)."""
    code_list = _list_or_404(pk)
    can_maintain = maintains_reference_data(request.user)
    form = CodeItemSearchForm(request.GET or None)
    items = codelists.unscoped_items_of_list(code_list, q=_search(form), with_usage=can_maintain)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "code_list": code_list,
        "form": form,
        "page_obj": page,
        "paginator": page.paginator,
        "object_list": page.object_list,
        "can_maintain": can_maintain,
    }
    if htmx_target(request) == "codeitem-results":
        return render(request, "quality/codelist_detail.html#results", context)
    return render(request, "quality/codelist_detail.html", context)


@login_required
@require_GET
def codelist_xlsx(request: HttpRequest, pk: str) -> HttpResponse:
    """One list (``<code>.xlsx``) or every list with values in use (``all.xlsx``, with a contents sheet) as Excel."""
    if pk == ALL_LISTS:
        content = codelists.workbook_bytes(codelists.unscoped_lists_with_active_items(), contents=True)
        filename = "danh-muc-dung-chung.xlsx"
    else:
        found = codelists.unscoped_code_list_with_items(pk)
        if found is None:
            raise Http404(_("Không có danh mục này."))
        content = codelists.workbook_bytes([found], contents=False)
        filename = f"danh-muc-{found[0].code}.xlsx"
    response = HttpResponse(content, content_type=codelists.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def codelist_item_add(request: HttpRequest, pk: str) -> HttpResponse:
    """Add a value to a list (the Sở only). The URL's ``pk`` is the list's code."""
    _maintainer_or_404(request)
    code_list = _list_or_404(pk)
    form = CodeItemForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            item = codelists.add_item(code_list, by=request.user, **form.values())
        except ValidationError as exc:
            form.add_write_error(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã thêm %(item)s vào danh mục.") % {"item": codelists.describe(item)})
            return redirect(reverse("quality:codelist_detail", kwargs={"pk": code_list.code}))
    return render(
        request, "quality/codelist_item_form.html", {"code_list": code_list, "form": form, "item": None, "used": False}
    )


@login_required
@require_http_methods(["GET", "POST"])
def codelist_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a value (the Sở only): name, other spellings, order, in use or not; the code while no record uses it."""
    _maintainer_or_404(request)
    item = _item_or_404(pk)
    used = codelists.is_used(item)
    form = CodeItemForm(request.POST if request.method == "POST" else None, instance=item, used=used)
    if form.is_valid():
        values = form.values()
        if values["order"] is None:
            values["order"] = item.order
        try:
            saved = codelists.edit_item(item, by=request.user, expected=form.cleaned_data["loaded"] or None, **values)
        except ValidationError as exc:
            form.add_write_error(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu %(item)s.") % {"item": codelists.describe(saved)})
            return redirect(reverse("quality:codelist_detail", kwargs={"pk": item.code_list.code}))
    return render(
        request,
        "quality/codelist_item_form.html",
        {"code_list": item.code_list, "form": form, "item": item, "used": used},
    )


@login_required
@require_POST
def codelist_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a value no record uses (the Sở only); a used one is refused with the way to retire it instead."""
    _maintainer_or_404(request)
    item = _item_or_404(pk)
    try:
        codelists.delete_item(item, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("quality:codelist_item_edit", kwargs={"pk": item.pk}))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(reverse("quality:codelist_item_edit", kwargs={"pk": item.pk}))
    messages.success(request, _("Đã xóa %(item)s khỏi danh mục.") % {"item": codelists.describe(item)})
    return redirect(reverse("quality:codelist_detail", kwargs={"pk": item.code_list.code}))
