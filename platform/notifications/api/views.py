from typing import Any

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import push, selectors, services
from ..models import Notification
from . import serializers


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["type", "unread"]


class NotificationListView(generics.ListAPIView):
    """The in-app notification centre, newest first (``?unread=true``, ``?type=``)."""

    serializer_class = serializers.NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return Notification.objects.none()
        return selectors.notifications_of(self.request.user)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, notification_id: Any) -> Response:
        services.mark_read(request.user, notification_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses=serializers.UnreadCountSerializer)
    def post(self, request: Request) -> Response:
        services.mark_all_read(request.user)
        return Response({"count": 0})


class UnreadCountView(APIView):
    @extend_schema(responses=serializers.UnreadCountSerializer)
    def get(self, request: Request) -> Response:
        return Response({"count": selectors.unread_count(request.user)})


class PreferencesView(APIView):
    @extend_schema(responses=serializers.NotificationPreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response({"preferences": selectors.preferences_of(request.user)})

    @extend_schema(
        request=serializers.NotificationPreferencesSerializer,
        responses=serializers.NotificationPreferencesSerializer,
    )
    def put(self, request: Request) -> Response:
        data = serializers.NotificationPreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_preferences(request.user, data.validated_data["preferences"])
        return Response({"preferences": selectors.preferences_of(request.user)})


class SettingsView(APIView):
    @extend_schema(responses=serializers.NotificationSettingsSerializer)
    def get(self, request: Request) -> Response:
        return Response(
            serializers.NotificationSettingsSerializer(selectors.settings_of(request.user)).data
        )

    @extend_schema(
        request=serializers.NotificationSettingsSerializer,
        responses=serializers.NotificationSettingsSerializer,
    )
    def put(self, request: Request) -> Response:
        data = serializers.NotificationSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.update_settings(request.user, **data.validated_data)
        return Response(serializers.NotificationSettingsSerializer(updated).data)


class DeviceListView(generics.CreateAPIView):
    """Registers a phone's push token (FCM or APNs) for the signed-in user."""

    serializer_class = serializers.DeviceSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.register_device(
            self.request.user,
            serializer.validated_data["platform"],
            serializer.validated_data["token"],
        )


class DeviceDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, token: str) -> Response:
        services.unregister_device(request.user, token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebPushView(APIView):
    """Web Push for the website and the installed app: the key to subscribe with, and a
    browser's subscription. Notifications then arrive by Web Push on the same terms as
    phone push: the type's push preference and the user's quiet hours apply."""

    @extend_schema(responses=serializers.WebPushConfigSerializer)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "public_key": push.vapid_public_key(),
                "subscribed": selectors.web_push_subscriptions_of(request.user).count(),
            }
        )

    @extend_schema(
        request=serializers.WebPushSubscriptionSerializer,
        responses={
            201: serializers.WebPushSubscriptionSerializer,
            200: serializers.WebPushSubscriptionSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        data = serializers.WebPushSubscriptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, created = services.subscribe_web_push(
            request.user,
            data.validated_data["endpoint"],
            data.validated_data["keys"]["p256dh"],
            data.validated_data["keys"]["auth"],
            request.headers.get("User-Agent", ""),
        )
        body = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            "created_at": subscription.created_at,
        }
        return Response(
            serializers.WebPushSubscriptionSerializer(body).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class WebPushUnsubscribeView(APIView):
    @extend_schema(request=serializers.WebPushUnsubscribeSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = serializers.WebPushUnsubscribeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.unsubscribe_web_push(request.user, data.validated_data["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)
