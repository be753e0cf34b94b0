"""Fixture: an API module (api_*.py) falls under the scoping rule too."""

from rest_framework.authtoken.models import Token

from edudb.core.models import Unit


def list_units(request):
    # ruleid: edudb-unscoped-query
    return list(Unit.objects.values("code", "name"))


def rotate_token(request):
    # ruleid: edudb-unscoped-query
    Token.objects.filter(user=request.user).delete()


def unscoped_rotate_token(request):
    # ok: edudb-unscoped-query
    Token.objects.filter(user=request.user).delete()
