"""Demo logins, one per role. Idempotent."""

from collections.abc import Callable
from typing import NotRequired, TypedDict

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from .models import LearningLanguage, Level, Profile, TeacherProfile
from .roles import Role
from .services import grant_role

DEMO_PASSWORD = "toto-demo-2026"  # noqa: S105 - printed by `make run`, demo machines only

# One demo login per role: (email, first name, last name, roles).
DEMO_USERS: list[tuple[str, str, str, tuple[Role, ...]]] = [
    ("admin@toto.localhost", "Ada", "Admin", (Role.ADMIN,)),
    ("moderator@toto.localhost", "Mo", "Moderator", (Role.MODERATOR,)),
    ("creator@toto.localhost", "Cleo", "Creator", (Role.CONTENT_CREATOR,)),
    ("teacher@toto.localhost", "Tomás", "Teacher", (Role.TEACHER, Role.STUDENT)),
    ("student@toto.localhost", "Sam", "Student", (Role.STUDENT,)),
    ("institution@toto.localhost", "Ines", "Institute", (Role.INSTITUTION,)),
    ("homestay@toto.localhost", "Hana", "Host", (Role.HOMESTAY_OWNER,)),
]


def ensure_demo_users() -> str:
    user_model = get_user_model()
    for email, first_name, last_name, roles in DEMO_USERS:
        user = user_model.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_model(email=email, first_name=first_name, last_name=last_name)
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"primary": True, "verified": True}
        )
        for role in roles:
            grant_role(user, role)
    return f"demo logins: {', '.join(email for email, *_ in DEMO_USERS)} / {DEMO_PASSWORD}"


def demo_login_lines() -> list[str]:
    return [
        f"{email:<30} {', '.join(role.label for role in roles)}"
        for email, _first, _last, roles in DEMO_USERS
    ]


class DemoProfile(TypedDict):
    bio: str
    city: str
    country: str
    native_language: str
    time_zone: str
    learning: list[tuple[str, Level]]
    qualification: NotRequired[str]
    years_of_experience: NotRequired[int]


# What the demo people tell about themselves (filled only where still empty).
DEMO_PROFILES: dict[str, DemoProfile] = {
    "student@toto.localhost": {
        "bio": "Learning Spanish before a semester in Seville.",
        "city": "Leeds",
        "country": "GB",
        "native_language": "en",
        "time_zone": "Europe/London",
        "learning": [("es", Level.B1), ("fr", Level.A1)],
    },
    "teacher@toto.localhost": {
        "bio": "Spanish teacher from Seville; conversation and DELE preparation.",
        "city": "Sevilla",
        "country": "ES",
        "native_language": "es",
        "time_zone": "Europe/Madrid",
        "learning": [("en", Level.C1)],
        "qualification": "Máster en Enseñanza de Español como Lengua Extranjera",
        "years_of_experience": 8,
    },
}


def ensure_demo_profiles() -> str:
    user_model = get_user_model()
    for email, fields in DEMO_PROFILES.items():
        user = user_model.objects.get(email__iexact=email)
        profile, _ = Profile.objects.get_or_create(user=user)
        if not profile.bio:
            for name in ("bio", "city", "country", "native_language", "time_zone"):
                setattr(profile, name, fields[name])
            profile.save()
        for language, level in fields["learning"]:
            LearningLanguage.objects.get_or_create(
                profile=profile, language=language, defaults={"level": level}
            )
        if "qualification" in fields:
            TeacherProfile.objects.update_or_create(
                user=user,
                defaults={
                    "qualification": fields["qualification"],
                    "years_of_experience": fields["years_of_experience"],
                },
            )
    return f"demo profiles: {', '.join(DEMO_PROFILES)}"


DEMO_STEPS: list[Callable[[], str]] = [ensure_demo_users, ensure_demo_profiles]
