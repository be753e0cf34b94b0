"""Changing the support contacts: the Sở only, audited field by field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudb.core import audit
from edudb.core.models import Category
from edudb.core.scoping import Function, scope_for
from edudb.guide import contacts
from edudb.guide.models import SupportContact

EDITABLE = ("hotline", "email", "system_address", "postal_address", "working_hours")


def may_edit_support(user: Any) -> bool:
    """An account of the Sở itself (not one of its offices, not a unit below) that manages accounts — the Sở's
    admin holds it; the Sở may grant it to the official in charge of the system."""
    scope = scope_for(user)
    return (
        scope is not None and scope.unit.kind.category == Category.DEPARTMENT and scope.allows(Function.MANAGE_ACCOUNTS)
    )


def require_editor(user: Any) -> None:
    if not may_edit_support(user):
        raise PermissionDenied(
            _(
                "Chỉ Sở Giáo dục và Đào tạo (tài khoản của Sở được giao chức năng quản lý tài khoản) cập nhật "
                "thông tin hỗ trợ kỹ thuật."
            )
        )


@transaction.atomic
def update_support(*, by: Any, values: dict[str, Any]) -> SupportContact:
    """Save the contacts; the audit entry lists each changed field (old → new). Nothing changed, nothing written."""
    require_editor(by)
    contact = SupportContact.objects.select_for_update().filter(pk=SupportContact.SINGLETON_ID).first()
    if contact is None:
        contact = SupportContact(pk=SupportContact.SINGLETON_ID, **SupportContact.defaults())
    changes = {
        field: [getattr(contact, field), values[field]]
        for field in EDITABLE
        if field in values and getattr(contact, field) != values[field]
    }
    if not changes and contact.updated_at is not None:
        return contact
    for field, (_old, new) in changes.items():
        setattr(contact, field, new)
    contact.updated_at = timezone.now()
    contact.updated_by = by
    contact.full_clean()
    contact.save()
    audit.record("support.update", by=by, obj=contact, unit=by.unit, changes=changes)
    contacts.changed()
    return contact
