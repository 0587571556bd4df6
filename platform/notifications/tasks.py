from __future__ import annotations

import datetime as dt
import logging

import httpx
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string, select_template
from django.utils import timezone

from . import push, selectors
from .models import Device, Notification, NotificationSettings, WebPushSubscription
from .push import ApnsSender, FcmSender, PushNotConfigured, WebPushSender

logger = logging.getLogger(__name__)

DIGEST_HOUR = 8  # local time of the user


def _render(notification: Notification) -> tuple[str, str]:
    context = {"notification": notification, "site_url": settings.WAGTAILADMIN_BASE_URL}
    names = [f"notifications/email/{notification.type}.txt", "notifications/email/default.txt"]
    return notification.title, select_template(names).render(context)


def _html(notification: Notification) -> str | None:
    """A kind's HTML alternative, when it has one (``notifications/email/<type>.html``)."""
    try:
        template = get_template(f"notifications/email/{notification.type}.html")
    except TemplateDoesNotExist:
        return None
    return template.render(
        {"notification": notification, "site_url": settings.WAGTAILADMIN_BASE_URL}
    )


@shared_task(name="notifications.send_notification_email")
def send_notification_email(notification_id: str) -> bool:
    """Idempotent: a notification is emailed at most once (acks_late may redeliver)."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    subject, text = _render(notification)
    send_mail(subject, text, None, [notification.recipient.email], html_message=_html(notification))
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


@shared_task(name="notifications.send_notification_push")
def send_notification_push(notification_id: str) -> int:
    notification = Notification.objects.filter(pk=notification_id, pushed_at__isnull=True).first()
    if notification is None:
        return 0
    devices = list(Device.objects.filter(user_id=notification.recipient_id, active=True))
    subscriptions = list(WebPushSubscription.objects.filter(user_id=notification.recipient_id))
    if not devices and not subscriptions:
        return 0
    delivered = _send_web_push(notification, subscriptions) if subscriptions else 0
    data = {**notification.data, "notification_id": str(notification.pk), "type": notification.type}
    for platform, http2, factory in (
        (Device.Platform.FCM, False, FcmSender.from_settings),
        (Device.Platform.APNS, True, ApnsSender.from_settings),
    ):
        targets = [device for device in devices if device.platform == platform]
        if not targets:
            continue
        with push.make_http_client(http2=http2) as client:
            try:
                sender = factory(client)
            except PushNotConfigured as exc:
                logger.info("Push not sent: %s", exc)
                continue
            for device in targets:
                try:
                    result = sender.send(device.token, notification.title, notification.body, data)
                except httpx.HTTPError:
                    logger.exception("Push provider unreachable for device %s", device.pk)
                    continue
                if result.delivered:
                    delivered += 1
                    Device.objects.filter(pk=device.pk).update(last_used_at=timezone.now())
                elif result.device_gone:
                    Device.objects.filter(pk=device.pk).update(active=False)
                else:
                    logger.warning("Push to %s failed: %s", device.pk, result.detail)
    Notification.objects.filter(pk=notification.pk).update(pushed_at=timezone.now())
    return delivered


# Push services may deliver "high" at once to a sleeping phone and batch the rest (RFC 8030).
WEB_PUSH_URGENCY = {"call.incoming": "high", "message.new": "high"}


def _send_web_push(notification: Notification, subscriptions: list[WebPushSubscription]) -> int:
    message = {
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "type": notification.type,
        "notification_id": str(notification.pk),
    }
    urgency = WEB_PUSH_URGENCY.get(notification.type, "normal")
    delivered = 0
    with push.make_http_client() as client:
        try:
            sender = WebPushSender.from_settings(client)
        except PushNotConfigured as exc:
            logger.info("Web Push not sent: %s", exc)
            return 0
        for subscription in subscriptions:
            try:
                result = sender.send(
                    subscription.endpoint,
                    subscription.p256dh,
                    subscription.auth,
                    message,
                    urgency=urgency,
                )
            except httpx.HTTPError:
                logger.exception("Push service unreachable for subscription %s", subscription.pk)
                continue
            if result.delivered:
                delivered += 1
                WebPushSubscription.objects.filter(pk=subscription.pk).update(
                    last_used_at=timezone.now()
                )
            elif result.device_gone:
                WebPushSubscription.objects.filter(pk=subscription.pk).delete()
            else:
                logger.warning("Web Push to %s failed: %s", subscription.pk, result.detail)
    return delivered


@shared_task(name="notifications.send_daily_digests")
def send_daily_digests(now_iso: str | None = None) -> int:
    """Runs hourly (django-celery-beat row from a data migration): emails users whose local
    time is DIGEST_HOUR their unread notifications of the last day, once a day."""
    now = dt.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    sent = 0
    digest_settings = (
        NotificationSettings.objects.filter(daily_digest=True)
        .select_related("user")
        .annotate(profile_zone=F("user__profile__time_zone"))
    )
    for user_settings in digest_settings:
        local = now.astimezone(selectors.local_zone(user_settings, user_settings.profile_zone))
        if local.hour != DIGEST_HOUR:
            continue
        if user_settings.last_digest_at and now - user_settings.last_digest_at < dt.timedelta(
            hours=23
        ):
            continue
        since = now - dt.timedelta(days=1)
        items = list(
            Notification.objects.filter(
                recipient=user_settings.user, read_at__isnull=True, created_at__gte=since
            ).order_by("created_at")
        )
        if items:
            text = render_to_string(
                "notifications/email/digest.txt",
                {
                    "notifications": items,
                    "user": user_settings.user,
                    "site_url": settings.WAGTAILADMIN_BASE_URL,
                },
            )
            send_mail(
                f"Your Toto day: {len(items)} notifications", text, None, [user_settings.user.email]
            )
            sent += 1
        NotificationSettings.objects.filter(pk=user_settings.pk).update(last_digest_at=now)
    return sent
