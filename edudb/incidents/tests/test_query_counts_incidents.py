"""The incidents list keeps a constant number of queries, however many incidents there are (with assignees,
security clocks and screenshots)."""

from __future__ import annotations

import pytest

from conftest import Cast
from edudb.core.tests.clients import signed_in
from edudb.core.tests.test_query_counts import count_queries
from edudb.incidents import services
from edudb.incidents.tests.helpers import quick_report, upload

PAGES = [
    ("so_admin", "/incidents/"),
    ("so_admin", "/incidents/?state=open&security=on"),
    ("so_admin", "/incidents/?mine=on&severity=high"),
    ("commune_a_admin", "/incidents/"),
    ("office_th_user", "/incidents/"),
    ("school_a1_user", "/incidents/?q=SC"),
]


def grow(cast: Cast, n: int) -> None:
    """n incidents from the commune's schools: every third a security one, every other one triaged to the Sở."""
    reporters = [cast.school_a1_user, cast.school_a2_admin, cast.commune_a_admin]
    for i in range(n):
        incident = quick_report(
            reporters[i % 3],
            category="security" if i % 3 == 0 else "slow",
            severity="high",
            affected_units=[cast.school_a1] if i % 3 == 2 else [],
            screenshots=[upload()] if i % 5 == 0 else [],
        )
        if i % 2:
            services.triage(incident, by=cast.so_admin, severity="high", is_security=i % 3 == 0, assignee=cast.so_admin)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "address"), PAGES)
def test_incident_list_queries_do_not_grow(cast: Cast, role: str, address: str) -> None:
    grow(cast, 3)
    client = signed_in(cast.accounts[role])
    client.get("/")  # warm the session
    few = count_queries(client, address)
    grow(cast, 30)
    many = count_queries(client, address)
    assert many == few, f"{address} as {role}: {few} → {many} queries"
