"""The sharing API (read-only, scoped like the pages) and the constant number of queries of the list pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Cast
from edudb.core.tests.clients import api_client, signed_in
from edudb.core.tests.test_query_counts import count_queries
from edudb.sharing import services
from edudb.sharing.tests.helpers import approved, paper_request, public_request

pytestmark = pytest.mark.django_db
API = "/api/v1/sharing/requests/"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_api_lists_requests_in_scope_without_contact_details(cast: Cast) -> None:
    mine, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    approved(cast, mine)
    other, _code = paper_request(cast.commune_b_admin, cast.school_b1.code)
    client = api_client(cast.commune_a_admin)
    body = client.get(API).json()
    assert [row["number"] for row in body["results"]] == [mine.number]
    row = body["results"][0]
    assert row["state"] == "approved" and row["databases"] == ["students"]
    assert row["wanted_units"] == [cast.school_a1.code]
    assert row["decision"]["document_number"] == "125/SGDĐT-VP"
    assert "requester_email" not in row and "requester_phone" not in row and "tracking_hash" not in row
    assert client.get(f"{API}{other.pk}/").status_code == 404
    assert client.get(f"{API}?state=refused").json()["results"] == []
    assert api_client(cast.so_admin).get(API).json()["count"] == 2
    assert api_client(cast.school_b1_admin).get(API).json()["count"] == 0


def _grow(cast: Cast, n: int) -> None:
    for _i in range(n):
        request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
        public_request(cast.commune_a)
        services.take_up(request=request, by=cast.commune_a_admin)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("so_admin", "/sharing/"),
        ("commune_a_admin", "/sharing/?state=under_review"),
        ("commune_a_admin", "/sharing/?q=Vi%E1%BB%87n"),
        ("so_admin", API),
    ],
)
def test_list_pages_keep_a_constant_number_of_queries(cast: Cast, role: str, url: str) -> None:
    client = api_client(cast.accounts[role]) if url.startswith("/api/") else signed_in(cast.accounts[role])
    _grow(cast, 2)
    count_queries(client, url)  # warm up: the session's first page reads the account once
    few = count_queries(client, url)
    _grow(cast, 6)
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} → {many}"


def test_detail_page_queries_do_not_grow_with_downloads(cast: Cast) -> None:
    request, _code = paper_request(cast.commune_a_admin, cast.school_a1.code)
    release = approved(cast, request)
    services.unscoped_build_release(release)
    client = signed_in(cast.so_admin)
    url = f"/sharing/{request.pk}/"
    token = services.unscoped_issue_link(request)
    services.unscoped_open_download(token, ip="198.51.100.1")
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    services.unscoped_open_download(token, ip="198.51.100.2")
    for _i in range(3):
        try:
            services.unscoped_open_download(token, ip="198.51.100.3")
        except services.DownloadRefused:
            pass
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "198.51.100.3" in page.content.decode()
