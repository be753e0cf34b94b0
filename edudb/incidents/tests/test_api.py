"""/api/v1/incidents/: the scoped list and detail, and a new report of the account's own unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import Cast
from edudb.core.tests.clients import api_client
from edudb.incidents.models import Incident
from edudb.incidents.tests.helpers import quick_report

pytestmark = [pytest.mark.django_db]


def test_list_and_detail_follow_the_scope(cast: Cast) -> None:
    a1 = quick_report(cast.school_a1_user)
    b1 = quick_report(cast.school_b1_user, category="security", severity="high")
    commune = api_client(cast.commune_a_admin)
    listed = commune.get("/api/v1/incidents/").json()
    assert [row["number"] for row in listed["results"]] == [a1.number]
    assert commune.get(f"/api/v1/incidents/{b1.pk}/").status_code == 404
    so = api_client(cast.so_admin)
    assert {row["number"] for row in so.get("/api/v1/incidents/").json()["results"]} == {a1.number, b1.number}
    detail = so.get(f"/api/v1/incidents/{b1.pk}/").json()
    assert detail["is_security"] and [c["overdue"] for c in detail["clocks"]] == [False, False]
    assert detail["clocks"][0]["text"].startswith("Còn")
    only_security = so.get("/api/v1/incidents/?security=true").json()["results"]
    assert [row["number"] for row in only_security] == [b1.number]


def test_create_reports_for_the_own_unit(cast: Cast) -> None:
    client = api_client(cast.commune_a_admin)
    detected = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    response = client.post(
        "/api/v1/incidents/",
        {
            "category": "sign_in",
            "severity": "high",
            "title": "Không đăng nhập được",
            "description": "Cả phòng không đăng nhập được từ 8 giờ.",
            "detected_at": detected,
            "affected_units": [cast.school_a1.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(pk=body["id"])
    assert incident.unit == cast.commune_a and list(incident.affected_units.all()) == [cast.school_a1]
    assert body["number"] == incident.number and body["state"] == "reported"


def test_create_refuses_bad_input_and_units_out_of_reach(cast: Cast) -> None:
    client = api_client(cast.school_a1_user)
    response = client.post(
        "/api/v1/incidents/",
        {"category": "x", "severity": "high", "title": "", "description": "y"},
        content_type="application/json",
    )
    assert response.status_code == 400 and {"category", "title"} <= set(response.json())
    response = client.post(
        "/api/v1/incidents/",
        {
            "category": "other",
            "severity": "low",
            "title": "Lỗi",
            "description": "Lỗi",
            "affected_units": [cast.school_b1.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "affected_units" in response.json()
    assert not Incident.objects.exists()


def test_detail_answers_exactly_the_contract_table(cast: Cast) -> None:
    """The contract's table for api:incident-detail, checked here too (the contract lists the API routes only once
    the router line is hooked into config/api.py)."""
    from edudb.core.tests.contract import UNITS_VISIBLE
    from edudb.incidents.tests.contract_routes import incidents

    made = incidents(cast)
    failures = []
    for role, visible in UNITS_VISIBLE.items():
        client = api_client(cast.accounts[role])
        listed = {row["id"] for row in client.get("/api/v1/incidents/?page_size=100").json()["results"]}
        for owner, incident in made:
            code = client.get(f"/api/v1/incidents/{incident.pk}/").status_code
            if code != (200 if owner in visible else 404) or (incident.pk in listed) != (owner in visible):
                failures.append(f"{role} → {owner}: {code}")
    assert failures == []
