"""The scoping contract (R5, DESIGN decision 1): every route × every role × every object of the cast.

Routes come from the resolver, so a new route without an entry in ROUTES fails ``test_every_route_is_covered``.
Expected visibility comes from hand-written tables below — an oracle independent of the scoping code.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import Cast
from edudb.accounts.models import Account, AccountFunction
from edudb.core.models import AuditEntry, Unit
from edudb.core.tests.clients import signed_in
from edudb.core.tests.contract import (
    ACCOUNTS_VISIBLE,
    AUDIT_VISIBLE,
    UNITS_VISIBLE,
    Route,
)

ROUTES: dict[str, Route] = {
    "core:home": Route("none"),
    "core:unit_tree": Route("none"),
    "core:unit_detail": Route("unit", visible=UNITS_VISIBLE),
    "core:unit_children": Route("unit", visible=UNITS_VISIBLE),
    "core:audit_list": Route("none"),
    "core:audit_detail": Route("audit", visible=AUDIT_VISIBLE),
    "accounts:login": Route("public"),
    "accounts:logout": Route("public"),
    "accounts:password_change": Route("none"),
    "accounts:acknowledge": Route("none"),
    "accounts:totp_enrol": Route("none"),
    "accounts:list": Route("none"),
    "accounts:issue": Route("none"),
    "accounts:detail": Route("account", visible=ACCOUNTS_VISIBLE),
    "accounts:access_review": Route("unit", visible=ACCOUNTS_VISIBLE),
    "accounts:functions": Route("account", "post", visible=ACCOUNTS_VISIBLE, data={"functions": ["view"]}),
    "accounts:suspend": Route("account", "post", visible=ACCOUNTS_VISIBLE, data={"reason": "Kiểm thử"}),
    "accounts:reactivate": Route("account", "post", visible=ACCOUNTS_VISIBLE),
    "accounts:reset_password": Route("account", "post", visible=ACCOUNTS_VISIBLE),
    "accounts:handover": Route(
        "account",
        "post",
        visible=ACCOUNTS_VISIBLE,
        data={"document_number": "12/QĐ", "document_date": "2026-01-05", "to_full_name": "Trần Thị Mai"},
    ),
    "api:api-root": Route("none", api=True),
    "api:token": Route("public", api=True),
    "api:me": Route("none", api=True),
    "api:schema": Route("none", api=True),
    "api:docs": Route("none", api=True),
    "api:unit-list": Route("none", api=True),
    "api:unit-detail": Route("unit", api=True, visible=UNITS_VISIBLE),
    "api:account-list": Route("none", api=True),
    "api:account-detail": Route("account", api=True, visible=ACCOUNTS_VISIBLE),
    "api:account-functions": Route("account", "put", api=True, visible=ACCOUNTS_VISIBLE, data={"functions": ["view"]}),
    "api:account-suspend": Route("account", "post", api=True, visible=ACCOUNTS_VISIBLE, data={"reason": "Kiểm thử"}),
    "set_language": Route("public"),
}


def _gather_app_routes() -> None:
    """Add the ROUTES of every app's tests/contract_routes*.py; two modules may not claim the same route."""
    for app in apps.get_app_configs():
        if not app.name.startswith("edudb."):
            continue
        try:
            tests = importlib.import_module(f"{app.name}.tests")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(tests.__path__):
            if not info.name.startswith("contract_routes"):
                continue
            module = importlib.import_module(f"{app.name}.tests.{info.name}")
            clash = set(module.ROUTES) & set(ROUTES)
            assert not clash, f"{module.__name__} lists routes already listed: {clash}"
            ROUTES.update(module.ROUTES)
            APP_ROUTE_NAMES.update(module.ROUTES)


APP_ROUTE_NAMES: set[str] = set()
_gather_app_routes()

ROLES = sorted(UNITS_VISIBLE)


def route_names() -> set[str]:
    """Every named route the resolver knows, with its namespace."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    raise AssertionError(f"unnamed route {pattern.pattern}: the contract cannot cover it")
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_covered() -> None:
    names = route_names()
    assert names - set(ROUTES) == set(), "routes missing from the scoping contract"
    assert set(ROUTES) - names == set(), "contract lists routes that no longer exist"


def call(client: Client, route: Route, url: str) -> Any:
    kwargs: dict[str, Any] = {}
    if route.api and route.method in {"post", "put"}:
        kwargs = {"data": route.data or {}, "content_type": "application/json"}
    elif route.method == "post":
        kwargs = {"data": route.data or {}}
    if route.api:
        kwargs["HTTP_ACCEPT"] = "text/html" if url.endswith("/docs/") else "application/json"
    return getattr(client, route.method)(url, **kwargs)


def objects_for(route: Route, cast: Cast) -> list[tuple[str, Any]]:
    """(owning unit name, object) pairs for every object of the route's kind in the cast."""
    if route.target == "unit":
        return [(name, unit) for name, unit in cast.units.items()]
    if route.target == "account":
        return [(name.rsplit("_", 1)[0], account) for name, account in cast.accounts.items()]
    if route.target == "objects" and route.objects is not None:
        return route.objects(cast)
    if route.target == "audit":
        unit_name = {unit.pk: name for name, unit in cast.units.items()}
        return [(unit_name[entry.unit_id or 0], entry) for entry in AuditEntry.objects.filter(unit__isnull=False)]
    raise AssertionError(route.target)


def state_of(account: Account) -> tuple[Any, ...]:
    row = Account.objects.get(pk=account.pk)
    grants = sorted(AccountFunction.objects.filter(account=account).values_list("function", flat=True))
    return (row.password, row.is_active, row.full_name, row.must_change_password, tuple(grants))


def seed_audit(cast: Cast) -> None:
    """One audit entry per unit, so audit routes have an object in every unit."""
    from edudb.core import audit

    for unit in cast.units.values():
        audit.record("unit.test", by=None, obj=unit, username="system")


OBJECT_ROUTES = sorted(
    name for name, route in ROUTES.items() if route.target in {"unit", "account", "audit", "objects"}
)


@pytest.mark.django_db
@pytest.mark.parametrize("route_name", OBJECT_ROUTES)
def test_object_routes_answer_404_out_of_scope(cast: Cast, route_name: str) -> None:
    route = ROUTES[route_name]
    assert route.visible is not None
    if route.target == "audit":
        seed_audit(cast)
    failures = []
    for role in ROLES:
        actor = cast.accounts[role]
        client = signed_in(actor)
        visible = route.visible.get(role, set())
        for owner, obj in objects_for(route, cast):
            if route.method != "get" and obj.pk == actor.pk:
                continue  # acting on oneself is covered by the account tests
            with transaction.atomic():
                failures += check_one(client, route, route_name, obj, f"{role} → {owner}", owner in visible)
                transaction.set_rollback(True)  # writes in scope must not change the world for the next case
    assert failures == []


def check_one(client: Client, route: Route, route_name: str, obj: Any, relation: str, in_scope: bool) -> list[str]:
    failures = []
    before = state_of(obj) if route.target == "account" and route.method != "get" else None
    audit_before = AuditEntry.objects.count()
    response = call(client, route, reverse(route_name, kwargs=route.kwargs_for(obj)) + route.query)
    if in_scope:
        if response.status_code == 404:
            failures.append(f"{relation}: 404 for an object in scope")
        elif route.method == "get" and response.status_code != 200:
            failures.append(f"{relation}: {response.status_code}")
        return failures
    if response.status_code != 404:
        failures.append(f"{relation}: {response.status_code} for an object out of scope")
    if before is not None and state_of(obj) != before:
        failures.append(f"{relation}: a denied write changed the account")
    if route.method != "get" and AuditEntry.objects.count() != audit_before:
        failures.append(f"{relation}: a denied write left an audit entry")
    return failures


LIST_PAGES = {
    **{
        name: ROUTES[name].query
        for name in APP_ROUTE_NAMES
        if ROUTES[name].target == "none" and ROUTES[name].method == "get"
    },
    "core:unit_tree": "?q=tr",
    "core:home": "",
    "accounts:list": "",
    "accounts:issue": "",
    "core:audit_list": "",
    "api:unit-list": "?page_size=100",
    "api:account-list": "",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pages_never_show_out_of_scope_names(cast: Cast, role: str) -> None:
    """No page a role can open names a unit outside its scope — not in lists, counts or choices."""
    client = signed_in(cast.accounts[role])
    for route in ROUTES.values():
        if route.objects is not None:
            route.objects(cast)  # records in every unit, so a leak would show
    in_scope = UNITS_VISIBLE[role]
    for route_name, query in LIST_PAGES.items():
        listed = ROUTES.get(route_name)
        allowed = in_scope | ((listed.counterparts or {}).get(role, set()) if listed else set())
        hidden = [unit.name for name, unit in cast.units.items() if name not in allowed]
        response = client.get(reverse(route_name) + query, HTTP_ACCEPT="text/html,application/json")
        assert response.status_code == 200, route_name
        text = response.content.decode()
        leaked = [name for name in hidden if name in text]
        assert leaked == [], f"{route_name} shows {leaked} to {role}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_units_api_lists_exactly_the_scope(cast: Cast, role: str) -> None:
    client = signed_in(cast.accounts[role])
    response = client.get(reverse("api:unit-list"))
    codes = {row["code"] for row in response.json()["results"]}
    assert codes == {cast.units[name].code for name in UNITS_VISIBLE[role]}


@pytest.mark.django_db
@pytest.mark.parametrize("route_name", sorted(name for name, r in ROUTES.items() if r.target != "public"))
def test_anonymous_is_turned_away(cast: Cast, route_name: str) -> None:
    route = ROUTES[route_name]
    kwargs = {"pk": cast.school_a1.pk} if route.target == "unit" else {}
    if route.target == "account":
        kwargs = {"pk": cast.school_a1_user.pk}
    if route.target == "audit":
        seed_audit(cast)
        kwargs = {"pk": AuditEntry.objects.first().pk}  # type: ignore[union-attr]
    if route.target == "objects" and route.objects is not None:
        kwargs = route.kwargs_for(route.objects(cast)[0][1])
    before = state_of(cast.school_a1_user)
    response = call(Client(), route, reverse(route_name, kwargs=kwargs) + route.query)
    if route.api:
        assert response.status_code in {401, 403}
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert state_of(cast.school_a1_user) == before


@pytest.mark.django_db
def test_issue_form_rejects_a_forged_unit_outside_scope(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    data = {"unit": cast.school_b1.pk, "kind": "user", "username": "gia.mao", "full_name": "Giả Mạo"}
    response = client.post(reverse("accounts:issue"), data)
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode() or "valid choice" in response.content.decode()
    assert not Account.objects.filter(username="gia.mao").exists()


@pytest.mark.django_db
def test_api_issue_rejects_a_unit_outside_scope(cast: Cast) -> None:
    client = signed_in(cast.school_a1_admin)
    data = {"unit": cast.school_b1.pk, "kind": "user", "username": "gia.mao", "full_name": "Giả Mạo"}
    response = client.post(reverse("api:account-list"), data, content_type="application/json")
    assert response.status_code == 400
    assert "phạm vi" in response.json()["unit"][0]
    assert not Account.objects.filter(username="gia.mao").exists()


def test_unit_model_scope_declarations() -> None:
    """Every model the contract walks declares how it reaches its unit."""
    for model in (Unit, Account, AuditEntry):
        assert hasattr(model, "scope_unit_field") and hasattr(model, "scope_domain")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/units/?q=a%00b", "/accounts/?q=%00", "/audit/?q=%00", "/api/v1/units/?q=%00"])
def test_nul_bytes_in_input_are_a_clean_refusal(cast: Cast, url: str) -> None:
    """PostgreSQL refuses NUL in text; such input must never reach it (400 or an empty form error, never 500)."""
    client = signed_in(cast.so_admin)
    assert client.get(url).status_code in {200, 400}
    stranger = Client()
    stranger.cookies["sessionid"] = "abc\x00def123456"
    assert stranger.get("/units/").status_code == 302


@pytest.mark.django_db
def test_models_demand_their_own_function_whatever_is_asked(cast: Cast) -> None:
    """Accounts need 'manage accounts' and the audit trail 'view audit', even when a caller asks only for 'view'."""
    seed_audit(cast)
    viewer = cast.school_a1_user  # view + enter students
    assert not Account.objects.visible_to(viewer).exists()
    assert not AuditEntry.objects.visible_to(viewer).exists()
    assert Account.objects.visible_to(cast.school_a1_admin).exists()
    assert AuditEntry.objects.visible_to(cast.school_a1_admin).exists()
