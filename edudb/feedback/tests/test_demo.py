"""The demo's feedback: four items through the services over the demo school's pupils."""

from __future__ import annotations

import pytest

from conftest import Cast
from edudb.feedback import demo
from edudb.feedback.models import Feedback, State
from edudb.feedback.tests.helpers import make_student


@pytest.mark.django_db
def test_demo_seed_plays_the_four_situations(cast: Cast) -> None:
    admin = cast.school_a1_admin
    admin.username = "th.admin"
    admin.save(update_fields=["username"])
    for i in range(4):
        make_student(cast.school_a1, code=f"310000000{i}", name=f"Học Sinh Mẫu {i}")
    demo.seed()
    states = sorted(Feedback.objects.values_list("state", flat=True))
    assert states == sorted([State.RECEIVED, State.ANSWERED, State.IN_PROGRESS, State.RECEIVED])
    assert Feedback.objects.filter(escalated_to=cast.commune_a).count() == 1
    answered = Feedback.objects.get(state=State.ANSWERED)
    assert answered.changes.count() == 1
    demo.seed()  # a second run adds nothing
    assert Feedback.objects.count() == 4
