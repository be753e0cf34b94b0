"""The whole flow of an outside data request (R8.2): filed publicly or entered from paper, reviewed and forwarded by
the unit in charge, decided by the Sở with its written consent, released, downloaded through an expiring, limited,
audited link; the timeline, notifications and audit entries along the way."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import Cast
from edudb.core.models import AuditEntry, Notification
from edudb.core.tests.clients import signed_in
from edudb.sharing.models import Channel, DataRequest, Release, ReleaseDownload, ReleaseState, RequestState
from edudb.sharing.tests.helpers import IMMEDIATE, PDF, make_student, public_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE


def test_public_request_to_download(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    make_student(cast.school_a1, "Lê Thị Mai", personal_id="031218001234")
    make_student(cast.school_b1, "Trần Văn Nam")  # outside the units asked for
    anonymous = Client()
    assert anonymous.get(reverse("sharing:public_request")).status_code == 200
    response = anonymous.post(
        reverse("sharing:public_request"),
        public_post(unit=str(cast.commune_a.pk), unit_codes=cast.school_a1.code),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    done = anonymous.get(response["Location"]).content.decode()
    request = DataRequest.objects.get()
    assert request.number in done and re.match(r"YC-\d{4}-0001", request.number)
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", done)
    assert code is not None
    assert request.channel == Channel.PUBLIC and request.unit == cast.commune_a
    assert list(request.wanted_units.all()) == [cast.school_a1]
    assert request.tracking_hash and code.group(0) not in request.tracking_hash
    # The commune's handlers are told; the Sở not yet.
    assert Notification.objects.filter(account=cast.commune_a_admin, kind="sharing").exists()
    assert not Notification.objects.filter(account=cast.so_admin).exists()

    commune = signed_in(cast.commune_a_admin)
    assert request.number in commune.get(reverse("sharing:list")).content.decode()
    assert commune.post(reverse("sharing:take_up", kwargs={"pk": request.pk})).status_code == 302
    commune.post(reverse("sharing:forward", kwargs={"pk": request.pk}), {"note": "Đề nghị Sở đồng ý"})
    request.refresh_from_db()
    assert request.state == RequestState.FORWARDED
    assert Notification.objects.filter(account=cast.so_admin, kind="sharing").exists()
    # The commune cannot decide (the Sở decides): a clear 403, audited, nothing recorded.
    response = commune.post(reverse("sharing:decide", kwargs={"pk": request.pk}), {"outcome": "approved"})
    assert response.status_code == 403 and "Sở" in response.content.decode()
    assert AuditEntry.objects.filter(action="sharing.refused", object_id=str(request.pk)).exists()

    so = signed_in(cast.so_admin)
    assert so.get(reverse("sharing:decide", kwargs={"pk": request.pk})).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = so.post(
            reverse("sharing:decide", kwargs={"pk": request.pk}),
            {
                "outcome": "approved",
                "document_number": "125/SGDĐT-VP",
                "document_date": "2026-11-20",
                "signer": "Nguyễn Văn Hải",
                "scan": SimpleUploadedFile("dong-y.pdf", PDF),
                "approved_fields": list(request.wanted_fields),
                "approved_units": [str(cast.school_a1.pk)],
                "expires_on": "2026-12-20",
                "max_downloads": "2",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    request.refresh_from_db()
    release = Release.objects.get(request=request)
    assert request.state == RequestState.APPROVED and release.state == ReleaseState.READY
    assert release.rows == 1
    page = so.get(reverse("sharing:detail", kwargs={"pk": request.pk})).content.decode()
    for text in ("125/SGDĐT-VP", "Sẵn sàng tải", "Diễn biến", "Chuyển Sở quyết định"):
        assert text in page
    assert so.get(reverse("sharing:consent_scan", kwargs={"pk": request.pk})).status_code == 200

    # The requester follows the request and takes the link.
    status = anonymous.post(
        reverse("sharing:public_status"), {"action": "lookup", "number": request.number, "code": code.group(0)}
    )
    assert status.status_code == 302
    page = anonymous.get(reverse("sharing:public_status")).content.decode()
    assert "Sở đồng ý cung cấp" in page and "125/SGDĐT-VP" in page
    shown = anonymous.post(reverse("sharing:public_status"), {"action": "link"}).content.decode()
    link = re.search(r'href="(http://testserver/sharing/release/[^"]+)"', shown)
    assert link is not None
    url = link.group(1).removeprefix("http://testserver")
    download = anonymous.get(url, REMOTE_ADDR="203.0.113.7")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names[0] == "Thông tin"
    rows = book.get_sheet_by_name("Học sinh").to_python()
    assert rows[2][1] == "Lê Thị Mai"
    assert "Trần Văn Nam" not in str(rows)
    assert "031218001234" not in str(rows)
    # Logged and audited with the address; the second and last download, then the limit.
    assert anonymous.get(url).status_code == 200
    refused = anonymous.get(url)
    assert refused.status_code == 410 and "hết số lần" in refused.content.decode()
    attempts = list(ReleaseDownload.objects.order_by("at", "pk").values_list("ok", "reason"))
    assert attempts == [(True, ""), (True, ""), (False, "exhausted")]
    assert ReleaseDownload.objects.filter(ip="203.0.113.7").count() == 1
    entries = AuditEntry.objects.filter(action="sharing.download")
    assert entries.count() == 2 and entries.filter(ip="203.0.113.7").exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "sharing.submit",
        "sharing.take_up",
        "sharing.forward",
        "sharing.approve",
        "sharing.release_built",
        "sharing.link_issued",
        "sharing.download",
        "sharing.refused",
    } <= actions
    events = list(request.events.values_list("state", flat=True))
    assert events == ["submitted", "under_review", "forwarded", "approved"]


def test_paper_request_at_the_so_is_refused_with_reason(cast: Cast) -> None:
    so = signed_in(cast.so_admin)
    assert so.get(reverse("sharing:new")).status_code == 200
    post = public_post()
    for name in ("challenge_token", "challenge_answer", "website", "unit"):
        post.pop(name)
    post["unit_codes"] = f"{cast.school_a1.code}, {cast.school_b1.code}"
    response = so.post(reverse("sharing:new"), post)
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.channel == Channel.PAPER and request.unit == cast.so and request.created_by == cast.so_admin
    so.post(reverse("sharing:take_up", kwargs={"pk": request.pk}))
    # A request at the Sở is decided without forwarding; a refusal needs its reason.
    response = so.post(reverse("sharing:decide", kwargs={"pk": request.pk}), {"outcome": "refused", "reason": ""})
    assert response.status_code == 400 and "Lý do không đồng ý" in response.content.decode()
    response = so.post(
        reverse("sharing:decide", kwargs={"pk": request.pk}),
        {"outcome": "refused", "reason": "Mục đích chưa rõ, đề nghị bổ sung căn cứ pháp lý"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.REFUSED
    assert not Release.objects.exists()


def test_requester_withdraws_with_the_tracking_code(cast: Cast) -> None:
    anonymous = Client()
    anonymous.post(reverse("sharing:public_request"), public_post())
    done = anonymous.get(reverse("sharing:public_done")).content.decode()
    request = DataRequest.objects.get()
    assert request.unit == cast.so  # addressed to the Sở by default
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", done).group(0)  # type: ignore[union-attr]
    other = Client()
    wrong = other.post(reverse("sharing:public_status"), {"action": "lookup", "number": request.number, "code": "AAAA"})
    assert wrong.status_code == 400 and "không đúng" in wrong.content.decode()
    assert other.post(reverse("sharing:public_status"), {"action": "withdraw"}).status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED  # a session that proved nothing changes nothing
    other.post(reverse("sharing:public_status"), {"action": "lookup", "number": request.number, "code": code.lower()})
    other.post(reverse("sharing:public_status"), {"action": "withdraw", "reason": "Không còn nhu cầu"})
    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN
    assert AuditEntry.objects.filter(action="sharing.withdraw", actor_username="public").exists()
