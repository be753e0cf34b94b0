"""What the reporting cycle's API reads and answers (R7.1–R7.3): periods, unit reports, submissions with their frozen
snapshot's facts (never the raw data), extensions, corrections, the timeliness board and notifications.

Inputs are plain serializers handed to the services (``edudb.reporting.services``), which check, audit and notify;
their free text goes through the one normalisation layer first (R6.1).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from rest_framework import serializers

from edudb.core.models import Notification
from edudb.quality import normalise
from edudb.quality.api_scores import UnitRefSerializer
from edudb.reporting import snapshots
from edudb.reporting.board import BOARD_STATES
from edudb.reporting.models import (
    COVERABLE,
    Correction,
    Extension,
    PeriodKind,
    ReportingPeriod,
    ReportState,
    Submission,
    UnitReport,
    default_covers,
)


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """A row id: a whole number in the database's range, so odd input is a 400, never a crash."""
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1, **kwargs)


COVER_CHOICES = [(str(domain), domain.label) for domain in COVERABLE]


class NormalisingSerializer(serializers.Serializer[Any]):
    """Free text sent to a service goes through the normalisation layer (R6.1), refused values named by field."""

    # field name -> (normalise.Kind member name, model, model field whose verbose name labels the message)
    text_fields: ClassVar[dict[str, tuple[str, type[models.Model], str]]] = {}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        layer = normalise.Normaliser()
        for name, (kind, model, model_field) in self.text_fields.items():
            value = attrs.get(name)
            if not isinstance(value, str) or not value:
                continue
            field: Any = model._meta.get_field(model_field)
            result = layer.clean(
                name,
                normalise.Kind[kind],
                value,
                label=str(field.verbose_name),
                max_length=getattr(field, "max_length", None),
            )
            if name not in layer.errors:
                attrs[name] = result if result is not None else ""
        if layer.errors:
            raise serializers.ValidationError({name: [message] for name, message in layer.errors.items()})
        return attrs


# --- Periods ---------------------------------------------------------------------------------------------------------


class PeriodSerializer(serializers.Serializer[Any]):
    """A reporting period (kỳ báo cáo)."""

    id = serializers.IntegerField(read_only=True)
    school_year = serializers.CharField(
        source="school_year.code", read_only=True, allow_null=True, help_text="Năm học, ví dụ 2025-2026"
    )
    kind = serializers.ChoiceField(choices=PeriodKind.choices, read_only=True, help_text="Loại kỳ báo cáo")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    title = serializers.CharField(read_only=True, help_text="Tên kỳ báo cáo")
    opens_on = serializers.DateField(read_only=True, help_text="Mở từ ngày")
    deadline = serializers.DateField(read_only=True, help_text="Hạn chót chốt số liệu")
    covers = serializers.ListField(
        child=serializers.ChoiceField(choices=COVER_CHOICES),
        read_only=True,
        help_text="Các cơ sở dữ liệu thành phần kỳ báo cáo bao gồm",
    )
    covered_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    instructions = serializers.CharField(read_only=True, help_text="Hướng dẫn, yêu cầu")
    min_completeness = serializers.IntegerField(read_only=True, help_text="Mức đầy đủ tối thiểu để chốt (%)")
    is_open = serializers.SerializerMethodField(help_text="Đang nhận báo cáo: đã đến ngày mở và chưa khóa sổ")
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="Khóa sổ lúc")
    closed_by = serializers.IntegerField(source="closed_by_id", read_only=True, allow_null=True)
    closed_by_name = serializers.CharField(source="closed_by.full_name", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_is_open(self, period: ReportingPeriod) -> bool:
        from edudb.reporting.services import is_open_for

        return is_open_for(period, None)


class PeriodWriteSerializer(NormalisingSerializer):
    """An ad-hoc report request (báo cáo đột xuất) the Sở opens; on PATCH, the fields to change."""

    title = serializers.CharField(max_length=200, help_text="Tên kỳ báo cáo")
    opens_on = serializers.DateField(help_text="Mở từ ngày")
    deadline = serializers.DateField(help_text="Hạn chót chốt số liệu")
    covers = serializers.ListField(
        child=serializers.ChoiceField(choices=COVER_CHOICES),
        required=False,
        default=default_covers,
        max_length=len(COVERABLE),
        help_text="Các cơ sở dữ liệu thành phần cần báo cáo (mặc định: tất cả)",
    )
    instructions = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="Hướng dẫn, yêu cầu"
    )
    min_completeness = serializers.IntegerField(
        min_value=0, max_value=100, required=False, default=90, help_text="Mức đầy đủ tối thiểu để chốt (%)"
    )

    text_fields = {
        "title": ("TEXT", ReportingPeriod, "title"),
        "instructions": ("MULTILINE", ReportingPeriod, "instructions"),
    }


# --- Unit reports ----------------------------------------------------------------------------------------------------


class UnitReportSerializer(serializers.Serializer[Any]):
    """One unit's report for one period."""

    id = serializers.IntegerField(read_only=True)
    period = serializers.IntegerField(source="period_id", read_only=True)
    period_title = serializers.CharField(source="period.title", read_only=True)
    unit = serializers.IntegerField(source="unit_id", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state = serializers.ChoiceField(choices=ReportState.choices, read_only=True, help_text="Trạng thái báo cáo")
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    versions = serializers.IntegerField(read_only=True, help_text="Số lần chốt")
    first_submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True, help_text="Chốt lần đầu đúng hạn")
    deadline = serializers.DateField(read_only=True, help_text="Hạn chót áp dụng cho đơn vị (kể cả gia hạn)")
    extended_until = serializers.DateField(read_only=True, allow_null=True, help_text="Được gia hạn đến")
    latest_submission = serializers.IntegerField(source="latest_id", read_only=True, allow_null=True)
    approved_submission = serializers.IntegerField(
        source="approved_id", read_only=True, allow_null=True, help_text="Phiên bản đã duyệt: báo cáo chính thức"
    )
    missing_note = serializers.CharField(read_only=True, help_text="Giải trình đơn vị trực thuộc chưa báo cáo")
    updated_at = serializers.DateTimeField(read_only=True)


# --- Submissions -----------------------------------------------------------------------------------------------------


class SubmissionSerializer(serializers.Serializer[Any]):
    """One submitted version (chốt số liệu) of a unit's report and its review."""

    id = serializers.IntegerField(read_only=True)
    report = serializers.IntegerField(source="report_id", read_only=True)
    period = serializers.IntegerField(source="report.period_id", read_only=True)
    period_title = serializers.CharField(source="report.period.title", read_only=True)
    unit = serializers.IntegerField(source="report.unit_id", read_only=True)
    unit_code = serializers.CharField(source="report.unit.code", read_only=True)
    unit_name = serializers.CharField(source="report.unit.name", read_only=True)
    version = serializers.IntegerField(read_only=True, help_text="Phiên bản")
    submitted_at = serializers.DateTimeField(read_only=True)
    submitted_by = serializers.IntegerField(source="submitted_by_id", read_only=True)
    submitted_by_name = serializers.CharField(source="submitted_by.full_name", read_only=True)
    late = serializers.BooleanField(read_only=True, help_text="Chốt sau hạn")
    note = serializers.CharField(read_only=True, help_text="Ghi chú của đơn vị")
    review = serializers.ChoiceField(choices=Submission.Review.choices, read_only=True, help_text="Kết quả duyệt")
    review_display = serializers.CharField(source="get_review_display", read_only=True)
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reviewed_by = serializers.IntegerField(source="reviewed_by_id", read_only=True, allow_null=True)
    reviewed_by_name = serializers.CharField(source="reviewed_by.full_name", read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True, help_text="Lý do trả lại / ý kiến khi duyệt")


class RollupEntrySerializer(serializers.Serializer[Any]):
    """The approved version of one unit directly under a manager, carried in the manager's report."""

    unit = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    submission = serializers.IntegerField()
    version = serializers.IntegerField()
    checksum = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())


class SnapshotSerializer(serializers.Serializer[Any]):
    """The facts of the frozen data (the data itself is never answered)."""

    unit_path = serializers.CharField(read_only=True, help_text="Vị trí trong cây đơn vị lúc chốt")
    unit_name = serializers.CharField(read_only=True, help_text="Tên đơn vị lúc chốt")
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)  # type: ignore[assignment]
    parent_name = serializers.CharField(read_only=True, help_text="Đơn vị quản lý lúc chốt")
    covers = serializers.ListField(child=serializers.CharField(), read_only=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Số bản ghi theo loại (kể cả tổng hợp)"
    )
    scorecard = serializers.JSONField(read_only=True, help_text="Chất lượng dữ liệu lúc chốt: total, by_target")
    rollup = RollupEntrySerializer(many=True, read_only=True, help_text="Tổng hợp từ đơn vị trực thuộc")
    size = serializers.IntegerField(read_only=True, help_text="Dung lượng dữ liệu (byte, trước khi nén)")
    checksum = serializers.CharField(read_only=True, help_text="Mã kiểm tra SHA-256")
    taken_at = serializers.DateTimeField(read_only=True)
    verified = serializers.SerializerMethodField(help_text="Dữ liệu lưu trữ còn khớp mã kiểm tra")

    def get_verified(self, snapshot: Any) -> bool:
        return snapshots.verify(snapshot.data, snapshot.checksum)


class SubmissionDetailSerializer(SubmissionSerializer):
    snapshot = SnapshotSerializer(read_only=True, allow_null=True)


class SubmitSerializer(NormalisingSerializer):
    """Submit (chốt) the account's own unit's data for a period."""

    period = id_field(help_text="Kỳ báo cáo (id)")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    missing_note = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Đơn vị quản lý: lý do chốt khi còn đơn vị trực thuộc chưa có báo cáo được duyệt",
    )

    text_fields = {
        "note": ("MULTILINE", Submission, "note"),
        "missing_note": ("MULTILINE", UnitReport, "missing_note"),
    }


class ApproveSerializer(NormalisingSerializer):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    text_fields = {"comment": ("MULTILINE", Submission, "reason")}


class ReturnSerializer(NormalisingSerializer):
    reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="Lý do trả lại (bắt buộc)"
    )

    text_fields = {"reason": ("MULTILINE", Submission, "reason")}


class FieldChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="Tên trường")
    old = serializers.JSONField(help_text="Giá trị ở phiên bản cũ")
    new = serializers.JSONField(help_text="Giá trị ở phiên bản này")


class RecordChangeSerializer(serializers.Serializer[Any]):
    record = serializers.CharField(help_text="Bản ghi (tên hoặc mã)")
    changes = FieldChangeSerializer(many=True, help_text="Các trường đã đổi")


class TargetDifferenceSerializer(serializers.Serializer[Any]):
    target = serializers.CharField(help_text="Loại bản ghi")
    label = serializers.CharField()  # type: ignore[assignment]
    added = serializers.ListField(child=serializers.CharField(), help_text="Bản ghi thêm (tối đa 200)")
    removed = serializers.ListField(child=serializers.CharField(), help_text="Bản ghi bớt (tối đa 200)")
    changed = RecordChangeSerializer(many=True, help_text="Bản ghi thay đổi (tối đa 200)")
    added_count = serializers.IntegerField()
    removed_count = serializers.IntegerField()
    changed_count = serializers.IntegerField()


class DifferenceSerializer(serializers.Serializer[Any]):
    submission = serializers.IntegerField(help_text="Phiên bản đang xem (id)")
    version = serializers.IntegerField()
    against = serializers.IntegerField(help_text="Phiên bản so sánh (id)")
    against_version = serializers.IntegerField()
    targets = TargetDifferenceSerializer(many=True)


def difference_json(submission: Submission, against: Submission, diffs: list[snapshots.TargetDifference]) -> Any:
    body = {
        "submission": submission.pk,
        "version": submission.version,
        "against": against.pk,
        "against_version": against.version,
        "targets": [
            {
                "target": d.target,
                "label": d.label,
                "added": d.added,
                "removed": d.removed,
                "changed": [
                    {"record": record, "changes": [{"field": f, "old": old, "new": new} for f, old, new in fields]}
                    for record, fields in d.changed
                ],
                "added_count": d.added_count,
                "removed_count": d.removed_count,
                "changed_count": d.changed_count,
            }
            for d in diffs
        ],
    }
    return DifferenceSerializer(body).data


# --- Extensions and corrections --------------------------------------------------------------------------------------


class ExtensionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    report = serializers.IntegerField(source="report_id", read_only=True)
    period = serializers.IntegerField(source="report.period_id", read_only=True)
    unit = serializers.IntegerField(source="report.unit_id", read_only=True)
    unit_code = serializers.CharField(source="report.unit.code", read_only=True)
    unit_name = serializers.CharField(source="report.unit.name", read_only=True)
    until = serializers.DateField(read_only=True, help_text="Gia hạn đến ngày")
    reason = serializers.CharField(read_only=True)
    granted_at = serializers.DateTimeField(read_only=True)
    granted_by = serializers.IntegerField(source="granted_by_id", read_only=True)
    granted_by_name = serializers.CharField(source="granted_by.full_name", read_only=True)


class ExtensionCreateSerializer(NormalisingSerializer):
    period = id_field(help_text="Kỳ báo cáo (id)")
    unit = id_field(help_text="Đơn vị được gia hạn (id), trực thuộc đơn vị của tài khoản")
    until = serializers.DateField(required=False, allow_null=True, default=None, help_text="Gia hạn đến ngày")
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    text_fields = {"reason": ("MULTILINE", Extension, "reason")}


class CorrectionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    report = serializers.IntegerField(source="report_id", read_only=True)
    period = serializers.IntegerField(source="report.period_id", read_only=True)
    unit = serializers.IntegerField(source="report.unit_id", read_only=True)
    unit_code = serializers.CharField(source="report.unit.code", read_only=True)
    unit_name = serializers.CharField(source="report.unit.name", read_only=True)
    reason = serializers.CharField(read_only=True, help_text="Nội dung cần điều chỉnh")
    requested_at = serializers.DateTimeField(read_only=True)
    requested_by = serializers.IntegerField(source="requested_by_id", read_only=True)
    requested_by_name = serializers.CharField(source="requested_by.full_name", read_only=True)
    decision = serializers.ChoiceField(choices=Correction.Decision.choices, read_only=True)
    decision_display = serializers.CharField(source="get_decision_display", read_only=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    decided_by = serializers.IntegerField(source="decided_by_id", read_only=True, allow_null=True)
    decided_by_name = serializers.CharField(source="decided_by.full_name", read_only=True, allow_null=True)
    answer = serializers.CharField(read_only=True, help_text="Ý kiến của đơn vị quản lý")


class CorrectionCreateSerializer(NormalisingSerializer):
    period = id_field(help_text="Kỳ báo cáo (id) có báo cáo đã duyệt của đơn vị mình")
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    text_fields = {"reason": ("MULTILINE", Correction, "reason")}


class DecideSerializer(NormalisingSerializer):
    accept = serializers.BooleanField(help_text="true: đồng ý mở phiên bản mới; false: không đồng ý (ghi lý do)")
    answer = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    text_fields = {"answer": ("MULTILINE", Correction, "answer")}


# --- The timeliness board -------------------------------------------------------------------------------------------


class BoardQuerySerializer(serializers.Serializer[Any]):
    unit = id_field(required=False)
    state = serializers.ChoiceField(choices=BOARD_STATES, required=False, allow_blank=True)
    late = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    level = serializers.SlugField(max_length=10, required=False, allow_blank=True, default="")


class BoardCountsSerializer(serializers.Serializer[Any]):
    """How many units are in each state of the board."""

    not_started = serializers.IntegerField(help_text="Chưa thực hiện")
    in_progress = serializers.IntegerField(help_text="Đang thực hiện")
    on_time = serializers.IntegerField(help_text="Đã chốt đúng hạn, chờ duyệt")
    late = serializers.IntegerField(help_text="Đã chốt sau hạn, chờ duyệt")
    returned = serializers.IntegerField(help_text="Bị trả lại")
    approved = serializers.IntegerField(help_text="Đã duyệt")
    correcting = serializers.IntegerField(help_text="Đang điều chỉnh sau duyệt")


class ManagerRateSerializer(serializers.Serializer[Any]):
    unit = UnitRefSerializer()
    expected = serializers.IntegerField(help_text="Số đơn vị phải báo cáo")
    submitted = serializers.IntegerField(help_text="Số đơn vị đã chốt")
    on_time = serializers.IntegerField(help_text="Số đơn vị chốt đúng hạn")
    approved = serializers.IntegerField(help_text="Số đơn vị đã được duyệt")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="Tỉ lệ đúng hạn (0–1); null nếu không có đơn vị")


class BoardRowSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(help_text="Đơn vị (id)")
    code = serializers.CharField()
    name = serializers.CharField()
    parent_name = serializers.CharField(help_text="Đơn vị quản lý")
    state = serializers.ChoiceField(choices=BOARD_STATES)
    state_label = serializers.CharField()
    deadline = serializers.DateField(help_text="Hạn chót áp dụng cho đơn vị")
    extended_until = serializers.DateField(allow_null=True)
    first_submitted_at = serializers.DateTimeField(allow_null=True)
    versions = serializers.IntegerField()
    on_time = serializers.BooleanField(allow_null=True)
    late = serializers.BooleanField(help_text="Chốt sau hạn, hoặc đã quá hạn mà chưa chốt")
    overdue = serializers.BooleanField(help_text="Đã quá hạn mà chưa chốt")
    report = serializers.IntegerField(allow_null=True, help_text="Báo cáo của đơn vị (id); null: chưa có")
    latest_submission = serializers.IntegerField(allow_null=True)
    approved_submission = serializers.IntegerField(allow_null=True)


class BoardSerializer(serializers.Serializer[Any]):
    """The timeliness board (R7.3) of one period under one unit."""

    period = PeriodSerializer()
    unit = UnitRefSerializer(help_text="Đơn vị gốc của bảng")
    counts = BoardCountsSerializer()
    total = serializers.IntegerField(help_text="Số đơn vị phải báo cáo")
    on_time = serializers.IntegerField(help_text="Số đơn vị chốt đúng hạn")
    on_time_rate = serializers.FloatField(allow_null=True)
    extensions = serializers.IntegerField(help_text="Số đơn vị được gia hạn")
    managers = ManagerRateSerializer(many=True, help_text="Tỉ lệ đúng hạn theo từng đơn vị quản lý")
    count = serializers.IntegerField(help_text="Số dòng khớp bộ lọc")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    rows = BoardRowSerializer(many=True, help_text="Các dòng của trang này")


# --- Notifications ---------------------------------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "unit", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class ReadAllSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="Số thông báo vừa đánh dấu đã đọc")
