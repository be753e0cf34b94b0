"""The user guide's pages, the screenshots they show, and the Sở's page for the support contacts (R9.1)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from edudb.guide import sections, services
from edudb.guide.forms import SupportContactForm
from edudb.guide.models import SupportContact
from edudb.guide.sections import ROLES, Role, Section

_MAX_QUERY = 100


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").replace("\x00", "")[:_MAX_QUERY].strip()


def _index(request: HttpRequest, *, public: bool) -> HttpResponse:
    visible = [section for section in sections.SECTIONS if section.public or not public]
    query = _query(request)
    groups = [
        (label, [section for section in visible if role in section.roles])
        for role, label in ROLES
        if not public or role == Role.PUBLIC
    ]
    context = {
        "public": public,
        "query": query,
        "hits": sections.search(query, visible) if query else None,
        "groups": [(label, items) for label, items in groups if items],
        "may_edit_support": services.may_edit_support(request.user),
    }
    return render(request, "guide/index.html", context)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The guide by role, with a search over every section's title and text."""
    return _index(request, public=False)


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    """The sections written for people without an account (parents, outside organisations)."""
    return _index(request, public=True)


def _section(request: HttpRequest, section: Section, *, public: bool) -> HttpResponse:
    body = sections.render_body(section)
    visible = [item for item in sections.SECTIONS if item.public or not public]
    at = visible.index(section)
    context = {
        "section": section,
        "body": body,
        "toc": sections.headings(body),
        "public": public,
        "previous": visible[at - 1] if at > 0 else None,
        "next": visible[at + 1] if at + 1 < len(visible) else None,
        "role_labels": [label for role, label in ROLES if role in section.roles],
        "may_edit_support": services.may_edit_support(request.user),
    }
    return render(request, "guide/section.html", context)


@login_required
@require_GET
def section(request: HttpRequest, slug: str) -> HttpResponse:
    found = sections.get(slug)
    if found is None:
        raise Http404
    return _section(request, found, public=False)


@require_GET
def public_section(request: HttpRequest, slug: str) -> HttpResponse:
    found = sections.get(slug)
    if found is None or not found.public:
        raise Http404
    return _section(request, found, public=True)


@require_GET
def screenshot(request: HttpRequest, name: str) -> HttpResponseBase:
    """A screenshot of the guide, by its file name in docs/screenshots: those of public sections for anyone, the
    others for signed-in accounts only; any other name is not found."""
    path = sections.screenshot_path(name)
    if path is None:
        raise Http404
    if name not in sections.public_screenshots() and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def support_edit(request: HttpRequest) -> HttpResponse:
    """The Sở keeps the hotline, e-mail and the system's address shown on every page (Điều 2.2, 7.1)."""
    try:
        services.require_editor(request.user)
    except PermissionDenied as exc:
        return render(request, "guide/refused.html", {"reason": str(exc)}, status=403)
    current = SupportContact.current()  # a fresh copy: the form writes into its instance, the footer's is shared
    form = SupportContactForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.update_support(by=request.user, values=form.values())
        messages.success(request, _("Đã cập nhật thông tin hỗ trợ; chân mọi trang hiển thị thông tin mới."))
        return redirect(reverse("guide:section", kwargs={"slug": "ho-tro"}) + "#lien-he")
    return render(request, "guide/support_form.html", {"form": form, "contact": current})
