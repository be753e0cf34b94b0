"""What a statistics request asks for — indicator, source, unit, grouping — read from its query string the same way
by the pages, the documents and the API, through the scoping door.

``?indicator=hoc_sinh&source=live|<period id>&at=<unit id>&by=children|units|kind|ownership|commune|categories``.
An unknown indicator or grouping is a Vietnamese error naming the parameter; a unit or period out of reach is 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from edudb.core.models import Category, Unit
from edudb.core.scoping import get_scoped_or_404, scope_for
from edudb.reporting.models import ReportingPeriod
from edudb.stats import indicators
from edudb.stats.aggregate import GROUPINGS, Source
from edudb.stats.indicators import Indicator


@dataclass(frozen=True)
class StatsQuery:
    indicator: Indicator | None
    source: Source
    at: Unit
    by: str

    def params(self, **changes: Any) -> str:
        """This query's string with some parameters changed (for links and downloads)."""
        values: dict[str, Any] = {
            "indicator": self.indicator.code if self.indicator else "",
            "source": self.source.key,
            "at": self.at.pk,
            "by": self.by,
        }
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})


def home_unit(user: Any) -> Unit:
    """Where an account's statistics start: its own unit — for a Sở office, the Sở (its field spans the city)."""
    scope = scope_for(user)
    if scope is None:
        raise Http404(_("Không tìm thấy dữ liệu."))
    own = scope.unit
    if own.kind.category == Category.OFFICE and own.parent_id:
        parent = Unit.objects.visible_to(user).filter(pk=own.parent_id).select_related("kind").first()
        if parent is not None:
            return parent
    return own


def resolve(
    user: Any, params: Mapping[str, str], *, need_indicator: bool = False, at: Unit | None = None
) -> StatsQuery:
    """The query of a request; ``at`` is the unit when the URL names it (fetched by the caller through the door)."""
    errors: dict[str, str] = {}
    code = (params.get("indicator") or "").strip()
    indicator = indicators.get(code) if code else None
    if code and indicator is None:
        errors["indicator"] = _(
            "Chỉ tiêu «%(code)s» không có trong danh mục chỉ tiêu thống kê; hãy chọn một chỉ tiêu trong danh mục."
        ) % {"code": code[:40]}
    elif need_indicator and indicator is None:
        errors["indicator"] = _("Hãy chọn chỉ tiêu thống kê (tham số indicator).")
    by = (params.get("by") or "children").strip()
    if by not in GROUPINGS:
        errors["by"] = _("Cách nhóm «%(by)s» không hợp lệ; hãy dùng một trong: %(choices)s.") % {
            "by": by[:40],
            "choices": ", ".join(GROUPINGS),
        }
    if errors:
        raise ValidationError(errors)
    raw_source = (params.get("source") or "live").strip()
    if raw_source == "live":
        source = Source()
    elif raw_source.isascii() and raw_source.isdigit():
        source = Source(get_scoped_or_404(ReportingPeriod.objects.select_related("school_year"), user, pk=raw_source))
    else:
        raise ValidationError(
            {"source": _("Nguồn số liệu phải là «live» (số liệu trực tiếp) hoặc mã số của một kỳ báo cáo.")}
        )
    raw_at = (params.get("at") or "").strip()
    if at is not None:
        pass
    elif raw_at:
        if not (raw_at.isascii() and raw_at.isdigit()):
            raise ValidationError({"at": _("Đơn vị (tham số at) phải là mã số của một đơn vị.")})
        at = get_scoped_or_404(Unit.objects.select_related("kind"), user, pk=raw_at)
    else:
        at = home_unit(user)
    return StatsQuery(indicator, source, at, by)
