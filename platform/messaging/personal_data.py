"""The person's messaging data: export and erasure on account deletion (contract in
accounts.selectors.export_personal_data and accounts.services.delete_account).

Erasure removes what they wrote and keeps the conversations' shape for the others: their
messages stay as deleted messages (gapless sequence numbers), like a delete of their own, so
other participants' clients replay the deletion on resume. Reports stay: they are the
moderators' safety record (kept on legitimate interest), the reporter being anonymised."""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.exporting import iso, text_id
from accounts.models import User

from . import crypto
from .models import (
    Block,
    Conversation,
    Message,
    MessagingPreferences,
    Participant,
    Report,
    SearchToken,
)


def _body(message: Message) -> str:
    return crypto.decrypt(message.body_encrypted) if message.body_encrypted else ""


def export_personal_data(user: User) -> dict[str, Any]:
    preferences = MessagingPreferences.objects.filter(user=user).first()
    return {
        "conversations": [
            {
                "id": str(member.conversation_id),
                "kind": member.conversation.kind,
                "title": member.conversation.title,
                "joined_at": iso(member.joined_at),
                "last_read_seq": member.last_read_seq,
            }
            for member in Participant.objects.filter(user=user)
            .select_related("conversation")
            .order_by("joined_at")
        ],
        "messages_written": [
            {
                "conversation": str(message.conversation_id),
                "seq": message.seq,
                "body": _body(message),
                "attachment_name": message.attachment_name,
                "attachment_kind": message.attachment_kind,
                "created_at": iso(message.created_at),
                "edited_at": iso(message.edited_at),
                "deleted_at": iso(message.deleted_at),
            }
            for message in Message.objects.filter(sender=user).order_by("created_at", "seq")
        ],
        "blocked_users": [
            {"user": str(block.blocked_id), "created_at": iso(block.created_at)}
            for block in Block.objects.filter(blocker=user).order_by("created_at")
        ],
        "reports_made": [
            {
                "reported_user": str(report.reported_id),
                "message": text_id(report.message_id),
                "reason": report.reason,
                "status": report.status,
                "created_at": iso(report.created_at),
            }
            for report in Report.objects.filter(reporter=user).order_by("created_at")
        ],
        # About them: what was decided, not who reported them.
        "reports_about_me": [
            {
                "status": report.status,
                "created_at": iso(report.created_at),
                "resolution_note": report.resolution_note,
                "resolved_at": iso(report.resolved_at),
            }
            for report in Report.objects.filter(reported=user).order_by("created_at")
        ],
        "preferences": {
            "send_read_receipts": preferences.send_read_receipts if preferences else True
        },
    }


def erase_personal_data(user: User) -> None:
    now = timezone.now()
    written = Message.objects.filter(sender=user, deleted_at__isnull=True)
    attachments = list(written.exclude(attachment="").values_list("attachment", flat=True))
    conversation_ids = sorted(set(written.values_list("conversation_id", flat=True)))
    # One new event per conversation (under its row lock, as every change takes one), shared by
    # all of the person's messages there: a client resuming from before it sees them deleted.
    for conversation in Conversation.objects.select_for_update().filter(pk__in=conversation_ids):
        Conversation.objects.filter(pk=conversation.pk).update(last_event=F("last_event") + 1)
        conversation.refresh_from_db(fields=["last_event"])
        SearchToken.objects.filter(message__in=written.filter(conversation=conversation)).delete()
        written.filter(conversation=conversation).update(
            body_encrypted="", attachment="", deleted_at=now, changed_event=conversation.last_event
        )
    Block.objects.filter(blocker=user).delete()
    Block.objects.filter(blocked=user).delete()
    MessagingPreferences.objects.filter(user=user).delete()
    if attachments:
        transaction.on_commit(lambda: _delete_files(attachments))


def _delete_files(names: list[str]) -> None:
    from core.uploads import private_storage

    storage = private_storage()
    for name in names:
        storage.delete(name)
