"""Pages of the facilities database (R2.5): rooms by kind per site and school year, split by build quality."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet, Sum

from edudb.core.records import unscoped_history_of
from edudb.core.scoping import Function
from edudb.core.views_base import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView, htmx_target
from edudb.registry.forms_classes import as_pk, current_school_year
from edudb.registry.forms_facilities import QUALITY_WORDS, RoomFilterForm, RoomStockForm, area_range
from edudb.registry.models import RoomStock

QUALITIES = list(QUALITY_WORDS)


def with_totals(queryset: QuerySet[RoomStock]) -> QuerySet[RoomStock]:
    """Annotate each row with its number of rooms and floor area over the four build qualities."""
    return queryset.annotate(
        rooms=sum((F(f"count_{q}") for q in QUALITIES[1:]), F(f"count_{QUALITIES[0]}")),
        area=sum((F(f"area_{q}") for q in QUALITIES[1:]), F(f"area_{QUALITIES[0]}")),
    )


class RoomListView(ScopedListView):
    """Room stock in scope, for the current school year unless another is chosen, with totals of the selection."""

    model = RoomStock
    template_name = "registry/room_list.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        data = self.request.GET.copy()
        if "school_year" not in data:
            year = current_school_year()
            data["school_year"] = str(year.pk) if year else ""
        self.form = RoomFilterForm(data, user=self.request.user)
        queryset = with_totals(queryset.select_related("unit", "site", "school_year", "room_kind"))
        self.form.is_valid()  # a filter that does not validate is shown with its error and left out
        filters = self.form.cleaned_data
        for name in ("school_year", "unit", "site", "room_kind"):
            if filters.get(name):
                queryset = queryset.filter(**{name: filters[name]})
        return queryset.order_by(
            "-school_year__start_year", "unit__name_key", "-site__is_main", "site__name", "room_kind__order"
        )

    def get_template_names(self) -> list[str]:
        if htmx_target(self.request) == "room-results":
            return ["registry/room_list.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        sums = {f"{kind}_{q}": Sum(f"{kind}_{q}") for q in QUALITIES for kind in ("count", "area")}
        selection: QuerySet[RoomStock] = self.object_list  # type: ignore[assignment]
        totals = selection.order_by().aggregate(**sums)
        totals["rooms"] = sum(totals[f"count_{q}"] or 0 for q in QUALITIES)
        totals["area"] = sum(totals[f"area_{q}"] or 0 for q in QUALITIES)
        return super().get_context_data(form=self.form, totals=totals, qualities=QUALITY_WORDS.values(), **kwargs)


class RoomDetailView(ScopedDetailView):
    """One row of room stock with its split by build quality and the history of its record."""

    model = RoomStock
    template_name = "registry/room_detail.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return with_totals(queryset.select_related("unit", "site", "school_year", "room_kind", "updated_by"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        stock: RoomStock = self.object
        rows = [(word, getattr(stock, f"count_{q}"), getattr(stock, f"area_{q}")) for q, word in QUALITY_WORDS.items()]
        low, high = area_range(stock.room_kind)
        return super().get_context_data(
            rows=rows, area_low=low, area_high=high, history=unscoped_history_of(stock), **kwargs
        )


class RoomCreateView(ScopedCreateView):
    model = RoomStock
    form_class = RoomStockForm
    function = Function.ENTER_FACILITIES
    template_name = "registry/room_form.html"

    def get_initial(self) -> dict[str, Any]:
        return {
            "unit": as_pk(self.request.GET.get("unit")),
            "school_year": as_pk(self.request.GET.get("school_year")),
        }


class RoomUpdateView(ScopedUpdateView):
    model = RoomStock
    form_class = RoomStockForm
    function = Function.ENTER_FACILITIES
    template_name = "registry/room_form.html"

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("unit", "school_year")
