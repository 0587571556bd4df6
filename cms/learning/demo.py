"""Demo content: a beginner English course (2 categories, 4 subcategories, 6 lessons) using
every block type, with one lesson translated into Spanish through wagtail-localize.

Media are made here, offline: a cover image with Pillow, recordings with espeak-ng, a short
video with PyAV (the ML service's decoder) and WebVTT captions. Idempotent.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.documents.models import Document
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images.models import Image
from wagtail.models import Locale, Page

from cms.site.models import HomePage

from .models import CategoryPage, LearningIndexPage, LessonPage, LessonTemplate, SubcategoryPage

EMBED_URL = "https://www.youtube.com/watch?v=Q3x1-6Lb1Ug"


def _image(title: str, color: tuple[int, int, int]) -> Image:
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    from PIL import Image as PILImage
    from PIL import ImageDraw

    picture = PILImage.new("RGB", (960, 400), color)
    draw = ImageDraw.Draw(picture)
    draw.text((40, 170), title, fill=(255, 255, 255))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = Image(
        title=title, file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png")
    )
    image.save()
    return image


# Each category's illustrated cover (core.artwork): its motif, drawn once.
COVER_MOTIFS = {"Getting started": "talk", "Daily life": "cafe"}


def _cover(category_title: str) -> Image:
    title = f"{category_title} cover"
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    from core.artwork import lesson_cover

    data = lesson_cover(
        category_title, motif=COVER_MOTIFS.get(category_title, "book"), seed=category_title
    )
    name = f"{category_title.lower().replace(' ', '-')}-cover.png"
    image = Image(title=title, file=ImageFile(io.BytesIO(data), name=name))
    image.save()
    return image


def _document(title: str, filename: str, data: bytes) -> Document:
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    document = Document(title=title)
    document.file.save(filename, ContentFile(data), save=False)
    document.save()
    return document


def _speech(text: str) -> Document | None:
    title = f"Audio: {text}"
    existing = Document.objects.filter(title=title).first()
    if existing or not shutil.which("espeak-ng"):
        return existing
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(path), text], check=True)  # noqa: S603, S607
        return _document(title, "speech.wav", path.read_bytes())


def _video() -> Document | None:
    existing = Document.objects.filter(title="Video: greetings").first()
    if existing:
        return existing
    try:
        import av
        import numpy as np
    except ImportError:
        return None
    buffer = io.BytesIO()
    container = av.open(buffer, mode="w", format="webm")
    stream = container.add_stream("libvpx", rate=10)
    stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
    for index in range(30):
        frame = np.zeros((180, 320, 3), dtype=np.uint8)
        frame[:, :, 0] = 30 + index * 6
        frame[:, :, 2] = 160
        for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return _document("Video: greetings", "greetings.webm", buffer.getvalue())


def _captions() -> Document:
    vtt = (
        b"WEBVTT\n\n00:00.000 --> 00:01.500\nHello!\n\n00:01.500 --> 00:03.000\nNice to meet you.\n"
    )
    return _document("Captions: greetings", "greetings.vtt", vtt)


def _embed() -> None:
    Embed.objects.get_or_create(
        hash=get_embed_hash(EMBED_URL),
        defaults={
            "url": EMBED_URL,
            "type": "video",
            "title": "Greetings in English",
            "provider_name": "YouTube",
            "html": '<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/Q3x1-6Lb1Ug" '
            'title="Greetings in English" allowfullscreen></iframe>',
            "width": 560,
            "height": 315,
        },
    )


def _common(
    points: int = 1, hints: list[str] | None = None, right: str = "", wrong: str = ""
) -> dict[str, Any]:
    return {
        "points": points,
        "hints": hints or [],
        "feedback_correct": right,
        "feedback_incorrect": wrong,
    }


def every_exercise_body() -> list[tuple[str, Any]]:
    """The first lesson: every exercise type (the browser test takes it end to end)."""
    return [
        (
            "paragraph",
            "<p>In English we say <b>hello</b> to anyone, at any time of day. <b>Hi</b> is more casual.</p>",
        ),
        (
            "multiple_choice",
            {
                "question": "Which greeting is casual?",
                "choices": [
                    {"text": "Hi", "is_correct": True},
                    {"text": "Good evening", "is_correct": False},
                    {"text": "How do you do?", "is_correct": False},
                ],
                "explanation": "“Hi” is what friends say; the others are more formal.",
                **_common(
                    1,
                    ["Think of what you say to a friend."],
                    "Well done!",
                    "Friends say something short.",
                ),
            },
        ),
        (
            "fill_blank",
            {
                "instructions": "Complete the introduction.",
                "text": "Hello, my name [[is|'s]] Anna. Nice to [[meet]] you!",
                "ignore_accents": False,
                **_common(
                    2,
                    ["The verb “to be”, then what you do when you see someone new."],
                    "Perfect!",
                    "Check the verbs.",
                ),
            },
        ),
        (
            "ordering",
            {
                "instructions": "Put the conversation in order.",
                "items": [
                    "Hello!",
                    "Hi, how are you?",
                    "I'm fine, thanks. And you?",
                    "Very well, thank you.",
                ],
                **_common(
                    2, ["It starts with a greeting."], "Great conversation!", "Who speaks first?"
                ),
            },
        ),
        (
            "matching",
            {
                "instructions": "Match each greeting with the time of day.",
                "pairs": [
                    {"left": "Good morning", "right": "8 a.m."},
                    {"left": "Good afternoon", "right": "3 p.m."},
                    {"left": "Good evening", "right": "7 p.m."},
                ],
                **_common(3, [], "Right on time!", "Morning comes first."),
            },
        ),
        (
            "drag_words",
            {
                "instructions": "Drag the words into the gaps.",
                "text": "[[Goodbye]]! See you [[tomorrow]].",
                "distractors": ["Hello", "yesterday"],
                **_common(2, ["You are leaving."], "Bye!", "Are you arriving or leaving?"),
            },
        ),
        (
            "voice",
            {
                "prompt": "Read this greeting aloud.",
                "expected_text": "Good morning, how are you?",
                "language": "en",
                "show_text": True,
                "pass_score": 50,
                **_common(
                    2,
                    ["Say it slowly and clearly."],
                    "You sound great!",
                    "Try again, a little slower.",
                ),
            },
        ),
    ]


def _lessons(media: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    hello_audio = media.get("hello_audio")
    vocabulary_words = [
        {"word": "hello", "translation": "hola", "example": "Hello, Anna!", "audio": hello_audio},
        {
            "word": "goodbye",
            "translation": "adiós",
            "example": "Goodbye, see you soon.",
            "audio": None,
        },
        {
            "word": "please",
            "translation": "por favor",
            "example": "A coffee, please.",
            "audio": None,
        },
        {
            "word": "thank you",
            "translation": "gracias",
            "example": "Thank you very much!",
            "audio": None,
        },
    ]
    media_blocks: list[tuple[str, Any]] = [
        (
            "image",
            {
                "image": media["cover"],
                "alt_text": "Two friends waving hello",
                "caption": "Saying hello",
            },
        )
    ]
    if media.get("video"):
        media_blocks.append(
            (
                "video",
                {
                    "video": media["video"],
                    "poster": media["cover"],
                    "captions": media["captions"],
                    "transcript": "Hello! Nice to meet you.",
                },
            )
        )
    if hello_audio:
        media_blocks.append(
            (
                "audio",
                {
                    "audio": hello_audio,
                    "caption": "Listen and repeat",
                    "transcript": "Hello! Good morning!",
                },
            )
        )
    media_blocks.append(("embed", {"embed": EMBED_URL, "caption": "A short video about greetings"}))
    return {
        "Getting started": [
            {
                "subcategory": ("Greetings", "Say hello, goodbye and introduce yourself."),
                "lessons": [
                    (
                        "Hello and goodbye",
                        "Greet people and say goodbye, from casual to formal.",
                        15,
                        [
                            *every_exercise_body(),
                            ("vocabulary", {"title": "Greetings", "words": vocabulary_words}),
                        ],
                    ),
                    (
                        "Introducing yourself",
                        "Say your name, where you are from and what you do.",
                        10,
                        [
                            (
                                "paragraph",
                                "<p>To introduce yourself, say <b>I'm</b> and your name: <i>I'm Sam.</i></p>",
                            ),
                            *media_blocks,
                            (
                                "fill_blank",
                                {
                                    "instructions": "Complete.",
                                    "text": "I [[am|'m]] from [[Spain|España]].",
                                    "ignore_accents": True,
                                    **_common(2),
                                },
                            ),
                        ],
                    ),
                ],
            },
            {
                "subcategory": ("Numbers and time", "Count, tell the time and talk about days."),
                "lessons": [
                    (
                        "Numbers one to twenty",
                        "Count from one to twenty and use numbers in prices.",
                        10,
                        [
                            (
                                "paragraph",
                                "<p>One, two, three… Numbers from 13 to 19 end in <b>-teen</b>.</p>",
                            ),
                            (
                                "ordering",
                                {
                                    "instructions": "Order from small to big.",
                                    "items": ["three", "seven", "twelve", "twenty"],
                                    **_common(2),
                                },
                            ),
                        ],
                    ),
                    (
                        "Telling the time",
                        "Ask for and say the time.",
                        12,
                        [
                            (
                                "paragraph",
                                "<p>Ask <b>What time is it?</b> and answer <i>It's three o'clock.</i></p>",
                            ),
                            (
                                "multiple_choice",
                                {
                                    "question": "It is 3:30. What do you say?",
                                    "choices": [
                                        {"text": "Half past three", "is_correct": True},
                                        {"text": "It's half three o'clock", "is_correct": False},
                                        {"text": "Thirty past three", "is_correct": False},
                                    ],
                                    "explanation": "Thirty minutes past is “half past”.",
                                    **_common(1),
                                },
                            ),
                        ],
                    ),
                ],
            },
        ],
        "Daily life": [
            {
                "subcategory": ("Food and drink", "Order in a café and talk about what you like."),
                "lessons": [
                    (
                        "At the café",
                        "Order a drink and a snack politely.",
                        10,
                        [
                            (
                                "paragraph",
                                "<p>Use <b>I would like</b> (I'd like) to order politely.</p>",
                            ),
                            (
                                "drag_words",
                                {
                                    "instructions": "Complete the order.",
                                    "text": "I would [[like]] a [[coffee]], please.",
                                    "distractors": ["tea", "want"],
                                    **_common(2),
                                },
                            ),
                            (
                                "matching",
                                {
                                    "instructions": "Match the food with the Spanish word.",
                                    "pairs": [
                                        {"left": "bread", "right": "pan"},
                                        {"left": "apple", "right": "manzana"},
                                        {"left": "water", "right": "agua"},
                                    ],
                                    **_common(3),
                                },
                            ),
                        ],
                    ),
                ],
            },
            {
                "subcategory": ("Around town", "Find your way and ask for directions."),
                "lessons": [
                    (
                        "Asking for directions",
                        "Ask where places are and understand simple directions.",
                        12,
                        [
                            (
                                "paragraph",
                                "<p>Ask <b>Where is the station?</b> Answers: <i>turn left</i>, <i>go straight on</i>.</p>",
                            ),
                            (
                                "voice",
                                {
                                    "prompt": "Ask where the station is.",
                                    "expected_text": "Where is the station?",
                                    "language": "en",
                                    "show_text": False,
                                    "pass_score": 50,
                                    **_common(2, ["Start with “Where is…”."]),
                                },
                            ),
                            (
                                "multiple_choice",
                                {
                                    "question": "Which ones are directions?",
                                    "choices": [
                                        {"text": "Turn left", "is_correct": True},
                                        {"text": "Go straight on", "is_correct": True},
                                        {"text": "Good night", "is_correct": False},
                                    ],
                                    **_common(2),
                                },
                            ),
                        ],
                    ),
                ],
            },
        ],
    }


CATEGORIES = {
    "Getting started": ("👋", "Your first words: greetings, numbers and time."),
    "Daily life": ("☕", "English for cafés, shops and getting around town."),
}

SPANISH = {
    "Learn English": "Aprende inglés",
    "Short lessons for beginners: read, listen, speak and practise.": "Lecciones cortas para principiantes: lee, escucha, habla y practica.",
    "Getting started": "Primeros pasos",
    "Your first words: greetings, numbers and time.": "Tus primeras palabras: saludos, números y la hora.",
    "Greetings": "Saludos",
    "Say hello, goodbye and introduce yourself.": "Saluda, despídete y preséntate.",
    "Hello and goodbye": "Hola y adiós",
    "Greet people and say goodbye, from casual to formal.": "Saluda y despídete, de lo informal a lo formal.",
    "Which greeting is casual?": "¿Qué saludo es informal?",
    "“Hi” is what friends say; the others are more formal.": "«Hi» es lo que dicen los amigos; los otros son más formales.",
    "Think of what you say to a friend.": "Piensa en lo que le dices a un amigo.",
    "Well done!": "¡Muy bien!",
    "Friends say something short.": "Los amigos dicen algo corto.",
    "Complete the introduction.": "Completa la presentación.",
    "Put the conversation in order.": "Ordena la conversación.",
    "Match each greeting with the time of day.": "Une cada saludo con la hora del día.",
    "Drag the words into the gaps.": "Arrastra las palabras a los huecos.",
    "Read this greeting aloud.": "Lee este saludo en voz alta.",
    "Perfect!": "¡Perfecto!",
    "Check the verbs.": "Revisa los verbos.",
}


def ensure_learning_tree() -> str:
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.filter(locale=english).first()
    if home is None:
        return "learning tree: skipped (no home page)"
    index = LearningIndexPage.objects.filter(locale=english).first()
    if index is None:
        index = LearningIndexPage(
            title="Learn English",
            slug="learn",
            introduction="Short lessons for beginners: read, listen, speak and practise.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    if LessonPage.objects.filter(locale=english).exists():
        return "learning tree: already there"

    _embed()
    media: dict[str, Any] = {
        "cover": _image("Greetings cover", (34, 87, 122)),
        "hello_audio": _speech("Hello! Good morning!"),
        "video": _video(),
        "captions": _captions(),
    }
    count = 0
    for order, (category_title, groups) in enumerate(_lessons(media).items(), 1):
        icon, description = CATEGORIES[category_title]
        cover = _cover(category_title)
        category = CategoryPage(
            title=category_title, description=description, icon=icon, sort_order=order
        )
        index.add_child(instance=category)
        category.save_revision().publish()
        for group in groups:
            sub_title, sub_description = group["subcategory"]
            subcategory = SubcategoryPage(title=sub_title, description=sub_description)
            category.add_child(instance=subcategory)
            subcategory.save_revision().publish()
            for title, lesson_description, minutes, body in group["lessons"]:
                lesson = LessonPage(
                    title=title,
                    description=lesson_description,
                    estimated_minutes=minutes,
                    cover_image=cover,
                    body=body,
                )
                subcategory.add_child(instance=lesson)
                lesson.save_revision().publish()
                count += 1
    LessonTemplate.objects.get_or_create(
        name="Vocabulary and practice",
        defaults={
            "description": "Introduce words, then practise them.",
            "body": [
                ("paragraph", "<p>Introduce the topic in one or two sentences.</p>"),
                (
                    "vocabulary",
                    {
                        "title": "New words",
                        "words": [
                            {
                                "word": "word",
                                "translation": "palabra",
                                "example": "A new word.",
                                "audio": None,
                            }
                        ],
                    },
                ),
                (
                    "multiple_choice",
                    {
                        "question": "Which word means “palabra”?",
                        "choices": [
                            {"text": "word", "is_correct": True},
                            {"text": "world", "is_correct": False},
                        ],
                        **_common(1),
                    },
                ),
            ],
        },
    )
    return f"learning tree: 2 categories, {count} lessons, 1 lesson template"


def _translate(page: Page, locale: Locale) -> Page:
    from wagtail_localize.models import (
        StringSegment,
        StringTranslation,
        Translation,
        TranslationSource,
    )

    source, _ = TranslationSource.get_or_create_from_instance(page)
    translation, _ = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        spanish = SPANISH.get(segment.string.data)
        if spanish:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": spanish},
            )
    translation.save_target(publish=True)
    return page.get_translation(locale)


def ensure_spanish_lesson() -> str:
    spanish = Locale.objects.get(language_code="es")
    lesson = LessonPage.objects.filter(
        locale__language_code="en", title="Hello and goodbye"
    ).first()
    if lesson is None:
        return "spanish lesson: skipped"
    if lesson.has_translation(spanish):
        return "spanish lesson: already there"
    subcategory = lesson.get_parent()
    category = subcategory.get_parent()
    index = category.get_parent()
    for page in (index.specific, category.specific, subcategory.specific, lesson):
        if not page.has_translation(spanish):
            _translate(page, spanish)
    return "spanish lesson: Hola y adiós (wagtail-localize)"


DEMO_STEPS: list[Callable[[], str]] = [ensure_learning_tree, ensure_spanish_lesson]
