"""Fixture: services are not views; they receive already scoped objects, so the scoping rule does not apply."""

from edudb.core.models import Unit


def rename_unit(unit, *, by, name):
    # ok: edudb-unscoped-query
    siblings = Unit.objects.filter(parent=unit.parent).exclude(pk=unit.pk)
    return siblings
