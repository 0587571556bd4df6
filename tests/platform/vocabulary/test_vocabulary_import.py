"""Importing into the word bank: CSV (export → import round-trips) and real Anki .apkg decks
built here with sqlite3 and zipfile; duplicates, per-row errors, limits, all or nothing."""

import io
import sqlite3
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vocabulary import importing, services
from vocabulary.models import Card, Word

IMPORT = "/api/v1/vocabulary/words/import/"
pytestmark = pytest.mark.django_db


def apkg(
    tmp_path: Path,
    notes: list[tuple[str, str]],
    *,
    member: str = "collection.anki21",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A deck in Anki's format: a zip with the collection (SQLite, Anki's notes table) and the
    media map."""
    path = tmp_path / f"{member}.sqlite"
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null,"
        " mod integer not null, usn integer not null, tags text not null, flds text not null,"
        " sfld integer not null, csum integer not null, flags integer not null,"
        " data text not null)"
    )
    for number, (fields, tags) in enumerate(notes, start=1):
        connection.execute(
            "INSERT INTO notes VALUES (?, ?, 1, 0, -1, ?, ?, 0, 0, 0, '')",
            (1_700_000_000_000 + number, f"guid{number}", tags, fields),
        )
    connection.commit()
    connection.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, path.read_bytes())
        archive.writestr("media", "{}")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(api_client: Any, name: str, data: bytes, language: str = "") -> Any:
    body = {"file": SimpleUploadedFile(name, data), "language": language}
    return api_client.post(IMPORT, body, format="multipart")


def test_export_then_import_round_trips(api_client: Any, student: Any, other_student: Any) -> None:
    services.add_word(student, text="la casa", language="es", translation="the house",
                      part_of_speech="noun", example="Mi casa es tu casa.", tags=["home", "A1"],
                      level="A1")  # fmt: skip
    services.add_word(student, text="-ito", language="es", translation="=diminutive")
    services.add_word(student, text="merci", language="fr", translation="thank you")
    api_client.force_login(student)
    exported = api_client.get("/api/v1/vocabulary/words/export/").content

    api_client.force_login(other_student)
    response = upload(api_client, "toto-words.csv", b"\xef\xbb\xbf" + exported)
    assert response.status_code == 201, response.json()
    assert response.json() == {"added": 3, "duplicates": 0, "rejected": []}
    mine = {w.text: w for w in Word.objects.filter(owner=other_student).prefetch_related("tags")}
    casa = mine["la casa"]
    assert (casa.translation, casa.part_of_speech, casa.example, casa.level, casa.source) == (
        "the house", "noun", "Mi casa es tu casa.", "A1", "import")  # fmt: skip
    assert sorted(tag.name for tag in casa.tags.all()) == ["A1", "home"]
    # The export's formula guard ("'-ito") is undone; the language column is kept.
    assert mine["-ito"].translation == "=diminutive" and mine["merci"].language == "fr"
    assert Card.objects.filter(owner=other_student, last_review__isnull=True).count() == 3

    again = upload(api_client, "toto-words.csv", exported)
    assert again.json() == {"added": 0, "duplicates": 3, "rejected": []}
    assert Word.objects.filter(owner=other_student).count() == 3


def test_csv_rows_are_checked_one_by_one(api_client: Any, student: Any) -> None:
    services.add_word(student, text="Hola", language="es")
    api_client.force_login(student)
    rows = (
        "text,translation,language,level\n"
        "hola!,hello,es,A1\n"  # the same lemma as "Hola": a duplicate
        "adiós,goodbye,,\n"  # no language in the row: the chosen one
        ",empty,es,\n"
        "gato,cat,es,Z9\n"
        "perro,dog,xx-nope,\n"
        f"{'a' * 201},too long,es,\n"
        "Adiós,goodbye again,,\n"  # a duplicate within the file
        "x,y,es,A1,extra\n"
    )
    response = upload(api_client, "words.csv", rows.encode(), language="es")
    body = response.json()
    assert response.status_code == 201, body
    assert (body["added"], body["duplicates"]) == (1, 2)
    reasons = {row["line"]: row["reason"] for row in body["rejected"]}
    assert set(reasons) == {4, 5, 6, 7, 9}
    assert "empty" in reasons[4] and "CEFR" in reasons[5] and "language code" in reasons[6]
    assert "200" in reasons[7] and "More cells" in reasons[9]
    assert Word.objects.get(owner=student, text="adiós").language == "es"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("words.csv", b"word,translation\nhola,hello\n", "at least “text”"),
        ("words.csv", b"", "empty"),
        ("words.csv", "text\nmañana\n".encode("latin-1"), "UTF-8"),
        ("words.pdf", b"text\nhola\n", ".csv"),
        ("deck.apkg", b"not a zip", "not a zip"),
    ],
)
def test_unreadable_files_are_refused_whole(
    api_client: Any, student: Any, name: str, data: bytes, message: str
) -> None:
    api_client.force_login(student)
    response = upload(api_client, name, data, language="es")
    assert response.status_code == 400
    assert message in str(response.json()), response.json()
    assert not Word.objects.filter(owner=student).exists()


def test_size_and_row_limits(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    with mock.patch.object(importing, "MAX_IMPORT_ROWS", 3):
        too_many = upload(api_client, "w.csv", b"text,language\na,es\nb,es\nc,es\nd,es\n")
        fits = upload(api_client, "w.csv", b"text,language\na,es\nb,es\nc,es\n")
    assert too_many.status_code == 400 and "more than 3 words" in str(too_many.json())
    assert fits.json()["added"] == 3
    with mock.patch.object(importing, "MAX_IMPORT_BYTES", 20):
        big = upload(api_client, "w.csv", b"text,language\n" + b"abcdef,es\n" * 3)
    assert big.status_code == 400 and "larger than" in str(big.json())
    assert Word.objects.filter(owner=student).count() == 3


def test_nothing_is_half_imported(student: Any) -> None:
    parsed = importing.parse_csv(b"text,language,tags\nuno,es,a\ndos,es,b\n")
    # The tag links are written after the words and cards: a failure there undoes them.
    with (
        mock.patch("vocabulary.services.TaggedWord.objects.bulk_create", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        services.import_words(student, parsed.rows)
    assert not Word.objects.filter(owner=student).exists()
    assert not Card.objects.filter(owner=student).exists()
    assert services.import_words(student, parsed.rows).added == 2


def test_anki_deck_imports_first_two_fields(api_client: Any, student: Any, tmp_path: Path) -> None:
    api_client.force_login(student)
    deck = apkg(
        tmp_path,
        [
            ("<b>el perro</b>\x1fthe&nbsp;dog [sound:perro.mp3]\x1fextra", "animals a1"),
            ("la&nbsp;casa<br>\x1f<div>the house</div>", ""),
            ("<img src='x.jpg'>\x1fonly a picture", ""),
            ("El Perro\x1fdog again", ""),
        ],
    )
    response = upload(api_client, "Spanish.apkg", deck, language="es")
    body = response.json()
    assert response.status_code == 201, body
    assert (body["added"], body["duplicates"]) == (2, 1)
    assert body["rejected"] == [{"line": 3, "reason": "The word is empty."}]
    dog = Word.objects.prefetch_related("tags").get(owner=student, text="el perro")
    assert (dog.translation, dog.language, dog.source) == ("the dog", "es", "import")
    assert sorted(tag.name for tag in dog.tags.all()) == ["a1", "animals"]
    assert Word.objects.get(owner=student, text="la casa").translation == "the house"

    need_language = upload(api_client, "Spanish.apkg", deck)
    assert need_language.status_code == 400 and "language" in str(need_language.json())


def test_anki_legacy_collection_and_the_zstd_format(
    api_client: Any, student: Any, tmp_path: Path
) -> None:
    api_client.force_login(student)
    legacy = apkg(tmp_path, [("gracias\x1fthanks", "")], member="collection.anki2")
    assert upload(api_client, "old.apkg", legacy, language="es").json()["added"] == 1

    newest = io.BytesIO()
    with zipfile.ZipFile(newest, "w") as archive:
        archive.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd compressed")
        archive.writestr("meta", b"")
    refused = upload(api_client, "new.apkg", newest.getvalue(), language="es")
    assert refused.status_code == 400
    assert "Support older Anki versions" in str(refused.json())

    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("media", "{}")
    nothing = upload(api_client, "empty.apkg", empty.getvalue(), language="es")
    assert nothing.status_code == 400 and "no Anki collection" in str(nothing.json())


def test_import_page_shows_the_summary(client: Any, student: Any, tmp_path: Path) -> None:
    client.force_login(student)
    bank = client.get("/vocabulary/").content.decode()
    assert 'href="/vocabulary/import/"' in bank
    page = client.get("/vocabulary/import/")
    assert page.status_code == 200 and "Import words" in page.content.decode()
    deck = apkg(tmp_path, [("hola\x1fhello", ""), ("\x1fnothing", "")])
    response = client.post(
        "/vocabulary/import/",
        {"file": SimpleUploadedFile("d.apkg", deck), "language": "es"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-added">1<' in html and "The word is empty." in html
    bad = client.post(
        "/vocabulary/import/", {"file": SimpleUploadedFile("d.csv", b"word\nx\n"), "language": ""}
    )
    assert "at least “text”" in bad.content.decode()
    assert Word.objects.filter(owner=student).count() == 1
