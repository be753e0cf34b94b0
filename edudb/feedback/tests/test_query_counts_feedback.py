"""The feedback lists keep a constant number of queries, however many items there are."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import Cast
from edudb.core.tests.clients import signed_in
from edudb.core.tests.test_query_counts import count_queries
from edudb.feedback import services
from edudb.feedback.tests.helpers import make_student

PAGES = [
    ("school_a1_user", "feedback:mine", ""),
    ("school_a1_admin", "feedback:handling", ""),
    ("commune_a_admin", "feedback:handling", "?state=open&overdue=on"),
    ("so_admin", "feedback:handling", "?kind=record"),
]


def _file(cast: Cast, n: int) -> None:
    for i in range(n):
        student = make_student(cast.school_a1, code=f"31000{i:05d}", name=f"Học Sinh Thử {i}")
        services.file(by=cast.school_a1_user, subject_key="student", subject_id=student.pk, kind="record", text="Sai")


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "name", "query"), PAGES)
def test_feedback_lists_do_not_grow_with_items(cast: Cast, role: str, name: str, query: str) -> None:
    client = signed_in(cast.accounts[role])
    _file(cast, 2)
    count_queries(client, reverse(name) + query)  # warm-up: the session's first request does more
    few = count_queries(client, reverse(name) + query)
    _file_more = 10
    for i in range(_file_more):
        student = make_student(cast.school_a1, code=f"31001{i:05d}", name=f"Học Sinh Thêm {i}")
        services.file(by=cast.school_a1_user, subject_key="student", subject_id=student.pk, kind="record", text="Sai")
    assert count_queries(client, reverse(name) + query) == few
