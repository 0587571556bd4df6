"""Low-credit alerts: a charge that leaves a learner under CREDITS_LOW_BALANCE_THRESHOLD
sends one "credits.low" notification, not one per charge; after a top-up the next dip
alerts again. The learner sees it in their notifications API."""

from decimal import Decimal

import pytest

from credits.services import charge
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def threshold(settings):  # type: ignore[no-untyped-def]
    settings.CREDITS_LOW_BALANCE_THRESHOLD = "5"


def low_alerts(user):  # type: ignore[no-untyped-def]
    return Notification.objects.filter(recipient=user, type="credits.low")


def test_one_alert_per_dip_and_again_after_a_top_up(
    api_client, student, feature_price, give_credits
):
    give_credits(student, 8)
    charge(student, "tutor-chat", 2, "r1")  # 6 left: above the threshold
    assert not low_alerts(student).exists()

    charge(student, "tutor-chat", 2, "r2")  # 4 left: alert
    charge(student, "tutor-chat", 1, "r3")  # 3 left: already told
    charge(student, "tutor-chat", 1, "r4")
    alert = low_alerts(student).get()
    assert alert.data == {"available": "4.00", "threshold": "5"}
    assert alert.url == "/wallet/"

    give_credits(student, 1, key="small-top-up")  # credits came in: the next dip alerts
    charge(student, "tutor-chat", 1, "r5")
    assert low_alerts(student).count() == 2

    api_client.force_login(student)
    listed = api_client.get("/api/v1/notifications/").json()["results"]
    assert [n["type"] for n in listed].count("credits.low") == 2


def test_the_allowance_counts_as_credits_to_spend(student, feature_price, free_plan, give_credits):
    give_credits(student, 3)
    # 5 allowance + 3 wallet; spending 2 leaves 6: no alert; 2 more leaves 4: alert.
    charge(student, "tutor-chat", 2, "r1")
    assert not low_alerts(student).exists()
    charge(student, "tutor-chat", 2, "r2")
    assert low_alerts(student).get().data["available"] == "4.00"


def test_a_zero_threshold_turns_alerts_off(settings, student, feature_price, give_credits):
    settings.CREDITS_LOW_BALANCE_THRESHOLD = "0"
    give_credits(student, 2)
    charge(student, "tutor-chat", 2, "r1")
    assert not low_alerts(student).exists()


def test_a_learner_who_turned_the_type_off_gets_nothing(
    api_client, student, feature_price, give_credits
):
    api_client.force_login(student)
    answer = api_client.put(
        "/api/v1/notifications/preferences/",
        {"preferences": {"credits.low": {"in_app": False, "email": False, "push": False}}},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    give_credits(student, Decimal(3))
    charge(student, "tutor-chat", 1, "r1")
    assert not low_alerts(student).exists()
