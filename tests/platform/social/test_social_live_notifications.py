"""Social notifications reach the recipient's /ws/notifications/ socket live, over the real
channel layer (Redis): a follow, a like (then grouped: "Lena and 1 other liked your moment"),
a comment, a reply and a mention. Actions of a limited (silently shadow-banned) person tell
nobody, and nobody else's socket hears about them."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from core.testing.websockets import connect
from realtime.testing import receive_until
from realtime.testing import role_groups_after_flush as _role_groups  # noqa: F401
from social import services
from social.models import SocialProfile

pytestmark = pytest.mark.django_db(transaction=True)


async def next_notification(socket: Any) -> dict[str, Any]:
    event = await receive_until(socket, "notification.new")
    return event["notification"]


async def test_follow_like_comment_reply_and_mention_arrive_live(
    student: Any, other_student: Any, teacher: Any
) -> None:
    sam = await connect("/ws/notifications/", user=student)
    assert await sam.receive_json_from(timeout=5) == {"type": "unread_count", "count": 0}
    lena = await connect("/ws/notifications/", user=other_student)
    assert await lena.receive_json_from(timeout=5) == {"type": "unread_count", "count": 0}

    await sync_to_async(services.follow)(other_student, student.pk)
    followed = await next_notification(sam)
    assert followed["type"] == "social.follow"
    assert followed["title"] == "Lena Learner started following you"
    assert followed["url"] == f"/social/people/{other_student.pk}/"

    moment = await sync_to_async(services.post_moment)(
        student, text="Hoy aprendí la palabra «madrugar»", language="es"
    )
    await sync_to_async(services.like)(other_student, moment.pk)
    liked = await receive_until(sam, "notification.new")
    assert liked["notification"]["type"] == "social.like"
    assert liked["notification"]["title"] == "Lena Learner liked your moment"
    assert liked["notification"]["url"] == f"/social/moments/{moment.pk}/"
    assert liked["unread_count"] == 2

    # A second like updates the same notification in place, live, without a new unread one.
    await sync_to_async(services.like)(teacher, moment.pk)
    grouped = await receive_until(sam, "notification.new")
    assert grouped["notification"]["id"] == liked["notification"]["id"]
    assert grouped["notification"]["title"] == "Tomás Teacher and 1 other liked your moment"
    assert grouped["unread_count"] == 2

    made = await sync_to_async(services.comment)(other_student, moment.pk, text="¡Qué bien!")
    commented = await next_notification(sam)
    assert commented["type"] == "social.comment"
    assert commented["title"] == "Lena Learner commented on your moment"
    assert commented["body"] == "¡Qué bien!"

    # Sam replies: Lena, whose comment it is, hears it on her socket.
    await sync_to_async(services.comment)(student, moment.pk, text="Gracias", parent_id=made.pk)
    replied = await next_notification(lena)
    assert replied["type"] == "social.comment"
    assert replied["title"] == "Sam Student replied to your comment"

    # Lena mentions Sam (whom she follows) in a moment of her own.
    await sync_to_async(services.post_moment)(
        other_student, text="Practicando con @Sam hoy", language="es"
    )
    mentioned = await next_notification(sam)
    assert mentioned["type"] == "social.mention"
    assert mentioned["title"] == "Lena Learner mentioned you"

    # Nothing else was sent to either socket (Lena's own actions do not notify her).
    assert await sam.receive_nothing(timeout=0.5)
    assert await lena.receive_nothing(timeout=0.5)
    await sam.disconnect()
    await lena.disconnect()


async def test_a_limited_persons_follow_and_like_tell_nobody(
    student: Any, other_student: Any, senior_moderator: Any
) -> None:
    moment = await sync_to_async(services.post_moment)(student, text="Hola", language="es")

    def limit_lena() -> None:
        report = services.report(
            student, target="profile", target_id=str(other_student.pk), category="spam"
        )
        services.decide_report(report, moderator=senior_moderator, kind="limit", reason="Spam")

    await sync_to_async(limit_lena)()
    assert await sync_to_async(
        SocialProfile.objects.filter(user=other_student, limited_at__isnull=False).exists
    )()
    sam = await connect("/ws/notifications/", user=student)
    await receive_until(sam, "unread_count")
    await sync_to_async(services.follow)(other_student, student.pk)
    await sync_to_async(services.like)(other_student, moment.pk)
    assert await sam.receive_nothing(timeout=0.5)
    await sam.disconnect()
