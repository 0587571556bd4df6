"""Moderator roles, graded (social.moderation): a plain moderator dismisses, hides, marks
sensitive and warns; only a senior moderator limits, suspends, lifts a limit and decides
appeals. Enforced in the services, shown by permission in the admin queue, and the audit log
names who acted."""

from typing import Any

import pytest
from django.contrib.auth.models import Group

from social import moderation, services
from social.errors import NotAllowed
from social.models import Appeal, ModerationAction, Report, SocialProfile

pytestmark = pytest.mark.django_db


def reported(reporter: Any, post: Any, author: Any, text: str = "Compra seguidores") -> Report:
    moment = post(author, text)["id"]
    return services.report(
        reporter, target="moment", target_id=str(moment), category="spam", details=""
    )


def test_the_migration_makes_two_graded_groups() -> None:
    senior = Group.objects.get(name="Senior moderators")
    plain = Group.objects.get(name="Moderators")
    senior_codenames = set(senior.permissions.values_list("codename", flat=True))
    plain_codenames = set(plain.permissions.values_list("codename", flat=True))
    assert {"senior_moderation", "change_appeal", "change_report", "access_admin"} <= (
        senior_codenames
    )
    assert {"change_report", "view_appeal"} <= plain_codenames
    assert "change_appeal" not in plain_codenames
    assert "senior_moderation" not in plain_codenames


def test_a_plain_moderator_cannot_limit_or_suspend_in_the_admin(
    client: Any, moderator: Any, student: Any, other_student: Any, post: Any
) -> None:
    report = reported(other_student, post, student)
    client.force_login(moderator)
    url = f"/admin/moderation/social-reports/edit/{report.pk}/"
    page = client.get(url).content.decode()
    # Offered: the plain actions only, and a word on who can do the rest.
    assert 'value="hide"' in page and 'value="warn"' in page and 'value="dismiss"' in page
    assert 'value="limit"' not in page and 'value="suspend"' not in page
    assert 'data-testid="senior-only"' in page
    for kind in ("limit", "suspend"):
        refused = client.post(url, {"kind": kind, "reason": "Selling followers"})
        assert refused.status_code == 200
        assert "Only senior moderators can limit or suspend an author." in (
            refused.content.decode()
        )
    assert not ModerationAction.objects.exists()
    assert SocialProfile.objects.filter(user=student, limited_at__isnull=False).count() == 0
    student.refresh_from_db()
    assert student.is_active
    assert Report.objects.get(pk=report.pk).status == "open"
    # The plain actions still work for them, and the log names them.
    done = client.post(url, {"kind": "warn", "reason": "Please stop"})
    assert done.status_code == 302
    action = ModerationAction.objects.get()
    assert action.kind == "warn" and action.moderator == moderator


def test_a_senior_moderator_limits_in_the_admin_and_the_log_names_them(
    client: Any, senior_moderator: Any, student: Any, other_student: Any, post: Any
) -> None:
    report = reported(other_student, post, student)
    client.force_login(senior_moderator)
    url = f"/admin/moderation/social-reports/edit/{report.pk}/"
    page = client.get(url).content.decode()
    assert 'value="limit"' in page and 'value="suspend"' in page
    assert 'data-testid="senior-only"' not in page
    done = client.post(url, {"kind": "limit", "reason": "Selling followers"})
    assert done.status_code == 302
    action = ModerationAction.objects.get()
    assert action.kind == "limit" and action.moderator == senior_moderator
    assert SocialProfile.objects.get(user=student).limited_at is not None
    log = client.get("/admin/moderation/social-log/").content.decode()
    assert "Selling followers" in log and "Sena Senior" in log


def test_the_service_refuses_senior_actions_to_a_plain_moderator(
    moderator: Any, senior_moderator: Any, student: Any, other_student: Any, post: Any
) -> None:
    report = reported(other_student, post, student)
    for kind in ("limit", "suspend"):
        with pytest.raises(NotAllowed):
            services.decide_report(report, moderator=moderator, kind=kind, reason="x")
    assert not ModerationAction.objects.exists()
    services.decide_report(report, moderator=senior_moderator, kind="limit", reason="Spam")
    with pytest.raises(NotAllowed):
        services.lift_limit(student, moderator=moderator, reason="Sorry")
    assert SocialProfile.objects.get(user=student).limited_at is not None
    services.lift_limit(student, moderator=senior_moderator, reason="Sorry")
    assert SocialProfile.objects.get(user=student).limited_at is None
    assert list(
        ModerationAction.objects.order_by("created_at").values_list("kind", "moderator__email")
    ) == [("limit", "sena@example.com"), ("unlimit", "sena@example.com")]


def test_admins_have_every_action(admin: Any, student: Any, other_student: Any, post: Any) -> None:
    assert moderation.is_senior(admin)
    report = reported(other_student, post, student)
    action = services.decide_report(report, moderator=admin, kind="limit", reason="Spam")
    assert action.moderator == admin


def test_limited_authors_page_offers_the_lift_to_seniors_only(
    client: Any, moderator: Any, senior_moderator: Any, student: Any, other_student: Any, post: Any
) -> None:
    report = reported(other_student, post, student)
    services.decide_report(report, moderator=senior_moderator, kind="limit", reason="Spam")
    client.force_login(moderator)
    listing = client.get("/admin/moderation/social-limited/").content.decode()
    assert "sam@example.com" in listing and "A senior moderator can lift it." in listing
    assert "/lift/" not in listing
    tried = client.post(
        f"/admin/moderation/social-limited/{student.pk}/lift/", {"reason": "Sorry"}, follow=True
    )
    assert "Only senior moderators can lift a limit." in tried.content.decode()
    assert SocialProfile.objects.get(user=student).limited_at is not None
    client.force_login(senior_moderator)
    assert (
        f"/{student.pk}/lift/" in client.get("/admin/moderation/social-limited/").content.decode()
    )


def test_appeals_are_read_by_moderators_and_decided_by_seniors(
    client: Any, moderator: Any, senior_moderator: Any, student: Any, other_student: Any, post: Any
) -> None:
    report = reported(other_student, post, student)
    action = services.decide_report(report, moderator=moderator, kind="hide", reason="Insults")
    appeal = services.appeal(student, action.pk, "It was a joke between friends")
    url = f"/admin/moderation/social-appeals/edit/{appeal.pk}/"

    client.force_login(moderator)
    page = client.get(url)
    assert page.status_code == 200
    assert "It was a joke between friends" in page.content.decode()
    assert "A senior moderator decides appeals." in page.content.decode()
    assert 'name="overturn"' not in page.content.decode()
    refused = client.post(url, {"overturn": "1", "reason": "ok"})
    assert "Only senior moderators can decide appeals." in refused.content.decode()
    assert Appeal.objects.get().status == "open"
    with pytest.raises(NotAllowed):
        services.decide_appeal(appeal, moderator=moderator, overturn=True, reason="ok")

    client.force_login(senior_moderator)
    assert 'name="overturn"' in client.get(url).content.decode()
    done = client.post(url, {"overturn": "1", "reason": "Context shows a joke"})
    assert done.status_code == 302
    decided = Appeal.objects.get()
    assert decided.status == "overturned" and decided.decided_by == senior_moderator
    restore = ModerationAction.objects.get(kind="restore")
    assert restore.moderator == senior_moderator


def test_the_demo_has_a_plain_and_a_senior_moderator() -> None:
    from django.contrib.auth import get_user_model

    from accounts.demo import DEMO_STEPS as accounts_steps
    from social.demo import SENIOR_MODERATOR, ensure_demo_social

    for step in accounts_steps:
        step()
    ensure_demo_social()
    ensure_demo_social()  # idempotent
    users = get_user_model().objects
    assert moderation.is_senior(users.get(email=SENIOR_MODERATOR))
    assert not moderation.is_senior(users.get(email="moderator@toto.localhost"))
    assert users.filter(email=SENIOR_MODERATOR).count() == 1
