"""Fixture: query keywords must never come from the request."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from edudb.core.models import Unit
from edudb.core.scoping import get_scoped_or_404


def from_get(request):
    units = Unit.objects.visible_to(request.user)
    # ruleid: edudb-filter-kwargs-from-request
    return units.filter(**request.GET)


def from_get_dict(request):
    units = Unit.objects.visible_to(request.user)
    # ruleid: edudb-filter-kwargs-from-request
    return units.filter(**request.GET.dict())


def from_data(request):
    units = Unit.objects.visible_to(request.user)
    # ruleid: edudb-filter-kwargs-from-request
    return units.exclude(**request.data)


def from_query_params(request):
    units = Unit.objects.visible_to(request.user)
    # ruleid: edudb-filter-kwargs-from-request
    return units.get(**request.query_params)


def through_a_variable(request):
    lookups = {key: value for key, value in request.POST.items() if value}
    units = Unit.objects.visible_to(request.user)
    # ruleid: edudb-filter-kwargs-from-request
    return units.filter(**lookups)


def through_dict_and_update(request):
    lookups = {"is_active": True}
    lookups.update(request.GET.dict())
    units = Unit.objects.visible_to(request.user)
    # ruleid: edudb-filter-kwargs-from-request
    return units.filter(is_active=True, **lookups)


def through_q_and_helpers(request):
    params = dict(request.GET.items())
    # ruleid: edudb-filter-kwargs-from-request
    condition = Q(**params)
    # ruleid: edudb-filter-kwargs-from-request
    one = get_object_or_404(Unit, **params)
    # ruleid: edudb-filter-kwargs-from-request
    two = get_scoped_or_404(Unit, request.user, **params)
    return condition, one, two


def through_a_comprehension_of_a_variable(request):
    items = request.GET.items()
    lookups = {key: value for key, value in items}
    # A known miss (semgrep's taint stops at comprehensions); promote to `ruleid` if a semgrep release catches it.
    # todoruleid: edudb-filter-kwargs-from-request
    return Unit.objects.visible_to(request.user).filter(**lookups)


def through_a_loop(request):
    lookups = {}
    for key, values in request.GET.lists():
        lookups[key] = values[-1]
    # ruleid: edudb-filter-kwargs-from-request
    return Unit.objects.visible_to(request.user).filter(**lookups)


class ListView:
    def get_queryset(self):
        params = self.request.GET.copy()
        # ruleid: edudb-filter-kwargs-from-request
        return Unit.objects.visible_to(self.request.user).filter(**params)


def named_parameters(request):
    units = Unit.objects.visible_to(request.user)
    # ok: edudb-filter-kwargs-from-request
    units = units.filter(code=request.GET.get("code", ""), kind__code=request.GET.get("kind", ""))
    lookups = {"name_key__contains": request.GET.get("q", "")}
    # Values from the request are fine; the keys here are ours. Taint cannot tell keys from values, so such
    # a dict is better passed as explicit keywords, as below.
    # ok: edudb-filter-kwargs-from-request
    return units.filter(name_key__contains=lookups["name_key__contains"])


def kwargs_of_our_own(request, pk):
    lookups = {"pk": pk, "is_active": True}
    units = Unit.objects.visible_to(request.user)
    # ok: edudb-filter-kwargs-from-request
    return units.filter(**lookups)


def validated_by_a_form(request, form_class):
    form = form_class(request.GET)
    form.is_valid()
    units = Unit.objects.visible_to(request.user)
    # ok: edudb-filter-kwargs-from-request
    return units.filter(**{"kind": form.cleaned_data["kind"]})
