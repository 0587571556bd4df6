"""Demo materials for the demo teacher (teacher@toto.localhost): a small library of generated
files (two PDFs made with fpdf2 and a short WAV), one handout shared with the demo student
(who booked lessons in the tutoring demo) and a published pack with a free sample.
Idempotent: a material or pack that already exists by title is left alone."""

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from . import selectors, services
from .models import Material, MaterialPack
from .samples import pdf_bytes, wav_bytes

TEACHER = "teacher@toto.localhost"
STUDENT = "student@toto.localhost"

LIBRARY = [
    (
        "Present tense: regular verbs",
        "verbos-presente.pdf",
        lambda: pdf_bytes(
            "Present tense: regular verbs",
            (
                "hablar: hablo, hablas, habla, hablamos, habláis, hablan",
                "comer: como, comes, come, comemos, coméis, comen",
                "vivir: vivo, vives, vive, vivimos, vivís, viven",
            ),
        ),
        ["verbs", "a2"],
    ),
    (
        "Ser or estar? A one-page guide",
        "ser-estar.pdf",
        lambda: pdf_bytes(
            "Ser or estar?",
            (
                "ser: identity, origin, time - Soy de Sevilla. Son las tres.",
                "estar: place, state, result - Estoy en casa. Estoy cansado.",
            ),
        ),
        ["grammar", "a2"],
    ),
    (
        "Listening: a tuning tone for the next recording",
        "tono.wav",
        lambda: wav_bytes(1.0),
        ["listening"],
    ),
]


def ensure_demo_materials() -> str:
    user_model = get_user_model()
    teacher = user_model.objects.filter(email=TEACHER).first()
    if teacher is None or not selectors.is_teacher(teacher):
        return "materials: no demo teacher (load the accounts demo first)"
    created = 0
    for title, name, content, tags in LIBRARY:
        if Material.objects.filter(teacher=teacher, title=title).exists():
            continue
        services.upload_material(
            teacher, upload=SimpleUploadedFile(name, content()), title=title, tags=tags
        )
        created += 1
    shared = 0
    student = user_model.objects.filter(email=STUDENT).first()
    handout = Material.objects.filter(teacher=teacher, title=LIBRARY[1][0]).first()
    if student is not None and handout is not None and selectors.is_learner_of(teacher, student.pk):
        services.share_material(handout, learner_id=student.pk)
        shared = 1
    return (
        f"materials: {created} new in the demo teacher's library, {shared} shared with the student"
    )


def ensure_demo_pack() -> str:
    teacher = get_user_model().objects.filter(email=TEACHER).first()
    if teacher is None:
        return "materials: no demo teacher"
    title = "Spanish A2 starter pack"
    if MaterialPack.objects.filter(teacher=teacher, title=title).exists():
        return "materials: demo pack already there"
    items = list(
        Material.objects.filter(teacher=teacher, title__in=[row[0] for row in LIBRARY]).order_by(
            "created_at"
        )
    )
    if not items:
        return "materials: no demo materials for a pack"
    pack = services.create_pack(
        teacher,
        title=title,
        description="The verb tables and the ser/estar guide I use with every A2 learner, "
        "with a recording to practise listening. The ser/estar guide is a free sample.",
        language="es",
        level="A2",
        price=Decimal("9.90"),
        currency="EUR",
        material_ids=[item.pk for item in items],
        preview_id=next((item.pk for item in items if item.title == LIBRARY[1][0]), None),
    )
    services.publish_pack(pack)
    return f"materials: published the pack “{title}” ({len(items)} items)"


def ensure_demo_free_pack() -> str:
    teacher = get_user_model().objects.filter(email=TEACHER).first()
    if teacher is None:
        return "materials: no demo teacher"
    title = "Ser or estar? Free taster"
    if MaterialPack.objects.filter(teacher=teacher, title=title).exists():
        return "materials: demo free pack already there"
    items = list(Material.objects.filter(teacher=teacher, title__in=[LIBRARY[1][0], LIBRARY[2][0]]))
    if not items:
        return "materials: no demo materials for a free pack"
    pack = services.create_pack(
        teacher,
        title=title,
        description="The ser/estar guide and a short recording, free for anyone to keep.",
        language="es",
        level="A2",
        price=Decimal("0"),
        currency="EUR",
        material_ids=[item.pk for item in items],
    )
    services.publish_pack(pack)
    return f"materials: published the free pack “{title}” ({len(items)} items)"


DEMO_STEPS: list[Callable[[], str]] = [
    ensure_demo_materials,
    ensure_demo_pack,
    ensure_demo_free_pack,
]
