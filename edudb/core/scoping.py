"""The one scoping door (R5, DESIGN decision 1).

Every scoped model declares how it reaches its unit (``scope_unit_field``; a tuple of paths for an object that
belongs to two units, such as a transfer, visible from either) and which component database it belongs to
(``scope_domain``, or ``scope_domain_field`` naming a column when rows belong to several).
``Model.objects.visible_to(user, function)`` turns the user's unit, the units
below it, the Sở office's oversight (R1.4) and the functions the unit granted (R4.4) into one filter. Base page
views, API viewsets and :func:`get_scoped_or_404` are the only ways views fetch objects; anything out of scope
is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from edudb.core.models import Unit

M = TypeVar("M", bound=models.Model)


class Function(models.TextChoices):
    """A function a unit grants to its user accounts (chức năng, Điều 6.5); admin accounts hold them all."""

    VIEW = "view", _("Xem dữ liệu")
    ENTER_UNITS = "enter_units", _("Cập nhật thông tin đơn vị, trường, lớp")
    ENTER_STUDENTS = "enter_students", _("Nhập dữ liệu học sinh")
    ENTER_STAFF = "enter_staff", _("Nhập dữ liệu đội ngũ")
    ENTER_FACILITIES = "enter_facilities", _("Nhập dữ liệu cơ sở vật chất")
    REVIEW = "review", _("Rà soát dữ liệu")
    SUBMIT = "submit", _("Chốt số liệu báo cáo")
    APPROVE = "approve", _("Duyệt báo cáo của đơn vị cấp dưới")
    EXPORT = "export", _("Xuất dữ liệu")
    MANAGE_ACCOUNTS = "manage_accounts", _("Quản lý tài khoản khai thác")
    VIEW_AUDIT = "view_audit", _("Xem nhật ký hệ thống")
    REVEAL_PERSONAL_ID = "reveal_personal_id", _("Xem đầy đủ số định danh cá nhân")


class Domain(models.TextChoices):
    """Which body of data a scoped model belongs to; Sở offices see only the domains of their field."""

    UNITS = "units", _("Đơn vị")
    ACCOUNTS = "accounts", _("Tài khoản")
    AUDIT = "audit", _("Nhật ký")
    SCHOOLS = "schools", _("Trường học")
    CLASSES = "classes", _("Lớp học")
    STAFF = "staff", _("Đội ngũ")
    STUDENTS = "students", _("Học sinh")
    FACILITIES = "facilities", _("Cơ sở vật chất")


DATA_DOMAINS = frozenset(
    {Domain.UNITS, Domain.SCHOOLS, Domain.CLASSES, Domain.STAFF, Domain.STUDENTS, Domain.FACILITIES}
)
ALL_FUNCTIONS = frozenset(Function.values)


@dataclass(frozen=True)
class Scope:
    """What one signed-in account may reach: its unit, the functions it holds, and whether it is the admin."""

    unit: Unit
    functions: frozenset[str]
    is_admin: bool

    def allows(self, function: str) -> bool:
        return function in self.functions

    def unit_q(self, domain: str, prefix: str = "") -> models.Q | None:
        """The filter on a unit reached through ``prefix`` for data of ``domain``; None means nothing at all."""
        from edudb.core.models import Category, subtree_q

        if self.unit.kind.category == Category.OFFICE:
            return self._office_q(domain, prefix)
        return subtree_q(self.unit.path, prefix)

    def _office_q(self, domain: str, prefix: str) -> models.Q | None:
        """Sở offices oversee by domain and level, not by geography (Điều 6.2)."""
        from edudb.core.models import Category, Oversight, subtree_q

        own = models.Q(**{f"{prefix}pk": self.unit.pk})
        department = self.unit.parent
        if department is None or domain not in DATA_DOMAINS:
            return own
        oversight = self.unit.oversight
        if oversight == Oversight.LEVELS:
            levels = self.unit.levels
            if not levels:
                return own
            by_level = reduce(or_, (models.Q(**{f"{prefix}level_codes__contains": f"|{code}|"}) for code in levels))
            return own | (subtree_q(department.path, prefix) & by_level)
        if oversight == Oversight.STAFF:
            if domain not in {Domain.UNITS, Domain.STAFF}:
                return own if domain == Domain.UNITS else None
            direct = models.Q(**{f"{prefix}parent_id": department.pk}) & ~models.Q(
                **{f"{prefix}kind__category": Category.MANAGER}
            )
            return models.Q(**{f"{prefix}pk": department.pk}) | direct
        if oversight == Oversight.REVIEW:
            return subtree_q(department.path, prefix)
        return own

    def filter_for(self, model: type[models.Model], function: str, via: str | None = None) -> models.Q | None:
        # A model may demand a function of its own on top of the one asked for (accounts, the audit trail).
        required = getattr(model, "scope_function", None)
        if not self.allows(function) or (required and not self.allows(required)):
            return None
        field = getattr(model, "scope_unit_field", None)
        if field is None:
            raise TypeError(f"{model.__name__} declares no scope_unit_field and cannot be scoped")
        domain_field = getattr(model, "scope_domain_field", None)
        if domain_field is not None:
            # Rows of several component databases (quality findings, scores): each row is visible where the
            # data of its own database is, so a staff-only office sees the staff findings and no others.
            prefix = f"{field}__" if field else ""
            reached = {value: self.unit_q(value, prefix) for value in sorted(DATA_DOMAINS)}
            rows = [models.Q(**{domain_field: value}) & q for value, q in reached.items() if q is not None]
            return reduce(or_, rows) if rows else None
        domain = model.scope_domain  # type: ignore[attr-defined]
        if isinstance(field, tuple):
            # An object between two units (a transfer) is visible from either end; ``via`` names one end only
            # (the receiving school may accept a transfer, only the sending one may cancel it).
            if via is not None and via not in field:
                raise ValueError(f"{model.__name__} is not scoped through {via}")
            parts = [self.unit_q(domain, f"{name}__") for name in field if via in (None, name)]
            present = [q for q in parts if q is not None]
            return reduce(or_, present) if present else None
        return self.unit_q(domain, f"{field}__" if field else "")


def scope_for(user: Any) -> Scope | None:
    """The scope of a signed-in, active account, computed once per request and kept on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_edudb_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if user.unit_id is None:
        return None
    is_admin = user.is_admin
    functions = ALL_FUNCTIONS if is_admin else frozenset(user.functions.values_list("function", flat=True))
    scope = Scope(unit=user.unit, functions=functions, is_admin=is_admin)
    user._edudb_scope = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the account's grants or unit changed."""
    if hasattr(user, "_edudb_scope"):
        del user._edudb_scope


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset that knows how to narrow itself to what a user may see."""

    def visible_to(self, user: Any, function: str = Function.VIEW, *, via: str | None = None) -> ScopedQuerySet[M]:
        scope = scope_for(user)
        condition = scope.filter_for(self.model, function, via) if scope else None
        if condition is None:
            return self.none()
        return self.filter(condition)


def reaches(user: Any, unit: Unit, function: str, domain: str) -> bool:
    """Whether ``user`` may use ``function`` on data of ``domain`` at ``unit`` (before any record exists there)."""
    from edudb.core.models import Unit

    scope = scope_for(user)
    if scope is None or not scope.allows(function):
        return False
    condition = scope.unit_q(domain, "")
    return condition is not None and Unit.objects.filter(condition, pk=unit.pk).exists()


def get_scoped_or_404(  # noqa: UP047 - the project's semgrep cannot parse PEP 695 generics yet
    queryset: type[M] | models.QuerySet[M], user: Any, function: str = Function.VIEW, **lookup: Any
) -> M:
    """Fetch one object the user may reach with ``function``; missing and out-of-scope both answer 404."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    if not hasattr(qs, "visible_to"):
        raise TypeError(f"{qs.model.__name__} is not a scoped model")
    try:
        return qs.visible_to(user, function).get(**lookup)  # type: ignore[no-any-return]
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Không tìm thấy dữ liệu.")) from exc
