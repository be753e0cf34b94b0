"""Factories for units and accounts, shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from edudb.accounts.models import Account, AccountFunction, AccountKind
from edudb.core.models import Unit, UnitKind

TEST_PASSWORD = "Matkhau-Thu-2026"
_HASH: dict[str, str] = {}


def password_hash() -> str:
    """One hash per test session: hashing is the slowest part of making accounts."""
    if "value" not in _HASH:
        _HASH["value"] = make_password(TEST_PASSWORD)
    return _HASH["value"]


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"39{n:06d}")
    name = factory.Sequence(lambda n: f"Trường Tiểu học Số {n}")
    kind = factory.LazyFunction(lambda: UnitKind.objects.get(code="tieu_hoc"))
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        kind = kwargs.get("kind")
        if isinstance(kind, str):
            kwargs["kind"] = UnitKind.objects.get(code=kind)
        unit: Unit = super()._create(model_class, *args, **kwargs)
        return unit


class AccountFactory(factory.django.DjangoModelFactory[Account]):
    class Meta:
        model = Account
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"taikhoan{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    kind = AccountKind.USER
    password = factory.LazyFunction(password_hash)
    must_change_password = False
    acknowledged_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def functions(self: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            AccountFunction.objects.bulk_create(AccountFunction(account=self, function=f) for f in extracted)
