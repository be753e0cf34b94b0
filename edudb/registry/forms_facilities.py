"""Forms and rules of the facilities database (R2.5): rooms by kind per site and school year, by build quality.

The cross-field rules live in :func:`room_problems`, shared by the page form and the API serializer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudb.core.models import Unit
from edudb.core.scoping import Domain, Function
from edudb.quality.models import CodeItem, items_of
from edudb.registry.forms import InstitutionField
from edudb.registry.forms_classes import SchoolRecordForm, SiteField, as_pk, institutions_in_domain, school_years
from edudb.registry.models import RoomStock, Site
from edudb.reporting.models import SchoolYear

# The build qualities, in the order of the Ministry's facilities statistics, with the words used in messages.
QUALITY_WORDS: dict[str, Any] = {
    "solid": gettext_lazy("kiên cố"),
    "semi": gettext_lazy("bán kiên cố"),
    "temporary": gettext_lazy("tạm"),
    "borrowed": gettext_lazy("thuê mượn"),
}

# Plausible floor area of ONE room (m²) by room kind (loai_phong code): a check against typing mistakes (a total
# typed as a per-room figure, a count typed into the area), not a legal standard. Ranges are set around the
# minimum areas of Thông tư 13/2020/TT-BGDĐT (cơ sở vật chất trường mầm non, tiểu học, THCS, THPT) and
# Thông tư 14/2020/TT-BGDĐT (phòng học bộ môn), with room on both sides for old and large buildings. A toilet,
# kitchen or hall "room" is one block. Kinds not listed get DEFAULT_AREA_RANGE.
AREA_PER_ROOM: dict[str, tuple[int, int]] = {
    "PH": (30, 120),  # phòng học: 1.25–1.5 m²/học sinh, up to 45 học sinh
    "PSHC": (24, 150),  # phòng sinh hoạt chung (mầm non): 1.5–1.8 m²/trẻ
    "PNGU": (15, 120),  # phòng ngủ (mầm non)
    "PBM_TIN": (40, 200),  # phòng học bộ môn: 1.85–2.45 m²/học sinh (TT 14/2020)
    "PBM_NN": (40, 200),
    "PBM_AN": (40, 200),
    "PBM_MT": (40, 200),
    "PBM_KHCN": (40, 200),
    "PBM_KHTN": (40, 200),
    "PBM_LY": (40, 200),
    "PBM_HOA": (40, 200),
    "PBM_SINH": (40, 200),
    "PBM_CN": (40, 200),
    "PBM_KHXH": (40, 200),
    "PBM_DCN": (40, 250),
    "PGDTC": (60, 2000),  # phòng giáo dục thể chất
    "PGDNT": (40, 300),
    "TV": (30, 600),  # thư viện
    "PTB": (10, 200),
    "PTVHD": (10, 100),
    "PDOI": (10, 100),
    "PTT": (15, 200),
    "PHT": (9, 60),
    "PPHT": (9, 60),
    "VP": (12, 150),
    "PHCQT": (10, 100),
    "PHOP": (20, 300),
    "PTCM": (10, 120),
    "PYT": (8, 80),
    "PBV": (4, 40),
    "PNV": (6, 80),
    "KHO": (4, 300),
    "WC_GV_NAM": (2, 100),
    "WC_GV_NU": (2, 100),
    "WC_HS_NAM": (4, 200),
    "WC_HS_NU": (4, 200),
    "WC_TRE": (4, 80),
    "BEP": (10, 600),
    "NAN": (20, 2000),
    "KTX": (10, 3000),
    "NDN": (100, 3000),  # nhà đa năng
    "NXE": (10, 3000),
}
DEFAULT_AREA_RANGE = (2, 3000)


def area_range(room_kind: CodeItem | None) -> tuple[int, int]:
    return AREA_PER_ROOM.get(room_kind.code, DEFAULT_AREA_RANGE) if room_kind else DEFAULT_AREA_RANGE


def _m2(value: Decimal | float) -> str:
    text = f"{Decimal(value):.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def room_problems(
    user: Any,
    *,
    instance_pk: int | None,
    unit: Unit | None,
    site: Site | None,
    school_year: SchoolYear | None,
    room_kind: CodeItem | None,
    counts: dict[str, int | None],
    areas: dict[str, Decimal | None],
) -> dict[str, str]:
    """Every cross-field problem of a room-stock row, as {field: a Vietnamese message naming the field and the fix}.

    ``counts`` and ``areas`` are keyed by build quality (solid, semi, temporary, borrowed).
    """
    problems: dict[str, str] = {}
    if unit is not None and site is not None and site.unit_id != unit.pk:
        problems["site"] = _(
            "Điểm trường: điểm trường đã chọn không thuộc %(school)s. Hãy chọn một điểm trường của trường này."
        ) % {"school": unit.name}
    low, high = area_range(room_kind)
    for quality, word in QUALITY_WORDS.items():
        count, area = counts.get(quality), areas.get(quality)
        if count is None or area is None:
            continue  # the field reports its own error
        field = f"area_{quality}"
        if count > 0 and area <= 0:
            problems[field] = _(
                "Diện tích %(q)s (m²): có %(n)s phòng %(q)s thì diện tích phải lớn hơn 0. Hãy ghi tổng diện tích "
                "của các phòng này."
            ) % {"q": word, "n": count}
        elif count == 0 and area != 0:
            problems[field] = _(
                "Diện tích %(q)s (m²): không có phòng %(q)s nào thì diện tích phải là 0. Hãy ghi số phòng %(q)s "
                "hoặc để diện tích bằng 0."
            ) % {"q": word}
        elif count > 0:
            per_room = Decimal(area) / count
            if not low <= per_room <= high:
                problems[field] = _(
                    "Diện tích %(q)s (m²): bình quân %(avg)s m² một phòng, ngoài khoảng hợp lý %(low)s–%(high)s m² "
                    "một phòng với loại «%(kind)s». Hãy ghi TỔNG diện tích của %(n)s phòng và kiểm tra lại số phòng."
                ) % {
                    "q": word,
                    "avg": _m2(per_room),
                    "low": low,
                    "high": high,
                    "kind": room_kind.name if room_kind else "",
                    "n": count,
                }
    if site is not None and school_year is not None and room_kind is not None and "site" not in problems:
        duplicates = RoomStock.objects.visible_to(user, Function.ENTER_FACILITIES).filter(
            site=site, school_year=school_year, room_kind=room_kind
        )
        if instance_pk is not None:
            duplicates = duplicates.exclude(pk=instance_pk)
        if duplicates.exists():
            problems["room_kind"] = _(
                "Loại phòng: điểm trường «%(site)s» đã có dòng «%(kind)s» cho năm học %(year)s. Mỗi điểm trường chỉ "
                "có một dòng cho mỗi loại phòng trong một năm học — hãy sửa dòng đã có."
            ) % {"site": site.name, "kind": room_kind.name, "year": school_year}
    return problems


class RoomStockForm(SchoolRecordForm):
    write_function = Function.ENTER_FACILITIES
    create_route = "registry:room_create"
    site = SiteField(label=gettext_lazy("Điểm trường"), queryset=Site.objects.none())
    area_solid = forms.DecimalField(
        label=gettext_lazy("Diện tích kiên cố (m²)"), min_value=0, max_digits=9, decimal_places=1, initial=0
    )
    area_semi = forms.DecimalField(
        label=gettext_lazy("Diện tích bán kiên cố (m²)"), min_value=0, max_digits=9, decimal_places=1, initial=0
    )
    area_temporary = forms.DecimalField(
        label=gettext_lazy("Diện tích tạm (m²)"), min_value=0, max_digits=9, decimal_places=1, initial=0
    )
    area_borrowed = forms.DecimalField(
        label=gettext_lazy("Diện tích thuê mượn (m²)"), min_value=0, max_digits=9, decimal_places=1, initial=0
    )

    class Meta:
        model = RoomStock
        fields = [
            "unit",
            "school_year",
            "site",
            "room_kind",
            "count_solid",
            "area_solid",
            "count_semi",
            "area_semi",
            "count_temporary",
            "area_temporary",
            "count_borrowed",
            "area_borrowed",
        ]

    def restrict_choices(self, user: Any) -> None:
        super().restrict_choices(user)
        self.fields["room_kind"].queryset = items_of("loai_phong")  # type: ignore[attr-defined]
        self.fields["room_kind"].empty_label = _("— Chọn loại phòng —")  # type: ignore[attr-defined]
        for name in self.grid_names:
            self.fields[name].widget.attrs["aria-label"] = str(self.fields[name].label)

    grid_names = [f"{kind}_{q}" for q in QUALITY_WORDS for kind in ("count", "area")]

    def head_fields(self) -> list[Any]:
        """The visible fields above the count/area grid."""
        return [field for field in self.visible_fields() if field.name not in self.grid_names]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problems = room_problems(
            self.user,
            instance_pk=self.instance.pk,
            unit=data.get("unit"),
            site=data.get("site"),
            school_year=data.get("school_year"),
            room_kind=data.get("room_kind"),
            counts={q: data.get(f"count_{q}") for q in QUALITY_WORDS},
            areas={q: data.get(f"area_{q}") for q in QUALITY_WORDS},
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data

    def quality_rows(self) -> list[tuple[Any, Any, Any]]:
        """(build quality, its count field, its area field) for the form's grid."""
        return [(word, self[f"count_{q}"], self[f"area_{q}"]) for q, word in QUALITY_WORDS.items()]


class RoomFilterForm(forms.Form):
    """The filters of the room-stock list; the school year defaults to the current one."""

    school_year = forms.ModelChoiceField(
        label=gettext_lazy("Năm học"),
        queryset=SchoolYear.objects.none(),
        required=False,
        empty_label=gettext_lazy("Mọi năm học"),
    )
    unit = InstitutionField(
        label=gettext_lazy("Trường"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Mọi trường"),
    )
    site = SiteField(
        label=gettext_lazy("Điểm trường"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=gettext_lazy("Mọi điểm trường"),
    )
    room_kind = forms.ModelChoiceField(
        label=gettext_lazy("Loại phòng"),
        queryset=CodeItem.objects.none(),
        required=False,
        empty_label=gettext_lazy("Mọi loại phòng"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = institutions_in_domain(user, Domain.FACILITIES)
        self.fields["school_year"].queryset = school_years()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = schools  # type: ignore[attr-defined]
        self.fields["room_kind"].queryset = items_of("loai_phong")  # type: ignore[attr-defined]
        # The sites of the chosen school only: a Sở-wide list of every site would be thousands long.
        chosen = as_pk(self.data.get("unit")) if self.is_bound else None
        site_field = self.fields["site"]
        if chosen:
            site_field.queryset = (  # type: ignore[attr-defined]
                Site.objects.visible_to(user).filter(unit__in=schools.filter(pk=chosen)).order_by("-is_main", "name")
            )
        else:
            site_field.help_text = _("Chọn trường để lọc theo điểm trường.")
