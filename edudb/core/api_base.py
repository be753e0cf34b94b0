"""Base API viewsets: the only API doors to scoped data (DESIGN decision 1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db import models, transaction
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from edudb.core.models import IdempotentRequest
from edudb.core.records import StaleRecord, create_record, record_snapshot, update_record
from edudb.core.scoping import Function


class IdFilter(django_filters.NumberFilter):
    """A filter on a row id: a whole number in the database's range, so odd input is a 400, never a crash."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class _ScopedViewSetMixin:
    model: ClassVar[type[models.Model]]
    function: ClassVar[str] = Function.VIEW
    request: Any

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if (
            "get_queryset" in cls.__dict__ and not cls.__dict__.get("_owns_get_queryset")
        ) or "queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not set queryset/get_queryset; narrow it in refine()")

    def get_queryset(self) -> models.QuerySet[Any]:
        scoped = self.model._default_manager.all().visible_to(self.request.user, self.function)  # type: ignore[attr-defined]
        return self.refine(scoped)

    def refine(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset


class ScopedReadOnlyViewSet(_ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve what the user may see; anything else is 404."""


class ScopedViewSet(_ScopedViewSetMixin, viewsets.GenericViewSet):
    """A scoped base for viewsets that add their own actions through services."""


class RecordSerializer(serializers.ModelSerializer[Any]):
    """Writes go through records.create_record / update_record, exactly as the pages' do."""

    version = serializers.IntegerField(read_only=True)

    def create(self, validated_data: dict[str, Any]) -> Any:
        many = {k: validated_data.pop(k) for k in list(validated_data) if self._is_many(k)}
        model: Any = self.Meta.model
        record = model(**validated_data)
        create_record(record, by=self.context["request"].user, function=self.context["write_function"])
        for name, values in many.items():
            getattr(record, name).set(values)
        return record

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        before = record_snapshot(instance)
        many = {k: validated_data.pop(k) for k in list(validated_data) if self._is_many(k)}
        for name, value in validated_data.items():
            setattr(instance, name, value)
        update_record(
            instance,
            by=self.context["request"].user,
            function=self.context["write_function"],
            expected_version=self.context["expected_version"],
            before=before,
        )
        for name, values in many.items():
            getattr(instance, name).set(values)
        return instance

    def _is_many(self, name: str) -> bool:
        field = self.fields.get(name)
        return isinstance(field, serializers.ManyRelatedField)


def etag(record: Any) -> str:
    return f'"{record.version}"'


class ScopedRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet
):
    """List, read, create and edit records in scope.

    Reads carry an ETag (the record's version); edits must send it back in If-Match (428 without, 412 when
    stale). Creates honour an Idempotency-Key header: the same key from the same account answers the first
    result again instead of creating a second record.
    """

    write_function: ClassVar[str]
    _owns_get_queryset = True  # the one scoped override: the function depends on the method

    def get_queryset(self) -> models.QuerySet[Any]:
        # Writes look the object up with the write function, reads with the read function.
        function = self.write_function if self.request.method not in ("GET", "HEAD", "OPTIONS") else self.function
        scoped = self.model._default_manager.all().visible_to(self.request.user, function)  # type: ignore[attr-defined]
        return self.refine(scoped)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["write_function"] = self.write_function
        return context

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        return Response(self.get_serializer(record).data, headers={"ETag": etag(record)})

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        sent = request.headers.get("If-Match", "").strip()
        if not sent:
            return Response(
                {"detail": _("Hãy gửi tiêu đề If-Match với ETag nhận được khi đọc bản ghi.")},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        if sent != etag(record):
            return self._stale(record)
        serializer = self.get_serializer(record, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        serializer.context["expected_version"] = record.version  # type: ignore[index]
        try:
            serializer.save()
        except StaleRecord:
            return self._stale(record)
        return Response(serializer.data, headers={"ETag": etag(serializer.instance)})

    def _stale(self, record: Any) -> Response:
        record.refresh_from_db()
        return Response(
            {"detail": str(StaleRecord(record))},
            status=status.HTTP_412_PRECONDITION_FAILED,
            headers={"ETag": etag(record)},
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED, headers={"ETag": etag(serializer.instance)})


def idempotent(request: Request, make: Callable[[], Response]) -> Response:
    """Answer a retried creation (same Idempotency-Key) with the first answer, so ``make`` creates nothing twice."""
    key = request.headers.get("Idempotency-Key", "").strip()[:100]
    if not key:
        return make()
    with transaction.atomic():
        earlier = unscoped_idempotent_answer(request.user, key)
        if earlier is not None:
            if earlier.path != request.path:
                return Response(
                    {"detail": _("Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác.")},
                    status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            return Response(earlier.body, status=earlier.status)
        response = make()
        if status.is_success(response.status_code):
            unscoped_remember_answer(request.user, key, request.path, response)
        return response


def unscoped_remember_answer(account: Any, key: str, path: str, response: Response) -> None:
    """Keep the answer to the account's own keyed request (its own row, no unit scope)."""
    IdempotentRequest.objects.create(
        account=account, key=key, path=path, status=response.status_code, body=response.data
    )


def unscoped_idempotent_answer(account: Any, key: str) -> IdempotentRequest | None:
    """The stored answer to the account's own earlier request with this key (its own row, no unit scope)."""
    return IdempotentRequest.objects.select_for_update().filter(account=account, key=key).first()
