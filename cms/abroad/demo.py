"""Demo content for study abroad: Madrid, Dublin and Málaga with four schools, eight courses
with intakes, and four homestays with rooms, owned by the demo institution@ and homestay@
logins (accounts.demo). Photos are drawn here with Pillow, offline. Idempotent."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import Locale, Page

from cms.site.models import HomePage

from .models import (
    CourseIntake,
    CoursePage,
    CourseType,
    DestinationPage,
    HomestayPage,
    HomestayRoom,
    InstitutePage,
    InstitutePhoto,
    NearbyInstitute,
    StudyAbroadIndexPage,
)
from .vendors import grant_vendor_subtree

INSTITUTION_EMAIL = "institution@toto.localhost"
HOMESTAY_EMAIL = "homestay@toto.localhost"

DESTINATIONS: list[dict[str, Any]] = [
    {
        "title": "Madrid",
        "slug": "madrid",
        "country": "Spain",
        "city": "Madrid",
        "time_zone": "Europe/Madrid",
        "latitude": Decimal("40.41678"),
        "longitude": Decimal("-3.70379"),
        "summary": "Spain's capital: museums, late dinners and Spanish spoken everywhere you go.",
        "visa_notes": "EU citizens need only an ID card. Others: a Schengen visa covers courses "
        "up to 90 days; longer courses need a Spanish student visa (apply 2-3 months ahead).",
        "cost_of_living": "A metro pass for under-26s costs 20 EUR a month; a menú del día "
        "12-15 EUR; a coffee 1.80 EUR.",
        "climate": "Hot, dry summers (often above 35 °C in July) and cold, sunny winters.",
        "safety": "Safe by European standards; watch for pickpockets on line 1 and in Sol.",
    },
    {
        "title": "Dublin",
        "slug": "dublin",
        "country": "Ireland",
        "city": "Dublin",
        "time_zone": "Europe/Dublin",
        "latitude": Decimal("53.34980"),
        "longitude": Decimal("-6.26031"),
        "summary": "A friendly English-speaking capital by the sea, with schools near the Liffey.",
        "visa_notes": "Many nationalities enter visa-free for 90 days; 25-week courses allow "
        "part-time work with a Stamp 2.",
        "cost_of_living": "Rents are high; a Leap card weekly cap is about 27 EUR.",
        "climate": "Mild and changeable: pack a rain jacket in every season.",
        "safety": "Generally safe; the usual city care at night around O'Connell Street.",
    },
    {
        "title": "Málaga",
        "slug": "malaga",
        "country": "Spain",
        "city": "Málaga",
        "time_zone": "Europe/Madrid",
        "latitude": Decimal("36.72131"),
        "longitude": Decimal("-4.42140"),
        "summary": "Learn Spanish by the Mediterranean: beaches, tapas and 300 days of sun.",
        "visa_notes": "As for all of Spain: Schengen rules, a student visa above 90 days.",
        "cost_of_living": "Cheaper than Madrid: a room from 450 EUR a month, tapas 2-3 EUR.",
        "climate": "Warm all year; August is hot and humid, winters around 17 °C.",
        "safety": "Relaxed and safe; keep an eye on bags on busy beaches.",
    },
]

INSTITUTES: list[dict[str, Any]] = [
    {
        "destination": "madrid",
        "title": "Escuela Puerta del Sol",
        "slug": "escuela-puerta-del-sol",
        "profile": "A school of 14 classrooms a short walk from the Puerta del Sol, teaching "
        "Spanish to adults since 1998. Small groups (8 at most) and native teachers.",
        "accreditation": "Instituto Cervantes accredited centre",
        "facilities": "Student lounge with coffee\nLibrary and study room\nFree Wi-Fi\nCultural "
        "programme: tapas tours, Prado visits",
        "address": "Calle del Arenal 21, 28013 Madrid",
        "latitude": Decimal("40.41740"),
        "longitude": Decimal("-3.70840"),
        "languages": "es",
        "courses": [
            ("Intensive Spanish", "intensive-spanish", 20, "A1", "C1", "230", "instant", 100),
            ("Spanish + DELE preparation", "spanish-dele", 25, "B1", "C2", "290", "request", 30),
        ],
    },
    {
        "destination": "dublin",
        "title": "Liffey English College",
        "slug": "liffey-english-college",
        "profile": "An English school in a Georgian townhouse near Merrion Square, with "
        "morning classes and afternoon workshops on speaking and pronunciation.",
        "accreditation": "ACELS / QQI accredited",
        "facilities": "Computer room\nConversation café\nSocial programme with weekend trips",
        "address": "12 Merrion Square, Dublin 2",
        "latitude": Decimal("53.33950"),
        "longitude": Decimal("-6.24960"),
        "languages": "en",
        "courses": [
            ("General English", "general-english", 15, "A2", "C1", "260", "instant", 100),
            ("Cambridge exam course", "cambridge-exam", 25, "B2", "C2", "340", "instant", 25),
        ],
    },
    {
        "destination": "malaga",
        "title": "Academia Costa del Sol",
        "slug": "academia-costa-del-sol",
        "profile": "A family-run school five minutes from La Malagueta beach, known for its "
        "friendly teachers and its rooftop terrace.",
        "accreditation": "FEDELE member",
        "facilities": "Rooftop terrace\nStudent kitchen\nFlamenco and cooking classes",
        "address": "Paseo de Reding 5, 29016 Málaga",
        "latitude": Decimal("36.72200"),
        "longitude": Decimal("-4.41150"),
        "languages": "es",
        "courses": [
            ("Spanish by the sea", "spanish-by-the-sea", 20, "A1", "B2", "210", "instant", 100),
            ("Spanish for over-50s", "spanish-over-50", 15, "A1", "B1", "195", "instant", 100),
        ],
    },
    {
        "destination": "malaga",
        "title": "Málaga Lingua Centre",
        "slug": "malaga-lingua-centre",
        "profile": "A modern centre in the old town, next to the Picasso Museum, with "
        "one-to-one lessons and business Spanish.",
        "accreditation": "Instituto Cervantes accredited centre",
        "facilities": "Air-conditioned classrooms\nMedia lab\nTerrace café",
        "address": "Calle San Agustín 8, 29015 Málaga",
        "latitude": Decimal("36.72150"),
        "longitude": Decimal("-4.41850"),
        "languages": "es,en",
        "courses": [
            ("Business Spanish", "business-spanish", 20, "B1", "C1", "320", "request", 30),
            ("Spanish + surf", "spanish-and-surf", 15, "A1", "B1", "280", "instant", 100),
        ],
    },
]

HOMESTAYS: list[dict[str, Any]] = [
    {
        "destination": "madrid",
        "title": "Casa Lucía in Chamberí",
        "slug": "casa-lucia",
        "host_profile": "Lucía is a retired literature teacher who has hosted students for 12 "
        "years. Her flat is 20 minutes by metro from the Puerta del Sol.",
        "address": "Chamberí, Madrid",
        "latitude": Decimal("40.43400"),
        "longitude": Decimal("-3.70300"),
        "meals": "half_board",
        "meals_notes": "Dinner with the family at 21:00; vegetarian on request.",
        "house_rules": "No smoking. Quiet after 23:00. Guests welcome until 22:00.",
        "check_in_days": "sat,sun",
        "min_nights": 7,
        "near": ["escuela-puerta-del-sol"],
        "distance": "2.4",
        "rooms": [("Blue room", "single", True, "38"), ("Garden room", "single", False, "32")],
    },
    {
        "destination": "dublin",
        "title": "The Byrnes in Ranelagh",
        "slug": "the-byrnes",
        "host_profile": "Siobhán and Paul, two teenagers and a very calm dog, in a red-brick "
        "house by the Luas line.",
        "address": "Ranelagh, Dublin 6",
        "latitude": Decimal("53.32600"),
        "longitude": Decimal("-6.25600"),
        "meals": "half_board",
        "meals_notes": "Breakfast and dinner on weekdays, all meals at weekends.",
        "house_rules": "Shoes off inside. Tell the family if you will miss dinner.",
        "check_in_days": "sat,sun",
        "min_nights": 7,
        "near": ["liffey-english-college"],
        "distance": "2.1",
        "rooms": [("Attic room", "single", False, "45"), ("Twin room", "shared", False, "33")],
    },
    {
        "destination": "malaga",
        "title": "Casa Marisol by the beach",
        "slug": "casa-marisol",
        "host_profile": "Marisol runs a bright flat five minutes from the sea and loves to "
        "cook espetos on Sundays.",
        "address": "La Malagueta, Málaga",
        "latitude": Decimal("36.71850"),
        "longitude": Decimal("-4.40900"),
        "meals": "breakfast",
        "meals_notes": "Breakfast daily; kitchen use for other meals.",
        "house_rules": "No parties. Keys returned at the end of the stay.",
        "check_in_days": "sat,sun,mon",
        "min_nights": 5,
        "near": ["academia-costa-del-sol", "malaga-lingua-centre"],
        "distance": "0.6",
        "rooms": [("Sea view room", "single", True, "40"), ("Patio room", "single", False, "30")],
    },
    {
        "destination": "malaga",
        "title": "Finca Los Olivos",
        "slug": "finca-los-olivos",
        "host_profile": "A quiet family house with an olive tree patio, 15 minutes by bus from "
        "the centre. Antonio teaches guitar in the evenings.",
        "address": "El Palo, Málaga",
        "latitude": Decimal("36.72300"),
        "longitude": Decimal("-4.36000"),
        "meals": "full_board",
        "meals_notes": "Three home-cooked meals a day.",
        "house_rules": "Please keep the patio gate closed (the cat).",
        "check_in_days": "sat,sun",
        "min_nights": 14,
        "booking_mode": "request",
        "near": ["academia-costa-del-sol"],
        "distance": "4.8",
        "rooms": [("Olive room", "single", True, "36"), ("Shared room", "shared", False, "24")],
    },
]


# The demo courses' types, so that the search's "Course type" filter finds something.
COURSE_TYPES = {
    "intensive-spanish": CourseType.INTENSIVE,
    "spanish-dele": CourseType.EXAM,
    "cambridge-exam": CourseType.EXAM,
    "business-spanish": CourseType.BUSINESS,
    "spanish-and-surf": CourseType.ACTIVITY,
}


def _image(title: str, motif: str) -> Image:
    """An illustrated picture (core.artwork, drawn offline like the lesson covers): a
    school, a house or a city under the title."""
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    from core.artwork import lesson_cover

    picture = lesson_cover(title, motif=motif, seed=title)
    image = Image(
        title=title,
        file=ImageFile(io.BytesIO(picture), name=f"{title.lower().replace(' ', '-')}.png"),
    )
    image.save()
    return image


def _publish(parent: Page, page: Page, owner: Any) -> Any:
    page.owner = owner
    parent.add_child(instance=page)
    page.save_revision(user=owner).publish()
    page.refresh_from_db()
    return page


def _first_monday(weeks_ahead: int) -> Any:
    start = timezone.localdate() + timedelta(weeks=weeks_ahead)
    return start + timedelta(days=(7 - start.weekday()) % 7)


def ensure_abroad_tree() -> str:
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.filter(locale=english).first()
    if home is None:
        return "study abroad: no home page (run the site demo first)"
    if StudyAbroadIndexPage.objects.filter(locale=english).exists():
        return "study abroad: already there"
    users = get_user_model().objects
    institution = users.filter(email__iexact=INSTITUTION_EMAIL).first()
    host = users.filter(email__iexact=HOMESTAY_EMAIL).first()
    admin = users.filter(is_superuser=True).first()
    index = _publish(
        home,
        StudyAbroadIndexPage(
            title="Study abroad",
            slug="abroad",
            introduction="Language schools and homestays in Spain and Ireland.",
        ),
        admin,
    )
    destinations = {
        data["slug"]: _publish(index, DestinationPage(**data), admin) for data in DESTINATIONS
    }
    institutes: dict[str, InstitutePage] = {}
    course_count = 0
    for data in INSTITUTES:
        data = dict(data)
        courses = data.pop("courses")
        destination = destinations[data.pop("destination")]
        institute = InstitutePage(**data)
        for number in (1, 2):
            institute.photos.add(
                InstitutePhoto(
                    image=_image(f"{data['title']} {number}", "school" if number == 1 else "talk"),
                    caption="Classroom" if number == 1 else "Student lounge",
                )
            )
        institute = _publish(destination, institute, institution)
        institutes[data["slug"]] = institute
        if institution is not None:
            grant_vendor_subtree(institution, institute)
        language = "en" if data["languages"] == "en" else "es"
        for index_, (title, slug, lessons, low, high, price, mode, deposit) in enumerate(courses):
            course = CoursePage(
                title=title,
                slug=slug,
                course_type=COURSE_TYPES.get(slug, CourseType.GENERAL),
                description=f"{title} at {data['title']}: {lessons} lessons a week in small "
                "groups, a placement test on the first Monday and a certificate at the end.",
                language=language,
                level_min=low,
                level_max=high,
                lessons_per_week=lessons,
                weeks_min=1 if index_ == 0 else 2,
                weeks_max=24,
                price_per_week=Decimal(price),
                registration_fee=Decimal("60"),
                material_fee=Decimal("35"),
                requirements="A passport or ID valid for the whole stay.",
                age_min=16 if "50" not in slug else 50,
                currency="EUR",
                booking_mode=mode,
                deposit_percent=deposit,
                cancellation_policy=["flexible", "moderate", "strict"][course_count % 3],
            )
            for month in range(4):
                course.intakes.add(
                    CourseIntake(start_date=_first_monday(3 + 4 * month), seats=8 + month % 3 * 2)
                )
            _publish(institute, course, institution)
            course_count += 1
    homestay_count = 0
    for data in HOMESTAYS:
        data = dict(data)
        rooms = data.pop("rooms")
        near = data.pop("near")
        distance = Decimal(data.pop("distance"))
        destination = destinations[data.pop("destination")]
        homestay = HomestayPage(max_nights=180, currency="EUR", **data)
        homestay.photo = _image(data["title"], "house")
        for name, kind, bathroom, price in rooms:
            homestay.rooms.add(
                HomestayRoom(
                    name=name,
                    room_type=kind,
                    private_bathroom=bathroom,
                    price_per_night=Decimal(price),
                )
            )
        for slug in near:
            homestay.nearby.add(NearbyInstitute(institute=institutes[slug], distance_km=distance))
        homestay = _publish(destination, homestay, host)
        if host is not None:
            grant_vendor_subtree(host, homestay)
        homestay_count += 1
    return (
        f"study abroad: {len(destinations)} destinations, {len(institutes)} institutes, "
        f"{course_count} courses, {homestay_count} homestays"
    )


DEMO_STEPS: list[Callable[[], str]] = [ensure_abroad_tree]
