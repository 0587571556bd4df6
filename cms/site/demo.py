"""Demo steps of the site app: locales and the home page."""

from collections.abc import Callable

from wagtail.models import Locale, Page, Site

from .legal_texts import COOKIES, PRIVACY, TERMS
from .models import HomePage, LegalDocument, LegalPage, SiteSettings


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
                "Toto brings lessons, live tutors, translation and writing feedback "
                "together in one open platform."
            ),
            body=[
                (
                    "hero",
                    {
                        "heading": "Speak from your first lesson",
                        "text": "Short lessons, real conversations, and feedback that helps.",
                        "button_label": "Start learning",
                        "button_link": "/learn/",
                    },
                ),
                (
                    "features",
                    [
                        {
                            "title": "Lessons",
                            "text": "Short beginner lessons with exercises that check themselves.",
                            "link": "/learn/",
                        },
                        {
                            "title": "Tutors",
                            "text": "Book a verified teacher for a live class.",
                            "link": "/tutoring/",
                        },
                        {
                            "title": "Speak with a tutor",
                            "text": "Talk through real situations with an AI voice tutor and "
                            "get a scored report.",
                            "link": "/tutor/",
                        },
                        {
                            "title": "Your words",
                            "text": "Keep the words you meet and review them just before "
                            "you would forget them.",
                            "link": "/vocabulary/",
                        },
                        {
                            "title": "Streaks and leagues",
                            "text": "Set a daily goal, keep your streak, earn badges and climb "
                            "a weekly league.",
                            "link": "/achievements/",
                        },
                        {
                            "title": "Moments",
                            "text": "Post what you learned in the language you learn and "
                            "follow other learners.",
                            "link": "/social/",
                        },
                        {
                            "title": "Translate",
                            "text": "Translate text, speech and whole conversations.",
                            "link": "/translate/",
                        },
                        {
                            "title": "Writing feedback",
                            "text": "Get your writing scored, with advice for your level.",
                            "link": "/writing/",
                        },
                        {
                            "title": "Study abroad",
                            "text": "Compare language schools and homestays, then book a "
                            "course and a room together.",
                            "link": "/abroad/",
                        },
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
            "Toto reúne lecciones, tutores en vivo, traducción y correcciones de tus textos "
            "en una plataforma abierta."
        )
        translation.save_revision().publish()

    site = Site.objects.get(is_default_site=True)
    SiteSettings.for_site(site)  # creates the row with its defaults
    return "home page (en, es)"


def ensure_legal_pages() -> str:
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(locale=english)
    for document, slug, text in (
        (LegalDocument.TERMS, "terms", TERMS),
        (LegalDocument.PRIVACY, "privacy", PRIVACY),
        (LegalDocument.COOKIES, "cookies", COOKIES),
    ):
        if LegalPage.objects.filter(locale=english, document=document).exists():
            continue
        page = LegalPage(
            title=LegalDocument(document).label,
            slug=slug,
            locale=english,
            document=document,
            version=1,
            body=text.strip(),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    return "legal pages: terms, privacy, cookies"


def accept_legal_for_demo_users() -> str:
    """Run by load_demo_data after every app's steps: the demo people have accepted."""
    from accounts.models import User

    from .legal import accept

    users = list(User.objects.filter(email__endswith="toto.localhost"))
    for user in users:
        accept(user)
    return f"legal documents accepted by {len(users)} demo users"


DEMO_STEPS: list[Callable[[], str]] = [ensure_locales, ensure_home_page, ensure_legal_pages]
