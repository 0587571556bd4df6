"""A word's optional picture (issue 17): uploaded on the pages and through the API (multipart),
checked by its content and made card-sized by the social app's photo helper, shown on the word
page and the flashcard, exported as a URL, and deleted with the word and with the account."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from vocabulary import services
from vocabulary.models import Card, Word
from vocabulary.personal_data import erase_personal_data, export_personal_data

pytestmark = pytest.mark.django_db

WORDS = "/api/v1/vocabulary/words/"


def picture(name: str = "dog.png", size: tuple[int, int] = (1200, 900)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="PNG")
    # The name and declared type are never believed: the content decides.
    return SimpleUploadedFile(name, buffer.getvalue(), "text/plain")


def stored(word: Word) -> Path:
    return Path(default_storage.path(word.image.name))


def test_the_api_takes_a_picture_and_makes_it_card_sized(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    response = api_client.post(
        WORDS,
        {"text": "perro", "language": "es", "translation": "dog", "image": picture()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["image_url"].startswith("http://testserver/") and "image" not in body
    word = Word.objects.get(pk=body["id"])
    with Image.open(stored(word)) as image:
        assert image.format == "WEBP" and max(image.size) == 480
    first = stored(word)

    # Replaced: the old file goes; then removed with null.
    changed = api_client.patch(
        f"{WORDS}{word.pk}/", {"image": picture("cat.gif", (300, 200))}, format="multipart"
    )
    assert changed.status_code == 200, changed.content
    word.refresh_from_db()
    assert not first.exists() and stored(word).exists()
    second = stored(word)
    removed = api_client.patch(f"{WORDS}{word.pk}/", {"image": None}, format="json")
    assert removed.status_code == 200 and removed.json()["image_url"] is None
    assert not second.exists()


def test_what_is_not_a_picture_is_refused(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    fake = SimpleUploadedFile("x.png", b"%PDF-1.4 not a picture", "image/png")
    response = api_client.post(
        WORDS, {"text": "gato", "language": "es", "image": fake}, format="multipart"
    )
    assert response.status_code == 400 and "image" in str(response.json())
    assert not Word.objects.filter(owner=student, text="gato").exists()


def test_the_picture_goes_with_the_word_and_with_the_account(student: Any) -> None:
    one = services.add_word(student, text="uno", language="es").word
    two = services.add_word(student, text="dos", language="es").word
    services.set_word_image(one, picture())
    services.set_word_image(two, picture())
    one_file, two_file = stored(one), stored(two)
    services.delete_word(one)
    assert not one_file.exists() and two_file.exists()
    erase_personal_data(student)
    assert not two_file.exists()


def test_exports_carry_the_picture_url(api_client: Any, student: Any) -> None:
    word = services.add_word(student, text="casa", language="es", translation="house").word
    services.set_word_image(word, picture())
    services.add_word(student, text="mesa", language="es")
    api_client.force_login(student)
    rows = list(csv.DictReader(io.StringIO(api_client.get(f"{WORDS}export/").content.decode())))
    assert rows[0]["image_url"] == word.image.url and rows[1]["image_url"] == ""
    exported = export_personal_data(student)["words"]
    assert exported[0]["image_url"] == word.image.url and exported[1]["image_url"] is None


def test_the_pages_upload_and_show_the_picture(client: Any, student: Any) -> None:
    client.force_login(student)
    client.post(
        "/vocabulary/add/",
        {"text": "árbol", "language": "es", "translation": "tree", "image": picture()},
    )
    word = Word.objects.get(owner=student, text="árbol")
    assert word.image
    page = client.get(f"/vocabulary/{word.pk}/").content.decode()
    assert f'src="{word.image.url}"' in page and "Remove the picture" in page
    # The flashcard shows it on its back (a new card is a flip card).
    review = client.get("/vocabulary/review/").content.decode()
    assert f'data-slot="image" alt="" src="{word.image.url}"' in review
    old = stored(word)
    response = client.post(
        f"/vocabulary/{word.pk}/",
        {"text": "árbol", "language": "es", "translation": "tree", "remove_image": "on"},
    )
    assert response.status_code == 302
    word.refresh_from_db()
    assert not word.image and not old.exists()
    bad = client.post(
        f"/vocabulary/{word.pk}/",
        {"text": "árbol", "language": "es", "image": SimpleUploadedFile("a.png", b"nope")},
    )
    assert bad.status_code == 200 and "JPEG, PNG, WebP or GIF" in bad.content.decode()
    assert Card.objects.filter(word=word).exists()
