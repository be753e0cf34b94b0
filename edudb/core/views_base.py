"""Base page views: the only page-level doors to scoped data (DESIGN decision 1).

Subclasses declare ``model`` and ``function`` and may narrow the scoped queryset in ``refine``; they cannot
replace ``get_queryset``, so no page can forget the scope.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest
from django.views.generic import DetailView, ListView

from edudb.core.scoping import Function


def htmx_target(request: HttpRequest) -> str | None:
    """The id of the element an htmx request will swap, or None for a full page load."""
    details = getattr(request, "htmx", None)
    return details.target if details else None


class _ScopedMixin(LoginRequiredMixin):
    model: Any
    function: ClassVar[str] = Function.VIEW
    request: HttpRequest

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override get_queryset; narrow the scoped queryset in refine()")

    def get_queryset(self) -> models.QuerySet[Any]:
        scoped = self.model._default_manager.all().visible_to(self.request.user, self.function)
        return self.refine(scoped)

    def refine(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Narrow or annotate the already scoped queryset (filters, select_related)."""
        return queryset


class ScopedListView(_ScopedMixin, ListView):
    """A paginated list of what the user may see."""

    paginate_by = 50
    paginator_class = Paginator


class ScopedDetailView(_ScopedMixin, DetailView):
    """One object the user may see; anything else is 404."""
