from __future__ import annotations

import pytest

from conftest import Cast
from edudb.core.models import AuditEntry
from edudb.guide import demo
from edudb.guide.models import SupportContact


@pytest.mark.django_db
def test_demo_saves_the_contacts_once_as_the_so(cast: Cast) -> None:
    demo.seed()
    demo.seed()
    contact = SupportContact.objects.get()
    assert contact.updated_by == cast.so_admin and "thứ Bảy" in contact.working_hours
    assert AuditEntry.objects.filter(action="support.update").count() == 1
