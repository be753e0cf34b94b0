"""The legal reporting clocks of a security incident.

What we assume (to be confirmed by the Sở's legal staff; change the constants, nothing else depends on the values):

- **24 hours — initial report.** The cybersecurity rules named by SPEC R10 (Law 116/2025/QH15 on cybersecurity and
  its implementing decree, following Decree 85/2016/NĐ-CP and Circular 20/2017/TT-BTTTT on incident response) ask
  the system's owner to notify the competent incident-response body (the city's specialised cybersecurity unit /
  the national response centre) promptly; we take the usual 24 hours from detection as the deadline of the first
  notice.
- **72 hours — full report.** The personal data protection rules (Decree 13/2023/NĐ-CP Art. 23, carried over by the
  Law on Personal Data Protection 91/2025/QH15) require the controller to notify the Ministry of Public Security
  (Cục A05) of a violation of personal data protection within 72 hours of its detection; the system holds
  children's personal data, so a security incident is treated as possibly one.

Both clocks run from ``Incident.detected_at``; a clock stops when its report is recorded (``initial_report_at``,
``full_report_at``). ``now`` is always a parameter, so tests need no clock-freezing library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from edudb.incidents.models import Incident

INITIAL_REPORT_HOURS = 24
FULL_REPORT_HOURS = 72
WARN_WITHIN_HOURS = 6  # a clock turns amber when less than this is left


def span(delta: dt.timedelta) -> str:
    """A duration in Vietnamese, to the minute: "2 ngày 3 giờ", "5 giờ 12 phút", "3 giờ", "8 phút"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)s ngày") % {"n": days})
    if hours:
        parts.append(_("%(n)s giờ") % {"n": hours})
    if mins and not days:
        parts.append(_("%(n)s phút") % {"n": mins})
    return " ".join(parts) or _("%(n)s phút") % {"n": 0}


@dataclass(frozen=True)
class Clock:
    """One reporting deadline of a security incident, as of ``now``."""

    label: str
    due: dt.datetime
    done_at: dt.datetime | None
    now: dt.datetime

    @property
    def overdue(self) -> bool:
        return (self.done_at or self.now) > self.due

    @property
    def text(self) -> str:
        if self.done_at is not None:
            if self.done_at > self.due:
                return _("Đã báo cáo, trễ %(span)s") % {"span": span(self.done_at - self.due)}
            return _("Đã báo cáo đúng hạn")
        if self.now > self.due:
            return _("Quá hạn %(span)s") % {"span": span(self.now - self.due)}
        return _("Còn %(span)s") % {"span": span(self.due - self.now)}

    @property
    def tone(self) -> str:
        """The tag's colour (the words say the same): "" done or plenty of time, "warn", "qerror" overdue."""
        if self.done_at is not None:
            return "warn" if self.overdue else ""
        if self.overdue:
            return "qerror"
        return "warn" if self.due - self.now <= dt.timedelta(hours=WARN_WITHIN_HOURS) else ""


def clocks(incident: Incident, now: dt.datetime) -> list[Clock]:
    """The initial (24 h) and full (72 h) report clocks of a security incident; none for other incidents."""
    if not incident.is_security:
        return []
    start = incident.detected_at
    return [
        Clock(
            _("Báo cáo ban đầu (%(h)s giờ)") % {"h": INITIAL_REPORT_HOURS},
            start + dt.timedelta(hours=INITIAL_REPORT_HOURS),
            incident.initial_report_at,
            now,
        ),
        Clock(
            _("Báo cáo đầy đủ (%(h)s giờ)") % {"h": FULL_REPORT_HOURS},
            start + dt.timedelta(hours=FULL_REPORT_HOURS),
            incident.full_report_at,
            now,
        ),
    ]
