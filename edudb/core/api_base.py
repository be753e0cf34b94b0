"""Base API viewsets: the only API doors to scoped data (DESIGN decision 1)."""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django import forms
from django.db import models
from rest_framework import viewsets

from edudb.core.scoping import Function


class IdFilter(django_filters.NumberFilter):
    """A filter on a row id: a whole number in the database's range, so odd input is a 400, never a crash."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class _ScopedViewSetMixin:
    model: ClassVar[type[models.Model]]
    function: ClassVar[str] = Function.VIEW
    request: Any

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ or "queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not set queryset/get_queryset; narrow it in refine()")

    def get_queryset(self) -> models.QuerySet[Any]:
        scoped = self.model._default_manager.all().visible_to(self.request.user, self.function)  # type: ignore[attr-defined]
        return self.refine(scoped)

    def refine(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset


class ScopedReadOnlyViewSet(_ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve what the user may see; anything else is 404."""


class ScopedViewSet(_ScopedViewSetMixin, viewsets.GenericViewSet):
    """A scoped base for viewsets that add their own actions through services."""
