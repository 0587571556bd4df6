"""Writes on conversations and messages, and the real-time events they cause.

A message is stored (with its sequence number, allocated under a row lock on the
conversation) and committed before anything is fanned out; the fan-out then goes to each
participant's ``chat`` group. Clients that missed events resume from their last sequence.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import is_email_verified
from core import dispatch
from core.fanout import CHAT, send_to_users
from core.uploads import RejectedUpload, checked_type, stored_name

from . import crypto, presence, selectors
from .errors import (
    AttachmentTooLarge,
    Blocked,
    EmailNotVerified,
    InvalidAttachment,
    InvalidMessage,
    InvalidParticipants,
    MessageNotFound,
    MessagingError,
    NotYourMessage,
)
from .models import (
    Block,
    Conversation,
    Message,
    MessagingPreferences,
    Participant,
    Report,
    SearchToken,
)

logger = logging.getLogger(__name__)

ATTACHMENT_TYPES: dict[str, str] = {
    "image/png": "image",
    "image/jpeg": "image",
    "image/webp": "image",
    "image/gif": "image",
    "audio/ogg": "audio",
    "audio/webm": "audio",
    "video/webm": "audio",  # browsers' MediaRecorder audio notes are sniffed as video/webm
    "audio/mpeg": "audio",
    "audio/mp4": "audio",
    "audio/x-m4a": "audio",
    "audio/x-wav": "audio",
    "audio/wav": "audio",
    "application/pdf": "file",
    "text/plain": "file",
}


def message_event(
    message: Message, body: str | None = None, *, hidden: bool | None = None
) -> dict[str, Any]:
    """The JSON form of a message on sockets and in the API (the same shape in both).

    ``hidden``: the viewer blocked the sender (groups only; see selectors.visible_messages):
    the message keeps its place in the sequence, without content. Defaults to the
    ``hidden`` annotation of selectors.visible_messages, if any."""
    if hidden is None:
        hidden = bool(getattr(message, "hidden", False))
    deleted = message.deleted_at is not None
    if hidden:
        body = ""
    elif body is None:
        body = "" if deleted else crypto.decrypt(message.body_encrypted)
    attachment = None
    if message.attachment and not deleted and not hidden:
        attachment = {
            "kind": message.attachment_kind,
            "mime": message.attachment_mime,
            "size": message.attachment_size,
            "name": message.attachment_name,
            "url": f"/api/v1/conversations/{message.conversation_id}/messages/{message.id}/attachment/",
        }
    return {
        "id": str(message.id),
        "conversation": str(message.conversation_id),
        "seq": message.seq,
        "sender": str(message.sender_id) if message.sender_id else None,
        "client_id": message.client_id,
        "body": body,
        "attachment": attachment,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
        "hidden": hidden,
        # The conversation's event counter at this version of the message: a client resumes
        # from the highest it holds to also get the edits and deletes it missed.
        "event": message.changed_event or message.created_event,
    }


def _require_verified(user: User) -> None:
    if not is_email_verified(user):
        raise EmailNotVerified()


def start_conversation(
    creator: User, participants: list[User], *, title: str = ""
) -> tuple[Conversation, bool]:
    """A direct conversation with one other person (the existing one if there is one), or a
    group with several. Returns (conversation, created)."""
    _require_verified(creator)
    others = {user.pk: user for user in participants if user.pk != creator.pk}
    if not others:
        raise InvalidParticipants()
    if len(others) + 1 > settings.MESSAGING_MAX_GROUP_SIZE:
        raise InvalidParticipants(
            f"A conversation has at most {settings.MESSAGING_MAX_GROUP_SIZE} people."
        )
    if any(not user.is_active for user in others.values()):
        raise InvalidParticipants()
    if len(others) == 1:
        (other,) = others.values()
        if selectors.is_blocked_between(creator.pk, other.pk):
            raise Blocked()
        key = ":".join(sorted([creator.pk.hex, other.pk.hex]))
        existing = Conversation.objects.filter(direct_key=key).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    kind=Conversation.Kind.DIRECT, direct_key=key, created_by=creator
                )
                Participant.objects.bulk_create(
                    [
                        Participant(conversation=conversation, user=creator),
                        Participant(conversation=conversation, user=other),
                    ]
                )
        except IntegrityError:  # created concurrently by the other person
            return Conversation.objects.get(direct_key=key), False
    else:
        # A group would still deliver its title and a "conversation.new" to someone who
        # blocked the creator. Refused without saying which member it is: that would tell
        # the creator who blocked them.
        if selectors.is_blocked_with_any(creator.pk, list(others)):
            raise Blocked("You cannot start a group with everyone you chose.")
        with transaction.atomic():
            conversation = Conversation.objects.create(
                kind=Conversation.Kind.GROUP, title=title[:120], created_by=creator
            )
            Participant.objects.bulk_create(
                [Participant(conversation=conversation, user=creator)]
                + [Participant(conversation=conversation, user=user) for user in others.values()]
            )
    member_ids = [creator.pk, *others]
    event = {"type": "conversation.new", "conversation": str(conversation.pk)}
    transaction.on_commit(lambda: send_to_users(CHAT, member_ids, event))
    return conversation, True


def _check_attachment(upload: UploadedFile) -> tuple[str, str]:
    try:
        mime = checked_type(upload, ATTACHMENT_TYPES)
    except RejectedUpload as exc:
        raise InvalidAttachment(f"Files of type {exc.mime} are not accepted.") from exc
    kind = ATTACHMENT_TYPES[mime]
    limit = settings.MESSAGING_ATTACHMENT_MAX_BYTES[kind]
    if upload.size is None or upload.size > limit:
        raise AttachmentTooLarge(f"This {kind} is larger than {limit // (1024 * 1024)} MB.")
    return kind, mime


@dataclass
class SendResult:
    message: Message
    created: bool
    body: str
    # With ``send_message(defer=True)``: the sends to make (user ids, event), in order, and
    # the message whose offline nudge to queue once they are made.
    fan_out: list[tuple[list[Any], dict[str, Any]]] = field(default_factory=list)
    nudge: Any = None
    # Who the offline nudge is for: the members but the sender and those who blocked them.
    nudged: list[Any] = field(default_factory=list)


def send_message(
    sender: User,
    conversation_id: Any,
    *,
    client_id: str,
    body: str = "",
    attachment: UploadedFile | None = None,
    defer: bool = False,
) -> SendResult:
    """Stores a message and fans it out after commit. Idempotent on ``client_id``: sending
    the same id again returns the stored message and sends nothing.

    ``defer``: the caller fans out and queues the offline nudge itself, from
    ``SendResult.fan_out`` and ``SendResult.nudge`` (the chat socket does it on its event
    loop right after this returns, instead of from this thread). Only outside a
    transaction: inside one, the commit that makes them safe has not happened yet."""
    outermost = not transaction.get_connection().in_atomic_block
    try:
        result = _store_message(
            sender,
            conversation_id,
            client_id=client_id,
            body=body,
            attachment=attachment,
            defer=defer and outermost,
            outermost=outermost,
        )
    except IntegrityError:
        if not outermost:
            raise
        # The same client id committed by a concurrent send while this one waited for the
        # row lock (the locking statement's snapshot is older than that commit): the second
        # try reads it and answers as a duplicate.
        if attachment is not None:
            attachment.seek(0)
        result = _store_message(
            sender,
            conversation_id,
            client_id=client_id,
            body=body,
            attachment=attachment,
            defer=defer,
            outermost=outermost,
        )
    if result.nudge is not None and not _someone_offline(result.nudged):
        result.nudge = None
    return result


def _someone_offline(recipients: list[Any]) -> bool:
    """Whether one of a message's recipients has no chat socket open. When all of them have
    one, the message reached them live and the offline nudge would notify nobody, so it is
    not queued: a Celery publish is about a tenth of a chat message's server CPU, and the
    check one cache read (the nudge's task checks presence again when it runs)."""
    return bool(recipients) and not presence.all_online(recipients)


def _store_message(
    sender: User,
    conversation_id: Any,
    *,
    client_id: str,
    body: str,
    attachment: UploadedFile | None,
    defer: bool,
    outermost: bool,
) -> SendResult:
    body = (body or "").strip()
    client_id = (client_id or "").strip()
    if not client_id or len(client_id) > 64:
        raise InvalidMessage("A client_id (at most 64 characters) is required.")
    if len(body) > settings.MESSAGING_MAX_BODY_CHARS:
        raise InvalidMessage(
            f"A message has at most {settings.MESSAGING_MAX_BODY_CHARS} characters."
        )
    if not body and attachment is None:
        raise InvalidMessage()
    kind = mime = ""
    if attachment is not None:
        kind, mime = _check_attachment(attachment)

    with transaction.atomic():
        # The row lock serialises sequence allocation per conversation (and only there).
        # Its statement also checks the verified address and the idempotency key.
        locked = selectors.locked_for_send(conversation_id, sender, client_id)
        if locked is None:
            _require_verified(sender)  # an unverified sender hears that first, as before
            raise selectors.ConversationNotFound()
        conversation, verified, existing_id = locked
        if not verified:
            raise EmailNotVerified()
        if existing_id is None and not outermost:
            # Inside a caller's transaction a failed insert could not be retried: read again
            # after the lock, with a fresh snapshot.
            existing_id = (
                Message.objects.filter(
                    conversation=conversation, sender=sender, client_id=client_id
                )
                .values_list("pk", flat=True)
                .first()
            )
        if existing_id is not None:
            existing = Message.objects.get(pk=existing_id)
            return SendResult(existing, False, crypto.decrypt(existing.body_encrypted))
        # Members, and blocks either way between each and the sender, in one query.
        members = selectors.members_and_blocks(conversation.pk, sender.pk)
        member_ids = list(members)
        if conversation.kind == Conversation.Kind.DIRECT and any(
            blocked_by or blocking for blocked_by, blocking in members.values()
        ):
            raise Blocked()
        now = timezone.now()
        seq = conversation.last_seq + 1
        event_number = conversation.last_event + 1
        message = Message(
            conversation=conversation,
            seq=seq,
            sender=sender,
            client_id=client_id,
            body_encrypted=crypto.encrypt(body),
            created_at=now,
            created_event=event_number,
        )
        if attachment is not None:
            message.attachment_kind = kind
            message.attachment_mime = mime
            message.attachment_size = attachment.size
            message.attachment_name = (attachment.name or "file")[-200:]
            message.attachment.save(stored_name(mime), attachment, save=False)
        message.save(force_insert=True)
        Conversation.objects.filter(pk=conversation.pk).update(
            last_seq=seq, last_event=event_number, last_message_at=now
        )
        Participant.objects.filter(conversation=conversation, user=sender).update(last_read_seq=seq)
        tokens = crypto.search_tokens(body)
        SearchToken.objects.bulk_create(
            [
                SearchToken(message=message, conversation=conversation, token=token)
                for token in tokens
            ]
        )
        blockers = {pk for pk, (blocked_by, _) in members.items() if blocked_by}
        nudged = [pk for pk in member_ids if pk != sender.pk and pk not in blockers]
        fan_out = _fan_out(
            conversation, "message.new", message, body, member_ids, blockers, defer=defer
        )
        if not defer:

            def nudge() -> None:
                if _someone_offline(nudged):
                    enqueue_offline_notifications(message.pk)

            transaction.on_commit(nudge)
    return SendResult(message, True, body, fan_out, message.pk if defer else None, nudged)


def _fan_out(
    conversation: Conversation,
    kind: str,
    message: Message,
    body: str,
    member_ids: list[Any],
    blockers: set[Any] | None = None,
    *,
    defer: bool = False,
) -> list[tuple[list[Any], dict[str, Any]]]:
    """Sends ``kind`` for ``message`` to every member after commit; in groups, members who
    blocked the sender get it without content (``hidden``), so their sequence stays whole.
    ``blockers``: which members blocked the sender, when the caller read it already.
    ``defer``: sends nothing and returns the (user ids, event) sends for the caller to make
    after commit, in order."""
    if conversation.kind != Conversation.Kind.GROUP or message.sender_id is None:
        blockers = set()
    elif blockers is None:
        blockers = selectors.blockers_of(message.sender_id, member_ids)
    visible = {"type": kind, "message": message_event(message, body, hidden=False)}
    # The others first, the sender's own tabs last: the group sends run one after the other,
    # and each process's channel-layer reader pops one event at a time in the order they were
    # queued, so a recipient no longer waits behind the echo to the sender's own socket.
    recipients = sorted(
        (pk for pk in member_ids if pk not in blockers), key=lambda pk: pk == message.sender_id
    )
    sends: list[tuple[list[Any], dict[str, Any]]] = [(recipients, visible)]
    if blockers:
        masked = {"type": kind, "message": message_event(message, "", hidden=True)}
        sends.append((list(blockers), masked))
    if defer:
        return sends
    for users, event in sends:
        transaction.on_commit(partial(send_to_users, CHAT, users, event))
    return []


def enqueue_offline_notifications(message_id: Any) -> None:
    """Queues the offline nudge for a committed message (``send_message(defer=True)``'s
    caller does it once the message is fanned out)."""
    try:
        dispatch.enqueue("messaging.notify_offline_recipients", str(message_id))
    except Exception:  # the message is stored and fanned out; a lost nudge is not an error
        logger.exception("Could not enqueue offline notifications for %s", message_id)


def notify_offline_recipients(message_id: Any) -> int:
    """Notifies (type ``message.new``) the recipients of a message who have no chat socket
    open, through notifications.notify (their preferences and quiet hours apply). At most
    one unread ``message.new`` notification per conversation and person: a burst of
    messages while someone is away is one nudge, not fifty. Returns how many were notified.

    The notification carries no message text: bodies are encrypted at rest here, while
    notifications are stored in clear, emailed, and pushed through Google's and Apple's
    servers."""
    from notifications.selectors import with_unread
    from notifications.services import notify

    from . import presence

    message = (
        Message.objects.select_related("sender", "conversation")
        .filter(pk=message_id, deleted_at__isnull=True)
        .first()
    )
    if message is None or message.sender is None:
        return 0
    conversation = message.conversation
    recipient_ids = [
        pk for pk in selectors.participant_ids(conversation.pk) if pk != message.sender_id
    ]
    blockers = selectors.blockers_of(message.sender_id, recipient_ids)
    recipient_ids = [pk for pk in recipient_ids if pk not in blockers]
    if not recipient_ids:
        return 0
    status = presence.status_of(recipient_ids)
    offline = [pk for pk in recipient_ids if not status[str(pk)]["online"]]
    already = with_unread(offline, "message.new", conversation=str(conversation.pk))
    sender_name = message.sender.get_full_name() or message.sender.email.split("@")[0]
    title = (
        f"{sender_name} in {conversation.title}"
        if conversation.kind == Conversation.Kind.GROUP and conversation.title
        else f"New message from {sender_name}"
    )
    notified = 0
    for user in User.objects.filter(pk__in=[pk for pk in offline if pk not in already]):
        created = notify(
            user,
            "message.new",
            title,
            data={
                "conversation": str(conversation.pk),
                "message": str(message.pk),
                "seq": message.seq,
            },
            url=f"/chat/?conversation={conversation.pk}",
        )
        notified += created is not None
    return notified


def _own_message(user: User, conversation_id: Any, message_id: Any) -> Message:
    try:
        message = selectors.messages_of(user, conversation_id).get(pk=message_id)
    except (Message.DoesNotExist, ValueError) as exc:
        raise MessageNotFound() from exc
    if message.sender_id != user.pk:
        raise NotYourMessage()
    if message.deleted_at is not None:
        raise MessageNotFound()
    return message


def _next_event(conversation_id: Any) -> tuple[Conversation, int]:
    """Allocates the conversation's next event number under its row lock (the same lock
    that orders sends), so events are unique and increasing per conversation."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    number = conversation.last_event + 1
    Conversation.objects.filter(pk=conversation.pk).update(last_event=number)
    return conversation, number


def edit_message(user: User, conversation_id: Any, message_id: Any, body: str) -> Message:
    body = (body or "").strip()
    if not body or len(body) > settings.MESSAGING_MAX_BODY_CHARS:
        raise InvalidMessage()
    with transaction.atomic():
        message = _own_message(user, conversation_id, message_id)
        conversation, message.changed_event = _next_event(message.conversation_id)
        message.body_encrypted = crypto.encrypt(body)
        message.edited_at = timezone.now()
        message.save(update_fields=["body_encrypted", "edited_at", "changed_event"])
        SearchToken.objects.filter(message=message).delete()
        SearchToken.objects.bulk_create(
            [
                SearchToken(message=message, conversation_id=message.conversation_id, token=token)
                for token in crypto.search_tokens(body)
            ]
        )
        member_ids = selectors.participant_ids(message.conversation_id)
        _fan_out(conversation, "message.updated", message, body, member_ids)
    return message


def delete_message(user: User, conversation_id: Any, message_id: Any) -> Message:
    """Deletes the content, keeps the row: sequence numbers stay gapless for resuming."""
    with transaction.atomic():
        message = _own_message(user, conversation_id, message_id)
        conversation, message.changed_event = _next_event(message.conversation_id)
        if message.attachment:
            message.attachment.delete(save=False)
        message.body_encrypted = ""
        message.attachment = ""
        message.deleted_at = timezone.now()
        message.save(update_fields=["body_encrypted", "attachment", "deleted_at", "changed_event"])
        SearchToken.objects.filter(message=message).delete()
        member_ids = selectors.participant_ids(message.conversation_id)
        _fan_out(conversation, "message.deleted", message, "", member_ids)
    return message


def mark_read(user: User, conversation_id: Any, seq: int) -> int:
    """Moves the user's read marker forward (never back). Tells the others only if the
    user's privacy setting allows read receipts. Returns the marker."""
    conversation = selectors.conversation_for(user, conversation_id)
    seq = max(0, min(int(seq), conversation.last_seq))
    updated = Participant.objects.filter(
        conversation=conversation, user=user, last_read_seq__lt=seq
    ).update(last_read_seq=seq)
    if updated and selectors.sends_read_receipts(user):
        others = [pk for pk in selectors.participant_ids(conversation.pk) if pk != user.pk]
        event = {
            "type": "read",
            "conversation": str(conversation.pk),
            "user": str(user.pk),
            "seq": seq,
        }
        transaction.on_commit(lambda: send_to_users(CHAT, others, event))
    return seq


def typing_recipients(user: User, conversation_id: Any) -> list[Any]:
    """Who is told that ``user`` is typing: nobody above the configured group size."""
    member_ids = selectors.participant_ids(conversation_id)
    if user.pk not in member_ids or len(member_ids) > settings.MESSAGING_TYPING_MAX_GROUP_SIZE:
        return []
    others = [pk for pk in member_ids if pk != user.pk]
    blockers = selectors.blockers_of(user.pk, others) if len(others) > 1 else set()
    return [pk for pk in others if pk not in blockers]


def block_user(blocker: User, blocked: User) -> Block:
    if blocker.pk == blocked.pk:
        raise InvalidParticipants("You cannot block yourself.")
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def unblock_user(blocker: User, blocked_id: Any) -> None:
    Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()


def report_user(reporter: User, reported: User, reason: str, message_id: Any = None) -> Report:
    message = None
    if message_id is not None:
        # Only a message the reporter can read may be attached to a report.
        message = Message.objects.filter(
            pk=message_id,
            sender=reported,
            conversation__participants__user=reporter,
        ).first()
        if message is None:
            raise MessageNotFound()
    return Report.objects.create(
        reporter=reporter, reported=reported, message=message, reason=reason.strip()[:2000]
    )


def set_preferences(user: User, *, send_read_receipts: bool) -> MessagingPreferences:
    preferences, _ = MessagingPreferences.objects.update_or_create(
        user=user, defaults={"send_read_receipts": send_read_receipts}
    )
    return preferences


def reencrypt_batch(after_pk: Any = None, batch_size: int = 500) -> tuple[int, Any]:
    """Re-encrypts one batch of messages under the newest key and rebuilds their search
    tokens (the search key may have changed too). Returns (count, last pk)."""
    queryset = Message.objects.order_by("pk").exclude(body_encrypted="")
    if after_pk is not None:
        queryset = queryset.filter(pk__gt=after_pk)
    batch = list(queryset[:batch_size])
    with transaction.atomic():
        for message in batch:
            locked = Message.objects.select_for_update().get(pk=message.pk)
            if not locked.body_encrypted:
                continue
            body = crypto.decrypt(locked.body_encrypted)
            Message.objects.filter(pk=locked.pk).update(
                body_encrypted=crypto.rotate(locked.body_encrypted)
            )
            SearchToken.objects.filter(message=locked).delete()
            SearchToken.objects.bulk_create(
                [
                    SearchToken(message=locked, conversation_id=locked.conversation_id, token=t)
                    for t in crypto.search_tokens(body)
                ]
            )
    return len(batch), (batch[-1].pk if batch else None)


def close_report(report: Report, *, by: User, status: str, note: str) -> Report:
    """A moderator resolves (acted on it) or dismisses (nothing to act on) a report, with a
    note kept on the report. Suspending the reported person is done in the member admin."""
    if status not in (Report.Status.RESOLVED, Report.Status.DISMISSED):
        raise MessagingError("A report is closed as resolved or dismissed.")
    report.status = status
    report.resolution_note = note.strip()[:2000]
    report.resolved_by = by
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolution_note", "resolved_by", "resolved_at"])
    return report
