"""The demo's outside data requests are made through the services and leave each state the demo promises."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Cast
from edudb.accounts.models import Account
from edudb.sharing import demo
from edudb.sharing.models import DataRequest, ReleaseState, RequestState

pytestmark = pytest.mark.django_db


def test_demo_requests(cast: Cast, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # The demo's named accounts, played by the cast's commune and school admins.
    Account.objects.filter(pk=cast.commune_a_admin.pk).update(username="xa.admin")
    Account.objects.filter(pk=cast.school_a1_admin.pk).update(username="th.admin")
    demo.seed()
    states = sorted(DataRequest.objects.values_list("state", flat=True))
    assert states == sorted(
        [RequestState.FORWARDED, RequestState.APPROVED, RequestState.REFUSED, RequestState.SUBMITTED]
    )
    approved = DataRequest.objects.get(state=RequestState.APPROVED)
    assert approved.release.state == ReleaseState.READY and approved.release.file
    demo.seed()  # a second run adds nothing
    assert DataRequest.objects.count() == 4
