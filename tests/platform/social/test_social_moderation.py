"""Reports, the admin queue with context, graded actions with a required reason, the
silent limit, notifications to authors and reporters, appeals (once, within the window),
the audit log, and the automatic checks that hold a moment instead of dropping it."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from notifications.models import Notification
from social import checks, services
from social.models import Appeal, ModerationAction, Moment, Report

pytestmark = pytest.mark.django_db


def report_moment(client: Any, moment_id: int, category: str = "spam") -> Any:
    return client.post(
        "/api/v1/social/reports/",
        {"target": "moment", "target_id": str(moment_id), "category": category, "details": "!"},
    )


def test_reports_are_made_on_visible_things_only(
    student: Any, other_student: Any, client_for: Any, post: Any
) -> None:
    secret = post(student, "Solo yo", visibility="only_me")["id"]
    assert report_moment(client_for(other_student), secret).status_code == 404
    public = post(student, "Hola")["id"]
    first = report_moment(client_for(other_student), public)
    again = report_moment(client_for(other_student), public)
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert report_moment(client_for(student), public).status_code == 403
    profile = client_for(other_student).post(
        "/api/v1/social/reports/",
        {"target": "profile", "target_id": str(student.pk), "category": "impersonation"},
    )
    assert profile.status_code == 201
    bad = client_for(other_student).post(
        "/api/v1/social/reports/",
        {"target": "moment", "target_id": str(public), "category": "automatic"},
    )
    assert bad.status_code == 400 and "category" in bad.json()["fields"]
    mine = client_for(other_student).get("/api/v1/social/reports/").json()["results"]
    assert len(mine) == 2


def test_senior_moderator_limits_an_author_in_the_admin(
    client: Any,
    senior_moderator: Any,
    student: Any,
    other_student: Any,
    teacher: Any,
    client_for: Any,
    post: Any,
) -> None:
    services.follow(teacher, student.pk)
    moment = post(student, "Compra seguidores baratos")["id"]
    report_id = report_moment(client_for(other_student), moment).json()["id"]
    report_moment(client_for(teacher), moment)
    client.force_login(senior_moderator)
    page = client.get(f"/admin/moderation/social-reports/edit/{report_id}/")
    assert page.status_code == 200
    assert b"Compra seguidores baratos" in page.content
    assert b"reporter&#x27;s history" in page.content or b"reporter's history" in page.content
    no_reason = client.post(
        f"/admin/moderation/social-reports/edit/{report_id}/", {"kind": "limit", "reason": ""}
    )
    assert no_reason.status_code == 200 and not ModerationAction.objects.exists()
    done = client.post(
        f"/admin/moderation/social-reports/edit/{report_id}/",
        {"kind": "limit", "reason": "Selling followers"},
    )
    assert done.status_code == 302
    action = ModerationAction.objects.get()
    assert (
        action.kind == "limit"
        and action.moderator == senior_moderator
        and action.appealable_until is None
    )
    assert set(Report.objects.values_list("status", flat=True)) == {"decided"}
    # Silent to the author; reporters are told action was taken.
    assert not Notification.objects.filter(recipient=student, type="social.moderation").exists()
    for reporter in (other_student, teacher):
        told = Notification.objects.get(recipient=reporter, type="social.moderation")
        assert "took action" in told.body
    assert client_for(student).get(f"/api/v1/social/moments/{moment}/").status_code == 200
    assert client_for(teacher).get(f"/api/v1/social/moments/{moment}/").status_code == 404
    assert client_for(student).get("/api/v1/social/actions/").json()["results"] == []
    log = client.get("/admin/moderation/social-log/")
    assert log.status_code == 200 and b"Selling followers" in log.content


def test_students_cannot_open_the_queue(client: Any, student: Any) -> None:
    client.force_login(student)
    answer = client.get("/admin/moderation/social-reports/")
    assert answer.status_code in (302, 403)


def test_hide_warn_and_appeal_once(
    moderator: Any,
    senior_moderator: Any,
    student: Any,
    other_student: Any,
    client_for: Any,
    post: Any,
) -> None:
    moment = post(student, "Algo feo")["id"]
    report_moment(client_for(other_student), moment, "harassment")
    report = Report.objects.get()
    action = services.decide_report(report, moderator=moderator, kind="hide", reason="Insults")
    assert Moment.objects.get(pk=moment).status == "hidden"
    assert client_for(other_student).get(f"/api/v1/social/moments/{moment}/").status_code == 404
    own = client_for(student).get(f"/api/v1/social/moments/{moment}/")
    assert own.status_code == 200 and own.json()["status"] == "hidden"
    told = Notification.objects.get(recipient=student, type="social.moderation")
    assert "Insults" in told.body
    actions = client_for(student).get("/api/v1/social/actions/").json()["results"]
    assert [a["id"] for a in actions] == [action.pk] and not actions[0]["appealed"]

    first = client_for(student).post(
        "/api/v1/social/appeals/", {"action": action.pk, "text": "It was a joke between friends"}
    )
    assert first.status_code == 201
    second = client_for(student).post(
        "/api/v1/social/appeals/", {"action": action.pk, "text": "Please"}
    )
    assert second.status_code == 409 and second.json()["code"] == "appeal_not_allowed"
    someone_else = client_for(other_student).post(
        "/api/v1/social/appeals/", {"action": action.pk, "text": "Me too"}
    )
    assert someone_else.status_code == 409

    services.decide_appeal(
        Appeal.objects.get(),
        moderator=senior_moderator,
        overturn=True,
        reason="Context shows a joke",
    )
    assert Moment.objects.get(pk=moment).status == "published"
    assert client_for(other_student).get(f"/api/v1/social/moments/{moment}/").status_code == 200
    assert ModerationAction.objects.filter(kind="restore").count() == 1
    assert Notification.objects.filter(recipient=student, type="social.moderation").count() == 2


def test_appeal_window_closes(
    moderator: Any, student: Any, other_student: Any, client_for: Any, post: Any
) -> None:
    moment = post(student, "Algo")["id"]
    report_moment(client_for(other_student), moment)
    action = services.decide_report(
        Report.objects.get(), moderator=moderator, kind="warn", reason="Be kind"
    )
    ModerationAction.objects.filter(pk=action.pk).update(
        appealable_until=timezone.now() - timedelta(minutes=1)
    )
    late = client_for(student).post("/api/v1/social/appeals/", {"action": action.pk, "text": "x"})
    assert late.status_code == 409


def test_mark_sensitive_covers_the_moment_behind_a_click_and_can_be_appealed(
    moderator: Any,
    senior_moderator: Any,
    student: Any,
    other_student: Any,
    client_for: Any,
    post: Any,
    client: Any,
) -> None:
    moment = post(student, "Una foto del accidente")["id"]
    report_moment(client_for(other_student), moment, category="other")
    action = services.decide_report(
        Report.objects.get(), moderator=moderator, kind="sensitive", reason="Graphic"
    )
    assert Moment.objects.get(pk=moment).sensitive is True
    assert Moment.objects.get(pk=moment).status == "published"  # still shown, behind a click
    seen = client_for(other_student).get(f"/api/v1/social/moments/{moment}/").json()
    assert seen["sensitive"] is True and seen["text"] == "Una foto del accidente"
    client.force_login(other_student)
    page = client.get(f"/social/moments/{moment}/").content.decode()
    # On the website the words and media wait behind a cover the reader opens.
    cover = page.index('data-testid="sensitive-cover"><summary>Sensitive content: show')
    assert page.index("Una foto del accidente", cover) < page.index("</details>", cover)
    told = Notification.objects.get(recipient=student, type="social.moderation")
    assert "marked sensitive" in told.body and "Graphic" in told.body
    # The author appeals once; overturned, the cover goes.
    appealed = services.appeal(student, action.pk, "It is a drawing")
    services.decide_appeal(appealed, moderator=senior_moderator, overturn=True, reason="A drawing")
    assert Moment.objects.get(pk=moment).sensitive is False
    again = client_for(other_student).get(f"/api/v1/social/moments/{moment}/").json()
    assert again["sensitive"] is False
    assert "sensitive-cover" not in client.get(f"/social/moments/{moment}/").content.decode()


def test_suspend_uses_the_existing_suspension(
    senior_moderator: Any,
    student: Any,
    other_student: Any,
    client_for: Any,
    post: Any,
    monkeypatch: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from accounts.tasks import send_email_message

    monkeypatch.setattr(
        send_email_message, "delay", lambda **kwargs: send_email_message.apply(kwargs=kwargs)
    )
    moment = post(student, "Spam spam")["id"]
    report_moment(client_for(other_student), moment)
    with django_capture_on_commit_callbacks(execute=True):
        action = services.decide_report(
            Report.objects.get(), moderator=senior_moderator, kind="suspend", reason="Bot"
        )
    student.refresh_from_db()
    assert not student.is_active and student.suspension_reason == "Bot"
    assert client_for(other_student).get(f"/api/v1/social/moments/{moment}/").status_code == 404
    # The suspended person cannot sign in to an appeals page: told by email, with the
    # reason, that it is not appealable on the site; and the decision offers no appeal.
    [notice] = mailoutbox
    assert notice.to == [student.email] and "Reason: Bot" in notice.body
    assert "cannot be appealed on the website" in notice.body
    assert "/social/appeals/" not in notice.body
    assert action.appealable_until is None
    with pytest.raises(Exception) as refused:
        services.appeal(student, action.pk, "It was not me")
    assert type(refused.value).__name__ == "AppealNotAllowed"
    assert not Notification.objects.filter(recipient=student, type="social.moderation").exists()


def test_new_accounts_links_and_mentions_are_held_not_dropped(
    student: Any, teacher: Any, other_student: Any, moderator: Any, client_for: Any, post: Any
) -> None:
    held = post(student, "Visit https://a.example and https://b.example now")
    assert held["status"] == "held"
    report = Report.objects.get(category="automatic")
    assert report.reporter is None and report.details == "links from a new account"
    student.date_joined = timezone.now() - timedelta(days=30)
    student.save()
    assert post(student, "Two links: https://a.example https://b.example")["status"] == "published"
    services.decide_report(report, moderator=moderator, kind="dismiss", reason="Fine")
    assert Moment.objects.get(pk=held["id"]).status == "published"
    assert ModerationAction.objects.get().kind == "approve"
    assert client_for(other_student).get(f"/api/v1/social/moments/{held['id']}/").status_code == 200


def test_repeated_content_is_held_and_flooding_is_refused(
    student: Any, post: Any, client_for: Any
) -> None:
    statuses = [post(student, "Follow me for free lessons!!")["status"] for _ in range(3)]
    assert statuses == ["published", "published", "held"]
    with override_settings(SOCIAL_MOMENTS_PER_HOUR=3):
        flood = client_for(student).post(
            "/api/v1/social/moments/", {"text": "again", "language": "en"}
        )
    assert flood.status_code == 429 and flood.json()["code"] == "posting_too_fast"


def test_profane_comments_are_hidden_for_review(
    student: Any, other_student: Any, client_for: Any, post: Any
) -> None:
    moment = post(student, "Hola")["id"]
    made = client_for(other_student).post(
        f"/api/v1/social/moments/{moment}/comments/", {"text": "you are a fucking idiot"}
    )
    assert made.status_code == 201
    assert (
        client_for(student).get(f"/api/v1/social/moments/{moment}/comments/").json()["results"]
        == []
    )
    assert Report.objects.filter(category="automatic", target="comment").count() == 1


def comments_seen(client: Any, moment: int) -> list[str]:
    answer = client.get(f"/api/v1/social/moments/{moment}/comments/").json()["results"]
    return [c["text"] for c in answer]


def test_new_accounts_links_in_comments_are_hidden_and_reported(
    student: Any, other_student: Any, client_for: Any, post: Any, moderator: Any
) -> None:
    other_student.date_joined = timezone.now() - timedelta(days=30)
    other_student.save()
    moment = post(other_student, "Hola")["id"]
    spam = "Cheap lessons at https://a.example and https://b.example"
    made = client_for(student).post(f"/api/v1/social/moments/{moment}/comments/", {"text": spam})
    assert made.status_code == 201  # nothing tells the author
    assert comments_seen(client_for(student), moment) == [spam]
    assert comments_seen(client_for(other_student), moment) == []
    assert (
        client_for(other_student).get(f"/api/v1/social/moments/{moment}/").json()["comment_count"]
        == 0
    )
    report = Report.objects.get(category="automatic", target="comment")
    assert report.details == "links from a new account" and report.comment_id == made.json()["id"]
    assert not Notification.objects.filter(recipient=other_student).exists()
    # A moderator's dismissal shows it; an older account's two links pass at once.
    services.decide_report(report, moderator=moderator, kind="dismiss", reason="A real school")
    assert comments_seen(client_for(other_student), moment) == [spam]
    student.date_joined = timezone.now() - timedelta(days=30)
    student.save()
    client_for(student).post(f"/api/v1/social/moments/{moment}/comments/", {"text": spam + "!"})
    assert comments_seen(client_for(other_student), moment) == [spam, spam + "!"]


def test_new_accounts_mentions_in_comments_are_held(
    student: Any, client_for: Any, post: Any, role_user: Any
) -> None:
    from accounts.roles import Role

    names = ["Ana", "Bea", "Carla", "Dora"]
    friends = [role_user(Role.STUDENT, first_name=name, last_name="Friend") for name in names]
    for friend in friends:
        services.follow(friend, student.pk)
    moment = post(student, "Mi momento")["id"]
    three = client_for(student).post(
        f"/api/v1/social/moments/{moment}/comments/", {"text": "@Ana @Bea @Carla mirad"}
    )
    four = client_for(student).post(
        f"/api/v1/social/moments/{moment}/comments/", {"text": "@Ana @Bea @Carla @Dora mirad"}
    )
    assert three.status_code == four.status_code == 201
    assert comments_seen(client_for(friends[0]), moment) == ["@Ana @Bea @Carla mirad"]
    assert Report.objects.get(category="automatic").details == "mentions from a new account"
    dora = Notification.objects.filter(recipient=friends[3], type="social.mention")
    assert not dora.exists()


def test_repeated_comments_are_hidden_for_review(
    student: Any, other_student: Any, client_for: Any, post: Any
) -> None:
    first, second = post(other_student, "Uno")["id"], post(other_student, "Dos")["id"]
    said = "Follow me for free lessons!!"
    for moment in (first, second, first):
        answer = client_for(student).post(
            f"/api/v1/social/moments/{moment}/comments/", {"text": said}
        )
        assert answer.status_code == 201
    assert comments_seen(client_for(other_student), first) == [said]
    assert comments_seen(client_for(other_student), second) == [said]
    assert comments_seen(client_for(student), first) == [said, said]
    assert Report.objects.get(category="automatic").details == "repeated content"


# Learner sentences with typical mistakes (spelling, false friends, missing accents, mixed
# languages). None is offensive: every flag is a false positive.
LEARNER_TEXT = [
    "I am very exited to lern english with you all",
    "Yesterday I go to the beach and it was very hapy day",
    "My grammer is not good but I try every day",
    "Estoy muy embarazada de hablar en público (I meant embarrassed!)",
    "I have 25 years and I live in Madrid",
    "Can somebody correct my sentense please?",
    "I want to assist to the meeting tomorow",
    "The shit-tzu of my neighbour is very cute",
    "Je suis plein after the dinner, lol",
    "I studied the word 'constipado' and it means I have a cold",
    "My teacher say I must practise more the pronunciation",
    "Thank you for your pacience with my mistakes",
    "We cooked paella with chorizo, it was delicius",
    "I am boring in the class, it is too easy",
    "In my contry we eat dinner very late",
    "Please, can you explain me the diference between make and do?",
    "I cant understand the phrasal verbs, they are so dificult",
    "My cock-a-doodle-doo song for kids is ready",
    "Last week I was in Scunthorpe for a football match",
    "I pass the exam! I am so happy, thank you teacher",
    "The bitch of a dog had puppies, they are beautifull",
    "Hoy he aprendido la palabra 'coger', ¿es correcto en México?",
    "I feel so exausted after work but I study anyway",
    "Do you know good podcasts for beginer learners?",
    "I dont like wait in the queue of the supermarket",
    "The analysis of the text was hard for me",
    "I readed a book of Harry Potter in english",
    "My friend is very sensible, she cry with films",
    "I'm learning Japanese, hiragana is fun but kanji is hard",
    "What is the difference between 'assume' and 'presume'?",
    "Mi perro se llama Fanny y es muy juguetón",
    "I will visit Essex and Sussex in the summer",
    "The butt of the joke was me, haha",
    "I love the cocktails in the bar near my house",
    "She is a hoe-down dancer in the country festival",
    "I made a mistake: I said 'preservative' instead of 'jam'",
    "In the Middle Ages they used to hang prisoners, we read it in class",
    "My name is Dick and I'm from Cambridge",
    "I need to practise 'th' sound, is very dificult for spanish people",
    "Tomorrow I have a job interview, wish me lucky!",
]


def test_profanity_false_positives_on_learner_text_are_measured() -> None:
    flagged = [text for text in LEARNER_TEXT if checks.is_profane(text)]
    rate = len(flagged) / len(LEARNER_TEXT)
    # Measured with better-profanity 0.7.0: 5 of 40 = 12.5 %, and all five are innocent
    # uses of listed words ("shit-tzu", "cock-a-doodle-doo", "bitch" for a dog, the name
    # "Fanny", the name "Dick"). None of the 30 sentences that only have learner mistakes
    # (misspellings, false friends, missing accents) is flagged: it matches whole words, so
    # misspelling never trips it. Flagged moments are held for a person, never dropped.
    assert flagged == [
        LEARNER_TEXT[7],
        LEARNER_TEXT[17],
        LEARNER_TEXT[20],
        LEARNER_TEXT[30],
        LEARNER_TEXT[37],
    ], flagged
    assert rate == pytest.approx(0.125)
    assert checks.is_profane("you are a fucking idiot")
