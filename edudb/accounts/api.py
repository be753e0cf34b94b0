"""API of accounts: token sign-in, the caller's own profile, and account management through the services."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from edudb.accounts import services
from edudb.accounts.models import Account, AccountFunction, AccountKind
from edudb.core.api_base import IdFilter, ScopedViewSet
from edudb.core.middleware import client_ip
from edudb.core.models import Unit
from edudb.core.scoping import Function, scope_for
from edudb.quality.text import search_key


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="Mã TOTP (tài khoản quản trị)"
    )


class TokenResponseSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    expires_in = serializers.IntegerField()


class TokenThrottle(AnonRateThrottle):
    scope = "token"


@extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, tags=["auth"])
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([TokenThrottle])
def obtain_token(request: Request) -> Response:
    """Exchange username and password (and TOTP code for admin accounts) for an API token."""
    from django.conf import settings

    serializer = TokenRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    result = services.sign_in(
        username=data["username"], password=data["password"], otp=data.get("otp"), ip=client_ip(request), channel="api"
    )
    if not result.ok or result.account is None:
        return Response({"detail": result.message, "code": str(result.status)}, status=status.HTTP_400_BAD_REQUEST)
    if result.needs_otp_enrolment or result.account.must_change_password:
        return Response(
            {
                "detail": _(
                    "Hãy đăng nhập trên trang web để đổi mật khẩu lần đầu và bật xác thực hai lớp trước khi dùng API."
                ),
                "code": "setup_required",
            },
            status=status.HTTP_403_FORBIDDEN,
        )
    token = services.issue_api_token(result.account)
    return Response({"token": token.key, "expires_in": int(settings.EDUDB_SESSION_ABSOLUTE.total_seconds())})


class AccountSerializer(serializers.ModelSerializer[Account]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    email = serializers.CharField(read_only=True, help_text="Thư điện tử (có thể trống)")
    functions = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "position",
            "unit",
            "unit_name",
            "kind",
            "is_active",
            "suspended_reason",
            "expires_at",
            "last_seen_at",
            "created_at",
            "functions",
        ]
        read_only_fields = fields

    def get_functions(self, account: Account) -> list[str]:
        if account.is_admin:
            return sorted(Function.values)
        return sorted(f.function for f in account.functions.all())


class AccountIssueSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AccountKind.choices)
    username = serializers.RegexField(r"^[a-z0-9][a-z0-9._-]{2,59}$", max_length=60)
    full_name = serializers.CharField(max_length=120)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    position = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    functions = serializers.ListField(
        child=serializers.ChoiceField(choices=Function.choices), required=False, default=list
    )


class IssuedAccountSerializer(serializers.Serializer[Any]):
    account = AccountSerializer()
    one_time_password = serializers.CharField()


class FunctionsSerializer(serializers.Serializer[Any]):
    functions = serializers.ListField(child=serializers.ChoiceField(choices=Function.choices))


class SuspendSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=255)


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search")
    kind = django_filters.ChoiceFilter(choices=AccountKind.choices)
    unit = IdFilter(field_name="unit_id")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Account
        fields: list[str] = []

    def search(self, queryset: QuerySet[Account], name: str, value: str) -> QuerySet[Account]:
        return queryset.filter(name_key__contains=search_key(value))


class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Accounts of the caller's unit and below (function: manage accounts)."""

    model = Account
    function = Function.MANAGE_ACCOUNTS
    serializer_class = AccountSerializer
    filterset_class = AccountFilter

    def refine(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        grants = Prefetch("functions", queryset=AccountFunction.objects.only("account_id", "function"))
        return queryset.select_related("unit").prefetch_related(grants).order_by("unit__path", "kind", "username")

    def _refused(self, exc: services.AccountRefused) -> Response:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)

    @extend_schema(request=AccountIssueSerializer, responses={201: IssuedAccountSerializer})
    def create(self, request: Request) -> Response:
        """Issue an account under the rules of Điều 5."""
        serializer = AccountIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = Unit.objects.visible_to(request.user, Function.MANAGE_ACCOUNTS).filter(pk=data.pop("unit")).first()
        if unit is None:
            raise ValidationError({"unit": [_("Đơn vị không tồn tại hoặc nằm ngoài phạm vi quản lý của bạn.")]})
        try:
            account, password = services.issue_account(by=request.user, unit=unit, **data)  # type: ignore[arg-type]
        except services.AccountRefused as exc:
            return self._refused(exc)
        body = {"account": AccountSerializer(account).data, "one_time_password": password}
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    @extend_schema(request=FunctionsSerializer, responses={200: AccountSerializer})
    @action(detail=True, methods=["put"])
    def functions(self, request: Request, pk: str | None = None) -> Response:
        """Replace the functions granted to a user account."""
        account = self.get_object()
        serializer = FunctionsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.set_functions(account, by=request.user, functions=serializer.validated_data["functions"])  # type: ignore[arg-type]
        except services.AccountRefused as exc:
            return self._refused(exc)
        return Response(AccountSerializer(self.get_object()).data)

    @extend_schema(request=SuspendSerializer, responses={200: AccountSerializer})
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        """Suspend an account; its sessions and tokens stop working at once."""
        account = self.get_object()
        serializer = SuspendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.suspend_account(account, by=request.user, reason=serializer.validated_data["reason"])  # type: ignore[arg-type]
        except services.AccountRefused as exc:
            return self._refused(exc)
        return Response(AccountSerializer(self.get_object()).data)


class MeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    full_name = serializers.CharField()
    kind = serializers.CharField()
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    functions = serializers.ListField(child=serializers.CharField())


@extend_schema(responses={200: MeSerializer}, tags=["auth"])
@api_view(["GET"])
def me(request: Request) -> Response:
    """The signed-in account and the functions it holds."""
    account: Account = request.user  # type: ignore[assignment]
    scope = scope_for(account)
    return Response(
        {
            "username": account.username,
            "full_name": account.full_name,
            "kind": account.kind,
            "unit": account.unit_id,
            "unit_name": account.unit.name,
            "functions": sorted(scope.functions) if scope else [],
        }
    )
