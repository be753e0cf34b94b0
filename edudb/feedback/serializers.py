"""API shapes of feedback items: what a handler reads, and what an account files."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from edudb.feedback import services
from edudb.feedback.models import Feedback, Kind


class FeedbackSerializer(serializers.ModelSerializer[Feedback]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="Chưa trả lời và đã quá hạn xử lý")

    class Meta:
        model = Feedback
        fields = [
            "id",
            "reference",
            "kind",
            "kind_label",
            "unit",
            "unit_name",
            "subject_type",
            "subject_id",
            "subject_repr",
            "period",
            "indicator",
            "figure",
            "text",
            "state",
            "state_label",
            "filed_at",
            "ack_due",
            "deadline",
            "overdue",
            "escalated_at",
            "outcome",
            "outcome_label",
            "answer",
            "answered_at",
            "restricted",
            "correction",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: Feedback) -> bool:
        return obj.is_overdue()


class FeedbackCreateSerializer(serializers.Serializer[Any]):
    subject = serializers.ChoiceField(
        choices=sorted(services.SUBJECTS), help_text="student (học sinh), staff (cán bộ), unit (đơn vị / số liệu)"
    )
    subject_id = serializers.IntegerField(min_value=1, help_text="id của hồ sơ")
    kind = serializers.ChoiceField(choices=[Kind.RECORD.value, Kind.FIGURE.value], default=Kind.RECORD.value)
    text = serializers.CharField(max_length=4000, help_text="Nội dung phản ánh")
    figure = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    period = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Kỳ báo cáo (id)")
    indicator = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
