"""Demo content steps. Each is idempotent and returns a one-line summary."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from wagtail.models import Locale, Page, Site

from accounts.roles import Role
from accounts.services import grant_role

from .models import HomePage, SiteSettings

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


def ensure_locales() -> str:
    for code in ("en", "es"):
        Locale.objects.get_or_create(language_code=code)
    return "locales: en, es"


def ensure_home_page() -> str:
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.filter(locale=english).first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title="Learn languages by using them",
            slug="toto",  # "home" is taken by the placeholder removed below
            locale=english,
            introduction=(
                "Toto brings lessons, live tutors, conversation practice and study abroad "
                "together in one open platform."
            ),
            body=[
                (
                    "hero",
                    {
                        "heading": "Speak from your first lesson",
                        "text": "Short lessons, real conversations, and feedback that helps.",
                        "button_label": "Browse the API",
                        "button_link": "http://127.0.0.1:8000/api/docs/",
                    },
                ),
                (
                    "features",
                    [
                        {"title": "Lessons", "text": "Courses built by teachers, from A1 to C2."},
                        {"title": "Tutors", "text": "Book a verified teacher for a live class."},
                        {"title": "Practice", "text": "Talk with an AI tutor and get scored."},
                    ],
                ),
            ],
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        # Wagtail's migration makes a placeholder "Welcome" page; the site now points at ours.
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        else:
            placeholder = site.root_page
            site.root_page = home
            site.site_name = "Toto"
            site.save()
            if placeholder.specific_class is Page and placeholder.id != home.id:
                placeholder.delete()

    spanish = Locale.objects.get(language_code="es")
    if not HomePage.objects.filter(locale=spanish, translation_key=home.translation_key).exists():
        translation = home.copy_for_translation(spanish)
        translation.title = "Aprende idiomas usándolos"
        translation.introduction = (
            "Toto reúne lecciones, tutores en vivo, práctica de conversación y estudios en el "
            "extranjero en una plataforma abierta."
        )
        translation.save_revision().publish()

    site = Site.objects.get(is_default_site=True)
    SiteSettings.for_site(site)  # creates the row with its defaults
    return "home page (en, es)"


def ensure_demo_users() -> str:
    user_model = get_user_model()
    for email, first_name, last_name, roles in DEMO_USERS:
        user = user_model.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_model(email=email, first_name=first_name, last_name=last_name)
            user.set_password(DEMO_PASSWORD)
            user.save()
        for role in roles:
            grant_role(user, role)
    return f"demo logins: {', '.join(email for email, *_ in DEMO_USERS)} / {DEMO_PASSWORD}"


def demo_login_lines() -> list[str]:
    return [
        f"{email:<30} {', '.join(role.label for role in roles)}"
        for email, _first, _last, roles in DEMO_USERS
    ]


DEMO_STEPS: list[Callable[[], str]] = [ensure_locales, ensure_home_page, ensure_demo_users]
