"""The account's in-app notifications (thông báo): unread first, each opened or marked read; all marked read at once.

A notification is personal (``Notification.objects.visible_to`` is the account's own), so another account's
notification is simply not found."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudb.core.models import Notification
from edudb.core.scoping import get_scoped_or_404
from edudb.core.views_base import ScopedListView

PAGE_SIZE = 50


class NotificationListView(ScopedListView):
    model = Notification
    template_name = "notifications/list.html"
    paginate_by = PAGE_SIZE

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        unread_first = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
        return queryset.select_related("unit").order_by(unread_first, "-created_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        unread = Notification.objects.visible_to(self.request.user).filter(read_at__isnull=True).count()
        return super().get_context_data(unread=unread, **kwargs)


notification_list = NotificationListView.as_view()


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with ``open`` set, go on to the page it points to."""
    notification = get_scoped_or_404(Notification, request.user, pk=pk)
    if notification.read_at is None:
        Notification.objects.visible_to(request.user).filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    target = notification.url
    if request.POST.get("open") and target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    marked = Notification.objects.visible_to(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": marked})
    else:
        messages.info(request, _("Không có thông báo nào chưa đọc."))
    return redirect("notifications:list")
