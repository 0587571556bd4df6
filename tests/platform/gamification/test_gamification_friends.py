"""The friends' leaderboard is fed by social follows (social registers the source through
gamification's hook): the API and the achievements page rank the learner among the people
they follow by this week's XP; a block hides the person, an unfollow drops them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_quests")]

BOARD = "/api/v1/gamification/leaderboard/?board=friends"


def earn(review: Any, clock: Any, user: Any, cards: int) -> None:
    for card in range(cards):
        clock.now = clock.now + timedelta(seconds=1)
        review(user, card)


def test_the_friends_board_ranks_the_people_a_learner_follows(
    user_factory: Any, review: Any, clock: Any, api_client: Any, client: Any
) -> None:
    from messaging.services import block_user
    from social.services import follow, unfollow

    me, ana, ben, stranger = (user_factory(first_name=name) for name in ("Me", "Ana", "Ben", "X"))
    for user, cards in ((me, 2), (ana, 3), (ben, 1), (stranger, 5)):
        earn(review, clock, user, cards)

    api_client.force_login(me)
    alone = api_client.get(BOARD).json()["results"]
    assert [row["is_me"] for row in alone] == [True]
    client.force_login(me)
    empty = client.get("/achievements/").content.decode()
    assert "No friends on the board yet" in empty and 'href="/social/discover/"' in empty

    follow(me, ana.pk)
    follow(me, ben.pk)
    follow(stranger, me.pk)  # being followed does not make a friend on my board
    rows = api_client.get(BOARD).json()["results"]
    assert [(row["rank"], row["name"], row["xp"]) for row in rows] == [
        (1, "Ana", 6), (2, "Me", 4), (3, "Ben", 2),
    ]  # fmt: skip
    page = client.get("/achievements/").content.decode()
    friends = page.split('id="friends-title"')[1].split("</section>")[0]
    assert [name in friends for name in ("Ana", "Ben", "(you)", ">X<")] == [True, True, True, False]

    block_user(ben, me)  # a block either way hides the person
    unfollow(me, ana.pk)
    rows = api_client.get(BOARD).json()["results"]
    assert [row["is_me"] for row in rows] == [True]
