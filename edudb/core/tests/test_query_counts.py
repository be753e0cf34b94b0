"""List pages keep a constant number of queries, however many rows they show."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from edudb.core import audit
from edudb.core.tests.factories import AccountFactory, UnitFactory
from edudb.quality.models import items_of
from edudb.registry.models import SchoolProfile, Site

PAGES = [
    "/units/",
    "/units/?q=truong",
    "/accounts/",
    "/audit/",
    "/api/v1/units/",
    "/api/v1/accounts/",
    "/schools/",
    "/schools/?q=truong",
    "/api/v1/schools/",
    "/api/v1/sites/",
]


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_ACCEPT="text/html,application/json")
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(cast: Cast, n: int) -> None:
    """Add n schools, each with a user account with functions, and audit entries."""
    for i in range(n):
        school = UnitFactory.create(name=f"Trường Tiểu học Thêm {i}", parent=cast.commune_a)
        AccountFactory.create(unit=school, functions=["view", "export"])
        SchoolProfile.objects.create(unit=school, ownership=items_of("loai_hinh_truong").first())
        Site.objects.create(unit=school, code="DC", name="Điểm chính", is_main=True)
        audit.record("unit.test", by=cast.so_admin, obj=school)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*PAGES, "access"])
def test_list_pages_do_not_grow_queries_with_rows(cast: Cast, url: str) -> None:
    client = Client()
    client.force_login(cast.so_admin)
    target = f"/accounts/access/{cast.so.pk}/" if url == "access" else url
    client.get("/")  # warm the session
    grow(cast, 2)  # so no list starts empty (an empty page skips its row query)
    small = count_queries(client, target)
    grow(cast, 25)
    large = count_queries(client, target)
    assert large == small, f"{target}: {small} queries with the cast, {large} with 25 more schools"


@pytest.mark.django_db
def test_unit_tree_page_query_budget(cast: Cast, django_assert_max_num_queries: Any) -> None:
    client = Client()
    client.force_login(cast.commune_a_admin)
    client.get("/")
    # session, account, its unit and kind, top depth, count, kinds for the filter, rows, session save
    with django_assert_max_num_queries(11):
        client.get("/units/")
