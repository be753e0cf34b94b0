"""Base API viewsets: the only API doors to scoped data (DESIGN decision 1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
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


def refuse_blocking_problems(record: Any) -> None:
    """The quality rules (R6.3) as the pages apply them: an error rule broken refuses the write, field by field."""
    from edudb.quality.models import Severity
    from edudb.quality.rules import check_record

    errors: dict[str, list[str]] = {}
    for problem in check_record(record):
        if problem.severity == Severity.ERROR:
            errors.setdefault(problem.field, []).append(problem.message)
    if errors:
        raise serializers.ValidationError(errors)


_NAME_FIELDS = frozenset({"full_name", "principal_name"})
_NOT_NORMALISED = frozenset({"personal_id", "ministry_code", "temporary_code", "code"})


def model_field_kind(model: Any, name: str) -> str | None:
    """Which kind of the normalisation layer a model's text field holds (a member name of normalise.Kind)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if name in _NOT_NORMALISED or name.endswith("_code") or not field.concrete or field.choices:
        return None
    if isinstance(field, models.TextField):
        return "MULTILINE"
    if not isinstance(field, models.CharField):
        return None
    if isinstance(field, models.EmailField):
        return "EMAIL"
    if isinstance(field, models.URLField | models.SlugField):
        return None
    if name in _NAME_FIELDS:
        return "NAME"
    return "PHONE" if name.endswith("phone") else "TEXT"


class RecordSerializer(serializers.ModelSerializer[Any]):
    """Writes go through records.create_record / update_record, exactly as the pages' do; text goes through the
    one normalisation layer (R6.1) first, and what it changed is returned with the record (``normalised``)."""

    version = serializers.IntegerField(read_only=True)

    def to_internal_value(self, data: Any) -> Any:
        # Here rather than in validate(), which the record serializers override: every one of them normalises.
        from edudb.quality import normalise

        attrs = super().to_internal_value(data)
        layer = normalise.Normaliser()
        model: Any = self.Meta.model
        for name, value in attrs.items():
            kind = model_field_kind(model, name)
            if kind is None or not isinstance(value, str) or not value:
                continue
            raw = self.initial_data.get(name, value) if hasattr(self.initial_data, "get") else value
            result = layer.clean(
                name,
                normalise.Kind[kind],
                raw if isinstance(raw, str) else value,
                label=str(model._meta.get_field(name).verbose_name),
                max_length=model._meta.get_field(name).max_length,
            )
            if result is not None:
                attrs[name] = result
        if layer.errors:
            raise serializers.ValidationError({name: [message] for name, message in layer.errors.items()})
        self.normalisations = [change for change in layer.changes if not change.minor]
        return attrs

    def answer(self) -> dict[str, Any]:
        """The written record as the API shows it, with the normalisation layer's changes to what was sent."""
        data = dict(self.data)
        changes = getattr(self, "normalisations", [])
        if changes:
            data["normalised"] = [
                {"field": c.field, "before": c.before, "after": c.after, "reasons": [str(r) for r in c.reasons]}
                for c in changes
            ]
        return data

    def create(self, validated_data: dict[str, Any]) -> Any:
        many = {k: validated_data.pop(k) for k in list(validated_data) if self._is_many(k)}
        model: Any = self.Meta.model
        record = model(**validated_data)
        refuse_blocking_problems(record)
        create_record(record, by=self.context["request"].user, function=self.context["write_function"])
        for name, values in many.items():
            getattr(record, name).set(values)
        return record

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        before = record_snapshot(instance)
        many = {k: validated_data.pop(k) for k in list(validated_data) if self._is_many(k)}
        for name, value in validated_data.items():
            setattr(instance, name, value)
        refuse_blocking_problems(instance)
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


def answer_of(serializer: Any) -> Any:
    """What a write answers: the record, with the normalisation layer's changes when the serializer records them."""
    return serializer.answer() if isinstance(serializer, RecordSerializer) else serializer.data


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
        return Response(answer_of(serializer), headers={"ETag": etag(serializer.instance)})

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
        return Response(
            answer_of(serializer), status=status.HTTP_201_CREATED, headers={"ETag": etag(serializer.instance)}
        )


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
