"""Pages of the unit tree, the home page per role, and the audit search."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edudb.accounts.models import Account
from edudb.core.forms import AuditSearchForm, UnitSearchForm
from edudb.core.models import AuditEntry, Unit
from edudb.core.scoping import Function, get_scoped_or_404, scope_for
from edudb.core.views_base import ScopedDetailView, ScopedListView, htmx_target
from edudb.quality.text import search_key


def with_visible_children(units: QuerySet[Unit], user: Any) -> QuerySet[Unit]:
    """Annotate each unit with how many of its children the user may see (never counting the rest)."""
    children = (
        Unit.objects.visible_to(user)
        .filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return units.annotate(visible_children=Coalesce(Subquery(children, output_field=IntegerField()), 0))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page: what this account's unit holds and what it may do."""
    scope = scope_for(request.user)
    units = Unit.objects.visible_to(request.user)
    by_category = dict(units.order_by().values_list("kind__category").annotate(n=Count("pk")))
    by_kind = units.order_by().values("kind__name", "kind__order").annotate(n=Count("pk")).order_by("kind__order")
    recent = AuditEntry.objects.visible_to(request.user, Function.VIEW_AUDIT).select_related("unit")[:8]
    accounts = Account.objects.visible_to(request.user, Function.MANAGE_ACCOUNTS).aggregate(
        total=Count("pk"),
        suspended=Count("pk", filter=Q(is_active=False)),
        never_signed_in=Count("pk", filter=Q(is_active=True, must_change_password=True)),
    )
    context = {
        "scope": scope,
        "by_category": by_category,
        "by_kind": by_kind,
        "recent": recent,
        "accounts": accounts,
        "function_choices": Function.choices,
    }
    return render(request, "core/home.html", context)


class UnitTreeView(ScopedListView):
    """The unit tree: the top of the user's scope, expandable level by level, with a search."""

    model = Unit
    template_name = "core/unit_tree.html"
    paginate_by = 50

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form = UnitSearchForm(self.request.GET or None)
        queryset = queryset.select_related("kind", "parent")
        if self.form.is_valid() and self.form.cleaned_data["q"]:
            key = search_key(self.form.cleaned_data["q"])
            queryset = queryset.filter(name_key__contains=key) | queryset.filter(code__startswith=key)
            if self.form.cleaned_data["kind"]:
                queryset = queryset.filter(kind=self.form.cleaned_data["kind"])
            return queryset.order_by("name_key")
        if self.form.is_valid() and self.form.cleaned_data["kind"]:
            return queryset.filter(kind=self.form.cleaned_data["kind"]).order_by("name_key")
        self.browsing = True
        top_depth = queryset.order_by("depth").values_list("depth", flat=True).first()
        return with_visible_children(
            queryset.filter(depth=top_depth if top_depth is not None else 0), self.request.user
        )

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == "unit-results":
            return ["core/unit_tree.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, browsing=getattr(self, "browsing", False), **kwargs)


@login_required
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The visible children of one unit, as a fragment of the tree (htmx) or a page."""
    unit = get_scoped_or_404(Unit, request.user, pk=pk)
    children = with_visible_children(
        Unit.objects.visible_to(request.user)
        .filter(parent=unit)
        .select_related("kind")
        .order_by("kind__order", "name_key"),
        request.user,
    )
    return render(request, "core/unit_tree.html#children", {"unit": unit, "children": children})


class UnitDetailView(ScopedDetailView):
    """A unit's profile: where it sits, what is below it, who holds its accounts."""

    model = Unit
    template_name = "core/unit_detail.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("kind", "parent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        unit = self.object
        user = self.request.user
        ancestors = list(
            Unit.objects.visible_to(user)
            .filter(pk__in=unit.ancestors().values("pk"))
            .exclude(pk=unit.pk)
            .order_by("depth")
        )
        children = with_visible_children(
            Unit.objects.visible_to(user)
            .filter(parent=unit)
            .select_related("kind")
            .order_by("kind__order", "name_key"),
            user,
        )[:200]
        accounts = Account.objects.visible_to(user).filter(unit=unit).order_by("kind", "username")
        return super().get_context_data(ancestors=ancestors, children=children, accounts=accounts, **kwargs)


class AuditListView(ScopedListView):
    """Search the audit trail within the user's scope."""

    model = AuditEntry
    function = Function.VIEW_AUDIT
    template_name = "core/audit_list.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.form = AuditSearchForm(self.request.GET or None)
        queryset = queryset.select_related("unit")
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["q"]:
                queryset = queryset.filter(actor_username__icontains=data["q"]) | queryset.filter(
                    object_repr__icontains=data["q"]
                )
            if data["action"]:
                queryset = queryset.filter(action__startswith=data["action"])
            if data["date_from"]:
                queryset = queryset.filter(at__date__gte=data["date_from"])
            if data["date_to"]:
                queryset = queryset.filter(at__date__lte=data["date_to"])
        return queryset.order_by("-id")

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == "audit-results":
            return ["core/audit_list.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form=self.form, **kwargs)


class AuditDetailView(ScopedDetailView):
    """One audit entry with its field-level changes."""

    model = AuditEntry
    function = Function.VIEW_AUDIT
    template_name = "core/audit_detail.html"
