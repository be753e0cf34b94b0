"""Fixture: statistics modules (edudb/stats/**) fall under the scoping rule whatever their file name."""

from django.db.models import Count

from edudb.core.models import Unit


def schools_by_kind(user):
    # ruleid: edudb-unscoped-query
    return Unit.objects.values("kind__code").annotate(n=Count("pk"))


def schools_by_kind_scoped(user):
    # ok: edudb-unscoped-query
    return Unit.objects.visible_to(user).values("kind__code").annotate(n=Count("pk"))
