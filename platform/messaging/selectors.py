"""Permission-checked reads on conversations and messages.

Policy: only a conversation's participants read it, list its messages or see its receipts;
someone else asking gets "not found", never a hint that it exists.
"""

from __future__ import annotations

import functools
import uuid
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from accounts.models import User

from . import crypto
from .errors import (
    ConversationNotFound,
)
from .models import Block, Conversation, Message, MessagingPreferences, Participant, SearchToken

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

SEARCH_MAX_RESULTS = 50


def conversations_of(user: User) -> QuerySet[Conversation]:
    return (
        Conversation.objects.filter(participants__user=user)
        .annotate(
            my_last_read_seq=F("participants__last_read_seq"),
        )
        .prefetch_related("participants__user")
        .order_by(F("last_message_at").desc(nulls_last=True), "-created_at")
    )


def conversation_for(user: User, conversation_id: Any) -> Conversation:
    try:
        return Conversation.objects.get(pk=conversation_id, participants__user=user)
    except (Conversation.DoesNotExist, ValueError, TypeError) as exc:
        raise ConversationNotFound() from exc


def is_participant(user: User, conversation_id: Any) -> bool:
    return Participant.objects.filter(user=user, conversation_id=conversation_id).exists()


def participant_ids(conversation_id: Any) -> list[uuid.UUID]:
    return list(
        Participant.objects.filter(conversation_id=conversation_id).values_list(
            "user_id", flat=True
        )
    )


def resume_points_of(user: User) -> dict[str, tuple[int, int]]:
    """conversation id → (last sequence number, last event number), for every conversation
    of ``user``: where a chat socket's replay stops."""
    return {
        str(conversation_id): (last_seq, last_event)
        for conversation_id, last_seq, last_event in Conversation.objects.filter(
            participants__user=user
        ).values_list("id", "last_seq", "last_event")
    }


def last_seqs_of(user: User) -> dict[str, int]:
    """conversation id → last sequence number, for every conversation of ``user``."""
    return {
        str(conversation_id): last_seq
        for conversation_id, last_seq in Conversation.objects.filter(
            participants__user=user
        ).values_list("id", "last_seq")
    }


def messages_of(user: User, conversation_id: Any) -> QuerySet[Message]:
    conversation = conversation_for(user, conversation_id)
    return Message.objects.filter(conversation=conversation)


class Hidden(TypedDict):
    """The annotation ``visible_messages`` adds to each message."""

    hidden: bool


def visible_messages(
    user: User, conversation_id: Any
) -> QuerySet[WithAnnotations[Message, Hidden]]:
    """``messages_of`` with a ``hidden`` flag per message.

    Blocking in groups, the policy: a group is a shared space (a teacher's class, a study
    group), so a block does not keep two people out of the same group, which would let one
    member's block eject another or stop a teacher from adding a student. Instead the
    blocker no longer sees the blocked person's messages (nor their typing, nor a
    notification for them): the messages stay in the sequence, flagged ``hidden``, without
    content. In direct conversations a block stops sending altogether (services.Blocked).
    """
    return messages_of(user, conversation_id).annotate(
        hidden=Exists(Block.objects.filter(blocker=user, blocked=OuterRef("sender")))
    )


def messages_after(user: User, conversation_id: Any, after_seq: int, limit: int) -> list[Message]:
    return list(
        visible_messages(user, conversation_id).filter(seq__gt=after_seq).order_by("seq")[:limit]
    )


def changes_between(
    user: User, conversation_id: Any, seq_up_to: int, after_event: int, up_to_event: int
) -> list[Message]:
    """Messages up to ``seq_up_to`` (those the client holds) edited or deleted after event
    ``after_event`` and at most ``up_to_event``, in the order the changes happened."""
    return list(
        visible_messages(user, conversation_id)
        .filter(seq__lte=seq_up_to, changed_event__gt=after_event, changed_event__lte=up_to_event)
        .order_by("changed_event")
    )


def event_of_seq(conversation_id: Any, seq: int) -> int:
    """The event number at which message ``seq`` was sent (0 before the first message)."""
    if seq <= 0:
        return 0
    found = (
        Message.objects.filter(conversation_id=conversation_id, seq=seq)
        .values_list("created_event", flat=True)
        .first()
    )
    return found or 0


def blockers_of(sender_id: Any, user_ids: list[Any]) -> set[uuid.UUID]:
    """Which of ``user_ids`` blocked ``sender_id``."""
    return set(
        Block.objects.filter(blocked_id=sender_id, blocker_id__in=user_ids).values_list(
            "blocker_id", flat=True
        )
    )


def members_and_blocks(conversation_id: Any, user_id: Any) -> dict[uuid.UUID, tuple[bool, bool]]:
    """Every member of the conversation → (they blocked ``user_id``, ``user_id`` blocked
    them), in one query: what sending a message needs (participant_ids, is_blocked_between
    and blockers_of in one). On PostgreSQL the statement is written out (see
    ``_SEND_STATEMENTS``); elsewhere the ORM builds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _send_statements()["members_and_blocks"],
                {"conversation": conversation_id, "user": user_id},
            )
            return {member: (by, them) for member, by, them in cursor.fetchall()}
    return _members_and_blocks_orm(conversation_id, user_id)


def _members_and_blocks_orm(
    conversation_id: Any, user_id: Any
) -> dict[uuid.UUID, tuple[bool, bool]]:
    blocked_by = Block.objects.filter(blocker_id=OuterRef("user_id"), blocked_id=user_id)
    blocking = Block.objects.filter(blocker_id=user_id, blocked_id=OuterRef("user_id"))
    return {
        member: (by, them)
        for member, by, them in Participant.objects.filter(conversation_id=conversation_id)
        .annotate(blocked_by=Exists(blocked_by), blocking=Exists(blocking))
        .values_list("user_id", "blocked_by", "blocking")
    }


# The two reads every chat message starts with, written out for PostgreSQL: building them
# through the ORM (subqueries, annotations, compilation) was a fifth of a chat server's CPU
# per message (py-spy, benchmarks/realtime). They say what the ORM versions below them say,
# which stay for other databases (SQLite, the embedded default); a test runs both on the
# same rows and compares (tests/platform/messaging/test_send_reads.py).
_SEND_STATEMENTS = {
    "members_and_blocks": """
        SELECT p.user_id,
               EXISTS (SELECT 1 FROM {block} b
                        WHERE b.blocker_id = p.user_id AND b.blocked_id = %(user)s),
               EXISTS (SELECT 1 FROM {block} b
                        WHERE b.blocker_id = %(user)s AND b.blocked_id = p.user_id)
          FROM {participant} p
         WHERE p.conversation_id = %(conversation)s
    """,
    # FOR UPDATE locks the conversation's row and the sender's participant row, as the ORM's
    # select_for_update() over the join does.
    "locked_for_send": """
        SELECT c.*,
               EXISTS (SELECT 1 FROM {email} e
                        WHERE e.user_id = %(sender)s AND e.verified
                          AND UPPER(e.email::text) = UPPER(%(email)s)) AS sender_verified,
               (SELECT m.id FROM {message} m
                 WHERE m.conversation_id = c.id AND m.sender_id = %(sender)s
                   AND m.client_id = %(client_id)s
                 LIMIT 1) AS existing_id
          FROM {conversation} c
         INNER JOIN {participant} p ON p.conversation_id = c.id
         WHERE c.id = %(conversation)s AND p.user_id = %(sender)s
         LIMIT 1
           FOR UPDATE
    """,
}


@functools.cache
def _send_statements() -> dict[str, str]:
    from allauth.account.models import EmailAddress

    tables = {
        "block": Block._meta.db_table,
        "participant": Participant._meta.db_table,
        "conversation": Conversation._meta.db_table,
        "message": Message._meta.db_table,
        "email": EmailAddress._meta.db_table,
    }
    quoted = {name: connection.ops.quote_name(table) for name, table in tables.items()}
    return {name: sql.format(**quoted) for name, sql in _SEND_STATEMENTS.items()}


def locked_for_send(
    conversation_id: Any, sender: User, client_id: str
) -> tuple[Conversation, bool, Any] | None:
    """The conversation ``sender`` takes part in, locked (``FOR UPDATE``: the lock that
    orders sends), in the one statement a send starts with, with what the send checks next:
    (conversation, the sender has a verified address equal to the account's, the id of the
    message already stored under ``client_id`` or None). The subqueries see the statement's
    snapshot, taken before any wait for the lock."""
    if connection.vendor != "postgresql":
        return _locked_for_send_orm(conversation_id, sender, client_id)
    params = {
        # An id that is not one raises ValidationError here, as the ORM's filter does.
        "conversation": Conversation._meta.pk.to_python(conversation_id),
        "sender": sender.pk,
        "email": sender.email,
        "client_id": client_id,
    }
    rows = list(Conversation.objects.raw(_send_statements()["locked_for_send"], params))
    if not rows:
        return None
    row = rows[0]
    return row, bool(getattr(row, "sender_verified")), getattr(row, "existing_id")  # noqa: B009


def _locked_for_send_orm(
    conversation_id: Any, sender: User, client_id: str
) -> tuple[Conversation, bool, Any] | None:
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(
        user_id=sender.pk, email__iexact=sender.email, verified=True
    )
    existing = Message.objects.filter(
        conversation_id=OuterRef("pk"), sender_id=sender.pk, client_id=client_id
    ).values("pk")[:1]
    row = (
        Conversation.objects.select_for_update()
        .filter(pk=conversation_id, participants__user=sender)
        .annotate(sender_verified=Exists(verified), existing_id=Subquery(existing))
        .first()
    )
    if row is None:
        return None
    return row, bool(row.sender_verified), row.existing_id


def is_blocked_between(user_a: Any, user_b: Any) -> bool:
    """The one block check for one person reaching another (direct chats, calls, random
    matching): a block either way stops it. Other apps (rooms) call this one, so a
    block means the same everywhere."""
    return is_blocked_with_any(user_a, [user_b])


def is_blocked_with_any(user: Any, others: list[Any]) -> bool:
    """Whether ``user`` blocked, or was blocked by, any of ``others`` (one query)."""
    return Block.objects.filter(
        Q(blocker=user, blocked__in=others) | Q(blocked=user, blocker__in=others)
    ).exists()


def sends_read_receipts(user: User) -> bool:
    preferences = MessagingPreferences.objects.filter(user=user).first()
    return preferences is None or preferences.send_read_receipts


def contact_ids(user: Any) -> set[uuid.UUID]:
    """People ``user`` shares a conversation with, minus blocks either way: the ones allowed
    to see each other's presence."""
    contacts = set(
        Participant.objects.filter(conversation__participants__user=user)
        .exclude(user=user)
        .values_list("user_id", flat=True)
    )
    blocked = Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
        "blocker_id", "blocked_id"
    )
    for blocker_id, blocked_id in blocked:
        contacts.discard(blocker_id)
        contacts.discard(blocked_id)
    return contacts


def search_messages(user: User, query: str, conversation_id: Any = None) -> list[Message]:
    """Messages in ``user``'s conversations containing every word of ``query`` (whole words,
    case- and accent-insensitive), newest first, at most SEARCH_MAX_RESULTS. Uses the blind
    index (see messaging.crypto)."""
    tokens = sorted(crypto.search_tokens(query))
    if not tokens:
        return []
    conversations = Participant.objects.filter(user=user).values("conversation_id")
    if conversation_id is not None:
        conversations = conversations.filter(conversation_id=conversation_id)
    matching = (
        SearchToken.objects.filter(token__in=tokens, conversation_id__in=conversations)
        .values("message_id")
        .annotate(hits=Count("token", distinct=True))
        .filter(hits=len(tokens))
        .values("message_id")
    )
    return list(
        Message.objects.filter(id__in=matching, deleted_at__isnull=True)
        .exclude(sender__in=Block.objects.filter(blocker=user).values("blocked"))
        .select_related("sender")
        .order_by("-created_at")[:SEARCH_MAX_RESULTS]
    )


PEOPLE_SEARCH_MIN_LENGTH = 2
PEOPLE_SEARCH_MAX_WORDS = 4


def find_people(user: User, query: str) -> QuerySet[User]:
    """People ``user`` may start a chat with whose name contains every word of ``query``.

    Privacy policy: only names are searched (never email addresses or anything else on the
    profile), and only people who can receive messages — active, not suspended or deleted,
    with a verified email address. Anyone who blocked ``user``, or whom ``user`` blocked, is
    left out, so a search never tells that someone exists behind a block."""
    from allauth.account.models import EmailAddress

    words = query.split()[:PEOPLE_SEARCH_MAX_WORDS]
    if len("".join(words)) < PEOPLE_SEARCH_MIN_LENGTH:
        return User.objects.none()
    people = User.objects.filter(
        is_active=True, suspended_at__isnull=True, deleted_at__isnull=True
    ).exclude(pk=user.pk)
    for word in words:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    blocked_by_me = Block.objects.filter(blocker=user).values("blocked_id")
    blocking_me = Block.objects.filter(blocked=user).values("blocker_id")
    return (
        people.filter(Exists(verified))
        .exclude(pk__in=blocked_by_me)
        .exclude(pk__in=blocking_me)
        .order_by("first_name", "last_name", "pk")
    )
