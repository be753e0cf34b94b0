"""In-app notifications (and e-mail where an SMTP server is configured): the one way services tell people that
something concerns them — a report waiting for review, a return with its reason, a reminder before a deadline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.tasks import task

from edudb.core.models import Notification


def unscoped_accounts_holding(unit_ids: Iterable[int], function: str) -> QuerySet[Any]:
    """The active accounts of ``unit_ids`` that hold ``function`` (every admin account holds them all)."""
    from edudb.accounts.models import Account, AccountKind

    return (
        Account.objects.filter(unit_id__in=list(unit_ids), is_active=True)
        .filter(Q(kind=AccountKind.ADMIN) | Q(functions__function=function))
        .distinct()
    )


def notify(
    accounts: Iterable[Any], *, kind: str, title: str, body: str = "", url: str = "", unit: Any = None
) -> list[Notification]:
    """Send one notification to each account, inside the caller's transaction; e-mail follows after commit."""
    made = Notification.objects.bulk_create(
        [
            Notification(account=account, unit=unit, kind=kind, title=title[:255], body=body, url=url[:255])
            for account in {a.pk: a for a in accounts}.values()
        ],
        batch_size=1000,
    )
    if made and settings.EDUDB_EMAIL_NOTIFICATIONS:
        ids = [n.pk for n in made if n.pk is not None]
        if ids:
            transaction.on_commit(lambda: email_notifications_task.enqueue(ids))
    return made


@task
def email_notifications_task(notification_ids: list[int]) -> int:
    """Mail each notification to its account's address (those without an address keep the in-app one only)."""
    from django.core.mail import send_mail

    sent = 0
    address = settings.EDUDB_SYSTEM_ADDRESS
    pending = Notification.objects.filter(pk__in=notification_ids, emailed=False).select_related("account")
    for notification in pending:
        if not notification.account.email:
            continue
        link = f"\n\n{address}{notification.url}" if notification.url else ""
        send_mail(notification.title, f"{notification.body}{link}", None, [notification.account.email])
        Notification.objects.filter(pk=notification.pk).update(emailed=True)
        sent += 1
    return sent
