"""The notification pages: each account reads its own, unread first; one or all marked read; the unread count tag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from edudb.core.models import Notification
from edudb.core.notifications import notify
from edudb.core.tests.clients import signed_in

pytestmark = pytest.mark.django_db


def test_the_list_shows_unread_first_and_marks_them_read(cast: Cast) -> None:
    account = cast.school_a1_admin
    old, new = (
        notify([account], kind="reporting.reminder", title="Còn 3 ngày đến hạn chót", url="/reporting/"),
        notify([account], kind="reporting.returned", title="Báo cáo bị trả lại", body="Thiếu lớp 1A"),
    )
    read_one = notify([account], kind="reporting.approved", title="Báo cáo đã được duyệt")[0]
    Notification.objects.filter(pk=read_one.pk).update(read_at=timezone.now() - dt.timedelta(days=1))
    notify([cast.school_a2_admin], kind="reporting.returned", title="Thông báo của trường khác")
    client = signed_in(account)

    page = client.get(reverse("notifications:list")).content.decode()
    assert "2 thông báo chưa đọc" in page and "Thông báo của trường khác" not in page
    assert page.index("Báo cáo bị trả lại") < page.index("Báo cáo đã được duyệt")
    assert page.index("Còn 3 ngày đến hạn chót") < page.index("Báo cáo đã được duyệt")
    assert "Thiếu lớp 1A" in page and "Đánh dấu tất cả đã đọc (2)" in page

    # Opening a notification marks it read and goes to its page.
    opened = client.post(reverse("notifications:read", args=[old[0].pk]), {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/reporting/"
    assert Notification.objects.get(pk=old[0].pk).read_at is not None
    marked = client.post(reverse("notifications:read", args=[new[0].pk]))
    assert marked.status_code == 302 and marked["Location"] == reverse("notifications:list")
    assert not Notification.objects.filter(account=account, read_at__isnull=True).exists()
    assert "0 thông báo chưa đọc" in client.get(reverse("notifications:list")).content.decode()


def test_mark_all_read_touches_only_the_accounts_own(cast: Cast) -> None:
    notify([cast.commune_a_admin, cast.commune_a_user], kind="reporting.submitted", title="Trường đã chốt số liệu")
    client = signed_in(cast.commune_a_admin)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "Đã đánh dấu 1 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(account=cast.commune_a_admin, read_at__isnull=True).exists()
    assert Notification.objects.filter(account=cast.commune_a_user, read_at__isnull=True).count() == 1
    again = client.post(reverse("notifications:read_all"), follow=True)
    assert "Không có thông báo nào chưa đọc." in again.content.decode()


def test_another_accounts_notification_is_not_found(cast: Cast) -> None:
    theirs = notify([cast.school_b1_admin], kind="reporting.returned", title="Bị trả lại")[0]
    response = signed_in(cast.school_a1_admin).post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert signed_in(cast.school_a1_admin).get(reverse("notifications:read", args=[theirs.pk])).status_code == 405


def test_an_outside_address_is_never_followed(cast: Cast) -> None:
    mine = notify([cast.school_a1_admin], kind="x", title="Liên kết lạ", url="https://example.com/phishing")[0]
    response = signed_in(cast.school_a1_admin).post(reverse("notifications:read", args=[mine.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:list")


def test_titles_are_escaped(cast: Cast) -> None:
    notify([cast.school_a1_admin], kind="x", title="<script>alert(1)</script>", body="<b>đậm</b>")
    page = signed_in(cast.school_a1_admin).get(reverse("notifications:list")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page and "<b>đậm" not in page


def test_the_unread_count_tag_takes_one_query(cast: Cast) -> None:
    notify([cast.school_a1_admin], kind="x", title="Một")
    notify([cast.school_a1_admin], kind="x", title="Hai")
    notify([cast.school_a2_admin], kind="x", title="Của người khác")
    request = RequestFactory().get("/")
    request.user = cast.school_a1_admin
    template = Template("{% load notifications %}{% unread_notifications as n %}[{{ n }}]")
    with CaptureQueriesContext(connection) as queries:
        rendered = template.render(Context({"request": request}))
    assert rendered == "[2]" and len(queries) == 1
    assert Template("{% load notifications %}{% unread_notifications %}").render(Context({})) == "0"
