"""The chat page's first screen rendered on the server (the performance budget of the app,
issue 20): the conversation list and the open conversation's newest messages are in the HTML
and in the page's JSON for chat.js, in a bounded number of queries."""

import json
import re
from typing import Any

import pytest

from messaging import services

pytestmark = pytest.mark.django_db

# Session, user, profile, permissions x3, email verified, site, site settings; the
# conversations, their participants, their users (prefetched). An open conversation adds its
# newest messages (and the check that the person is in it).
QUERIES = 12


def initial_of(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="chat-initial" type="application/json">(.*?)</script>', html)
    assert found is not None, "the page carries its first screen for chat.js"
    return json.loads(found.group(1))


def listed_names(html: str) -> list[str]:
    items = re.search(
        r'<ul class="chat-conversations" id="conversations"[^>]*>(.*?)</ul>', html, re.S
    )
    assert items is not None
    return re.findall(r"<button[^>]*data-conversation=[^>]*>([^<]+)", items.group(1))


def test_the_conversations_are_in_the_page(
    client: Any, student: Any, other_student: Any, teacher: Any, assert_num_queries: Any
) -> None:
    client.force_login(student)
    empty = client.get("/chat/").content.decode()
    assert listed_names(empty) == [] and "No conversations yet" in empty
    assert initial_of(empty) == {"conversations": [], "current": None, "messages": []}

    with_lena, _ = services.start_conversation(student, [other_student])
    with_tomas, _ = services.start_conversation(student, [teacher])
    services.send_message(other_student, with_lena.pk, client_id="a", body="¿Qué tal?")
    services.send_message(teacher, with_tomas.pk, client_id="b", body="Class at 5")
    services.send_message(teacher, with_tomas.pk, client_id="c", body="<b>bring</b> a pen")

    with assert_num_queries(QUERIES):
        html = client.get("/chat/").content.decode()
    # Newest conversation first, named after the other person, unread counts shown.
    assert listed_names(html) == ["Tomás Teacher ", "Lena Learner "]
    assert 'aria-label="2 unread"' in html and 'aria-label="1 unread"' in html
    assert "No conversations yet" not in html
    initial = initial_of(html)
    assert [c["id"] for c in initial["conversations"]] == [str(with_tomas.pk), str(with_lena.pk)]
    assert initial["current"] is None and initial["messages"] == []
    assert 'id="composer" hidden' in html  # nothing open, nothing to write into

    # One conversation open: its newest messages, oldest first, escaped; its unread not shown.
    with assert_num_queries(QUERIES + 2):
        opened = client.get(f"/chat/?conversation={with_tomas.pk}").content.decode()
    shown = re.findall(r'<li class="(mine|theirs)" data-seq="(\d+)">([^<]*)', opened)
    assert shown == [
        ("theirs", "1", "Class at 5"),
        ("theirs", "2", "&lt;b&gt;bring&lt;/b&gt; a pen"),
    ]
    assert '<h2 id="conversation-title">Tomás Teacher</h2>' in opened
    assert 'aria-label="2 unread"' not in opened and 'aria-label="1 unread"' in opened
    initial = initial_of(opened)
    assert initial["current"] == str(with_tomas.pk)
    assert [m["body"] for m in initial["messages"]] == ["<b>bring</b> a pen", "Class at 5"]
    assert 'id="composer" hidden' not in opened

    # Somebody else's conversation asked for: nothing of it shown.
    theirs, _ = services.start_conversation(other_student, [teacher])
    services.send_message(teacher, theirs.pk, client_id="d", body="private")
    foreign = client.get(f"/chat/?conversation={theirs.pk}").content.decode()
    assert "private" not in foreign and initial_of(foreign)["current"] is None


def test_the_page_cost_does_not_grow_with_conversations(
    client: Any, student: Any, role_user: Any, assert_num_queries: Any
) -> None:
    from accounts.roles import Role

    client.force_login(student)
    client.get("/chat/")  # a session's first page does a few reads of its own, once
    for number in range(6):
        other = role_user(Role.STUDENT, email=f"p{number}@example.com", first_name=f"P{number}")
        conversation, _ = services.start_conversation(student, [other])
        for message in range(number + 1):
            services.send_message(
                other, conversation.pk, client_id=f"m{number}.{message}", body="hi"
            )
    with assert_num_queries(QUERIES):
        html = client.get("/chat/").content.decode()
    assert len(listed_names(html)) == 6
    with assert_num_queries(QUERIES + 2):
        client.get(f"/chat/?conversation={conversation.pk}")
