from typing import Any

from rest_framework import serializers

from ..models import Device, NotificationSettings
from ..services import notification_event


class NotificationSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    type = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    # DRF's metaclass pops declared fields off the class, so ``Serializer.data`` survives.
    data = serializers.JSONField(read_only=True)  # type: ignore[assignment]
    url = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    read = serializers.BooleanField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return notification_event(instance)


class UnreadCountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class NotificationSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotificationSettings
        fields = ["time_zone", "quiet_hours_start", "quiet_hours_end", "daily_digest"]
        extra_kwargs = {
            "time_zone": {
                "help_text": "Overrides the profile's time zone for quiet hours and the "
                "digest; blank (the default) follows the profile."
            }
        }


class NotificationPreferencesSerializer(serializers.Serializer):
    """``{"preferences": {"<type>": {"in_app": true, "email": false, "push": true}}}``"""

    preferences = serializers.DictField(
        child=serializers.DictField(child=serializers.BooleanField())
    )


class DeviceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Device
        fields = ["platform", "token", "created_at"]
        read_only_fields = ["created_at"]
        # Uniqueness is handled by the service (a token moves to its latest owner).
        validators: list[Any] = []


class WebPushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class WebPushSubscriptionSerializer(serializers.Serializer):
    """The browser's PushSubscription.toJSON(), as sent by static/js/pwa/push.js."""

    endpoint = serializers.URLField(max_length=1000)
    keys = WebPushKeysSerializer()
    created_at = serializers.DateTimeField(read_only=True)


class WebPushUnsubscribeSerializer(serializers.Serializer):
    endpoint = serializers.URLField(max_length=1000)


class WebPushConfigSerializer(serializers.Serializer):
    public_key = serializers.CharField(
        help_text="The VAPID public key: pass it as applicationServerKey to "
        "pushManager.subscribe(). Empty when the server has no VAPID key (Web Push off)."
    )
    subscribed = serializers.IntegerField(help_text="This user's browser subscriptions.")
