"""Demo social life: the demo people follow each other and post moments in Spanish and
English (learners in the language they learn, the teacher in both), with topics, likes,
comments and a reply. Idempotent: a moment whose author and text exist is not posted again."""

import random
from collections.abc import Callable, Sequence

from django.contrib.auth import get_user_model

from accounts.models import LearningLanguage, Profile

from . import services
from .models import Comment, Correction, Interest, Moment

STUDENT = "student@toto.localhost"
TEACHER = "teacher@toto.localhost"
CREATOR = "creator@toto.localhost"
ADMIN = "admin@toto.localhost"
# The demo moderator (accounts.demo) is a plain one; this one may also limit, suspend and
# decide appeals (social.moderation).
SENIOR_MODERATOR = "senior.moderator@toto.localhost"

FOLLOWS = [
    (STUDENT, TEACHER),
    (TEACHER, STUDENT),
    (CREATOR, TEACHER),
    (STUDENT, CREATOR),
    (CREATOR, STUDENT),
    (ADMIN, TEACHER),
]

# (author, language, text, topics, likers, [(commenter, text, reply)])
MOMENTS: list[tuple[str, str, str, list[str], list[str], list[tuple[str, str, str]]]] = [
    (
        TEACHER,
        "es",
        "¡Buenos días desde Sevilla! Hoy hace 30 grados en octubre. ☀️",
        ["sevilla", "tiempo"],
        [STUDENT, CREATOR],
        [],
    ),
    (
        STUDENT,
        "es",
        "Hoy aprendí la diferencia entre «ser» y «estar». ¡Por fin lo entiendo!",
        ["gramática"],
        [TEACHER],
        [(TEACHER, "¡Muy bien, Sam! Recuerda: estar para estados temporales.", "¡Gracias, Tomás!")],
    ),
    (
        CREATOR,
        "en",
        "New lesson pack: 20 everyday phrasal verbs, with audio for each one.",
        ["phrasalverbs", "lessons"],
        [STUDENT, TEACHER],
        [],
    ),
    (
        STUDENT,
        "es",
        "Mi palabra favorita de la semana: «madrugar». ¿Cuál es la vuestra?",
        ["vocabulario"],
        [TEACHER, CREATOR],
        [(TEACHER, "La mía es «sobremesa»: el tiempo charlando después de comer.", "")],
    ),
    (
        TEACHER,
        "en",
        "Practising my English: I have been teaching for eight years and still "
        "learn something new every week.",
        ["teaching"],
        [STUDENT],
        [],
    ),
    (
        TEACHER,
        "es",
        "Consejo del día: escucha un pódcast en español diez minutos cada mañana.",
        ["consejos", "escuchar"],
        [STUDENT, CREATOR, ADMIN],
        [(STUDENT, "¿Qué pódcast recomiendas para nivel B1?", "")],
    ),
    (
        CREATOR,
        "es",
        "Estoy aprendiendo español: ayer pedí tapas sin usar inglés. 🎉",
        ["viajes", "comida"],
        [TEACHER],
        [],
    ),
]


def ensure_demo_social() -> str:
    people = {
        user.email: user
        for user in get_user_model().objects.filter(email__in=[STUDENT, TEACHER, CREATOR, ADMIN])
    }
    if len(people) < 4:
        return "social: demo users missing, skipped"
    for follower, followee in FOLLOWS:
        services.follow(people[follower], people[followee].pk)
    posted = 0
    for author, language, text, topics, likers, comments in MOMENTS:
        moment = Moment.objects.filter(author=people[author], text=text).first()
        if moment is None:
            moment = services.post_moment(
                people[author], text=text, language=language, topics=topics
            )
            posted += 1
        for liker in likers:
            services.like(people[liker], moment.pk)
        for commenter, body, reply in comments:
            if Comment.objects.filter(moment=moment, text=body).exists():
                continue
            made = services.comment(people[commenter], moment.pk, text=body)
            if reply:
                services.comment(people[author], moment.pk, text=reply, parent_id=made.pk)
    ensure_demo_senior_moderator()
    return (
        f"social: {len(MOMENTS)} moments ({posted} new), {len(FOLLOWS)} follows; "
        f"senior moderator login {SENIOR_MODERATOR}"
    )


def ensure_demo_senior_moderator() -> None:
    from allauth.account.models import EmailAddress

    from accounts.demo import DEMO_PASSWORD
    from accounts.roles import Role
    from accounts.services import grant_role

    from .moderation import make_senior

    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=SENIOR_MODERATOR).first()
    if user is None:
        user = user_model(email=SENIOR_MODERATOR, first_name="Sena", last_name="Senior")
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=SENIOR_MODERATOR, defaults={"primary": True, "verified": True}
    )
    grant_role(user, Role.MODERATOR)
    make_senior(user)


CORRECT_ME_TEXT = "Ayer yo soy muy cansado después de la clase de @Tomás."
CORRECTED_TEXT = "Ayer yo estaba muy cansado después de la clase de @Tomás."


def ensure_demo_correction() -> str:
    """A "correct me" moment by the learner that @mentions the teacher, with the teacher's
    correction waiting to be accepted."""
    people = {
        user.email: user for user in get_user_model().objects.filter(email__in=[STUDENT, TEACHER])
    }
    if len(people) < 2:
        return "social: demo users missing, skipped"
    moment = Moment.objects.filter(author=people[STUDENT], text=CORRECT_ME_TEXT).first()
    posted = moment is None
    if moment is None:
        moment = services.post_moment(
            people[STUDENT],
            text=CORRECT_ME_TEXT,
            language="es",
            topics=["gramática"],
            correct_me=True,
        )
    if not Correction.objects.filter(moment=moment).exists():
        services.suggest_correction(
            people[TEACHER],
            moment.pk,
            text=CORRECTED_TEXT,
            note="«Estar» para estados temporales: estar cansado.",
        )
    return f"social: a correct-me moment ({int(posted)} new)"


# What people like to talk about, by the kind of person (the tags overlap between kinds, as
# they do in life: anime is screen time and Japan, tapas is food and Spain).
PERSONAS: dict[str, list[str]] = {
    "traveller": ["travel", "backpacking", "hiking", "photography", "camping", "road-trips"],
    "foodie": ["cooking", "baking", "street-food", "wine", "coffee", "vegetarian", "tapas"],
    "music": ["music", "guitar", "singing", "concerts", "jazz", "k-pop"],
    "screen": ["movies", "series", "anime", "documentaries", "podcasts"],
    "sport": ["football", "running", "yoga", "cycling", "swimming", "tennis"],
    "books": ["reading", "poetry", "history", "philosophy", "writing"],
    "career": ["programming", "startups", "business", "job-interviews", "design"],
    "games": ["gaming", "board-games", "chess", "anime"],
    "exams": ["dele", "ielts", "grammar", "exam-prep", "pronunciation"],
    "spanish": ["flamenco", "salsa", "tapas", "football", "travel", "telenovelas"],
    "japanese": ["anime", "manga", "j-pop", "calligraphy", "ramen"],
    "french": ["cinema", "wine", "literature", "cheese", "paris"],
    "teaching": ["teaching", "grammar", "pronunciation", "exam-prep", "lesson-plans"],
}
# Whom a language draws (a learner of Japanese is likelier to like anime).
DRAWN_BY = {"es": "spanish", "ja": "japanese", "fr": "french", "en": "career"}

# The named demo people, by hand; everyone else with a profile gets generated ones.
DEMO_INTERESTS: dict[str, list[str]] = {
    STUDENT: ["travel", "tapas", "football", "podcasts", "photography"],
    TEACHER: ["teaching", "flamenco", "grammar", "history", "cooking"],
    CREATOR: ["writing", "podcasts", "design", "movies"],
}


def generated_interests(key: str, languages: Sequence[str], teacher: bool) -> list[str]:
    """Three to six believable interests for one person, the same every run for ``key``:
    mostly from one kind of person (drawn by the languages they learn or teach), often a
    few from a second kind, sometimes one of anything."""
    rng = random.Random(key)  # noqa: S311 - demo data, not security
    kinds = sorted(PERSONAS)
    drawn = [DRAWN_BY[code] for code in languages if code in DRAWN_BY]
    if teacher:
        drawn.append("teaching")
    first = rng.choice(drawn) if drawn and rng.random() < 0.6 else rng.choice(kinds)
    tags = rng.sample(PERSONAS[first], k=min(len(PERSONAS[first]), rng.randint(3, 4)))
    if rng.random() < 0.6:
        second = rng.choice([kind for kind in kinds if kind != first])
        tags += rng.sample(PERSONAS[second], k=rng.randint(1, 2))
    if rng.random() < 0.3:
        tags.append(rng.choice(sorted({tag for kind in kinds for tag in PERSONAS[kind]})))
    unique = list(dict.fromkeys(tags))
    return unique[:6]


def ensure_demo_interests() -> str:
    """Interests for every demo person with a profile who has none yet (the named ones by
    hand, the others generated), so that interest suggestions and people to follow have a
    community to learn from."""
    with_interests = Interest.objects.values("user")
    people = (
        get_user_model()
        .objects.filter(profile__isnull=False)
        .exclude(pk__in=with_interests)
        .order_by("email")
    )
    learning: dict[object, list[str]] = {}
    for user_id, language in LearningLanguage.objects.values_list("profile__user", "language"):
        learning.setdefault(user_id, []).append(language)
    natives = dict(Profile.objects.values_list("user", "native_language"))
    teachers = set(
        get_user_model().objects.filter(teacher_profile__isnull=False).values_list("pk", flat=True)
    )
    given = 0
    for person in people:
        tags = DEMO_INTERESTS.get(person.email) or generated_interests(
            person.email,
            learning.get(person.pk, []) + ([natives[person.pk]] if person.pk in teachers else []),
            person.pk in teachers,
        )
        services.set_interests(person, tags)
        given += 1
    return f"social: interests for {given} people"


DEMO_STEPS: list[Callable[[], str]] = [
    ensure_demo_social,
    ensure_demo_correction,
    ensure_demo_interests,
]
