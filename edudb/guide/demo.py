"""Demo data of the guide: the Sở's support contacts, saved once by the Sở's admin account and audited."""

from __future__ import annotations

from edudb.core.models import Unit


def seed(units: dict[str, Unit] | None = None) -> None:
    """Save the support contacts as the Sở would (the footer shows the same values either way; the saved row gives
    the edit page a "last updated by" line and the audit trail one "support.update" entry)."""
    from edudb.accounts.models import Account
    from edudb.core.models import Category
    from edudb.guide import services
    from edudb.guide.models import SupportContact

    if SupportContact.objects.exists():
        return
    admin = (
        Account.objects.filter(unit__kind__category=Category.DEPARTMENT, kind="admin", is_active=True)
        .order_by("pk")
        .first()
    )
    if admin is None:
        return
    services.update_support(
        by=admin,
        values={
            **SupportContact.defaults(),
            "working_hours": "Sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ (thứ Hai – thứ Sáu); "
            "trong kỳ báo cáo hỗ trợ cả sáng thứ Bảy",
        },
    )
