"""Feedback and complaints about data, and personal-data requests (R8.3–R8.4; Điều 10.3, 10.5)."""

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "edudb.feedback"
    verbose_name = "Phản ánh, yêu cầu về dữ liệu"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from edudb.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "feedback.file": _("Gửi phản ánh về dữ liệu"),
                "feedback.take": _("Tiếp nhận xử lý phản ánh"),
                "feedback.answer": _("Trả lời phản ánh"),
                "feedback.close": _("Đóng phản ánh"),
                "feedback.escalate": _("Chuyển phản ánh quá hạn lên đơn vị quản lý"),
                "feedback.summary": _("Lập bản tổng hợp dữ liệu cá nhân theo yêu cầu"),
            }
        )
