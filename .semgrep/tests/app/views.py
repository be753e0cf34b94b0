"""Fixture: page views, where every query must start from the user's scope."""

from django.db.models import Prefetch
from django.shortcuts import render

from edudb.accounts.models import Account, AccountFunction
from edudb.core.models import AuditEntry, Unit
from edudb.core.scoping import Function, get_scoped_or_404


def unit_list(request):
    # ruleid: edudb-unscoped-query
    units = Unit.objects.all()
    # ruleid: edudb-unscoped-query
    schools = Unit.objects.filter(kind__category="school").order_by("name")
    # ruleid: edudb-unscoped-query
    count = Account.objects.count()
    # ruleid: edudb-unscoped-query
    one = Unit.objects.get(pk=request.GET["id"])
    # ruleid: edudb-unscoped-query
    later = Unit.objects.filter(depth=1).visible_to(request.user)
    # ruleid: edudb-unscoped-query
    manager = Unit.objects
    return render(request, "x.html", {"units": units, "schools": schools, "n": count, "one": one, "m": manager, "l": later})


def unit_list_scoped(request):
    # ok: edudb-unscoped-query
    units = Unit.objects.visible_to(request.user).select_related("kind").order_by("path")
    # ok: edudb-unscoped-query
    audit = AuditEntry.objects.visible_to(request.user, Function.VIEW_AUDIT).filter(action="x")[:8]
    # ok: edudb-unscoped-query
    everything = Unit.objects.all().visible_to(request.user)
    # ok: edudb-unscoped-query
    nothing = Unit.objects.none()
    # ok: edudb-unscoped-query
    unit = get_scoped_or_404(Unit.objects.select_related("kind"), request.user, Function.MANAGE_ACCOUNTS, pk=1)
    accounts = (
        # ok: edudb-unscoped-query
        Account.objects.visible_to(request.user, Function.MANAGE_ACCOUNTS)
        # ok: edudb-unscoped-query
        .prefetch_related(Prefetch("functions", queryset=AccountFunction.objects.only("account_id", "function")))
    )
    # ok: edudb-unscoped-query
    grants = Prefetch("functions", AccountFunction.objects.all())
    # ok: edudb-unscoped-query
    unscoped_total = Account.objects.count()
    # ok: edudb-unscoped-query
    unscoped_units: object = Unit.objects.all()
    context = {"u": units, "a": audit, "e": everything, "n": nothing, "unit": unit, "acc": accounts, "g": grants}
    return render(request, "x.html", context | {"t": unscoped_total, "uu": unscoped_units})


def lookup_in_other_argument(request):
    # ruleid: edudb-unscoped-query
    return get_scoped_or_404(Unit, request.user, pk=Unit.objects.get(code=request.GET["code"]).pk)


def subquery_of_another_model(request):
    # ruleid: edudb-unscoped-query
    return Account.objects.visible_to(request.user).filter(unit__in=Unit.objects.filter(is_active=True))


def unscoped_device_of(account):
    """A reviewed bypass: the account's own device is not unit-scoped data."""
    # ok: edudb-unscoped-query
    return AccountFunction.objects.filter(account=account).first()


class UnitView:
    model = Unit

    def get_queryset(self):
        # ok: edudb-unscoped-query
        return self.model._default_manager.all().visible_to(self.request.user, "view")

    def get_unscoped(self):
        # ruleid: edudb-unscoped-query
        return self.model._default_manager.filter(is_active=True)

    def get_base(self):
        # ruleid: edudb-unscoped-query
        return self.model._base_manager.all()

    def unscoped_children(self):
        def inner():
            # ok: edudb-unscoped-query
            return Unit.objects.filter(parent=self.object)

        return inner()

    def reviewed(self):
        # ok: edudb-unscoped-query
        return Unit.objects.count()  # nosemgrep: edudb-unscoped-query -- fixture for a reviewed line
