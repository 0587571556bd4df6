"""Reading an uploaded word list: a CSV file (the columns our export writes) or an Anki
``.apkg`` deck. Nothing here writes to the database: :func:`services.import_words` does, in one
transaction, with the rows this module answers.

An ``.apkg`` is a zip holding the collection as an SQLite file: ``collection.anki21`` (Anki
2.1), ``collection.anki2`` (older, or a stub beside the newer one) or ``collection.anki21b``
(Anki 2.1.50+, zstd-compressed, which we cannot read without a zstd library). Each note's
fields are in ``notes.flds``, separated by ``\\x1f``: the first is the word, the second its
translation.
"""

from __future__ import annotations

import csv
import html
import io
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from core.languages import is_language_code

from .models import Level

#: The largest upload accepted, and the most rows (notes) one import may hold.
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
#: A collection inside a deck may be larger than the deck (zip), within reason.
MAX_COLLECTION_BYTES = 50 * 1024 * 1024

MAX_LENGTHS = {"text": 200, "translation": 300, "part_of_speech": 30, "example": 500}
ANKI_COLLECTIONS = ("collection.anki21", "collection.anki2")
SOUND_OR_IMAGE = re.compile(r"\[sound:[^\]]*\]")


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``str()`` is the learner's message."""


@dataclass(frozen=True)
class ImportRow:
    line: int  # the CSV line, or the note's position in the deck (1-based)
    text: str
    language: str
    translation: str = ""
    part_of_speech: str = ""
    example: str = ""
    level: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass
class Parsed:
    rows: list[ImportRow] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def parse_upload(name: str, data: bytes, language: str = "") -> Parsed:
    """Reads a ``.csv`` or ``.apkg`` upload. ``language`` is the deck's language (an ``.apkg``
    has none) and the default for CSV rows without one."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    language = language.strip().lower()
    if language and not is_language_code(language):
        raise ImportFileError(_("“%(code)s” is not a language code we know.") % {"code": language})
    lowered = name.lower()
    if lowered.endswith(".apkg"):
        if not language:
            raise ImportFileError(_("Choose the language of the deck's words."))
        return parse_apkg(data, language)
    if lowered.endswith(".csv") or lowered.endswith(".txt"):
        return parse_csv(data, language)
    raise ImportFileError(_("Choose a .csv file or an Anki .apkg deck."))


def _unquote(value: str) -> str:
    # Our export prefixes a cell a spreadsheet would run as a formula with "'": undo it.
    value = value.strip()
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value


def _check(row: ImportRow) -> str:
    """The reason ``row`` cannot be added, or ""."""
    if not row.text:
        return _("The word is empty.")
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(row, name)) > limit:
            return _("The %(column)s is longer than %(count)d characters.") % {
                "column": name.replace("_", " "),
                "count": limit,
            }
    if not row.language:
        return _("No language: add a language column or choose a language.")
    if not is_language_code(row.language):
        return _("“%(code)s” is not a language code we know.") % {"code": row.language[:16]}
    if row.level and row.level not in Level.values:
        return _("“%(level)s” is not a CEFR level (A1 to C2).") % {"level": row.level[:10]}
    return ""


def _keep(parsed: Parsed, row: ImportRow) -> None:
    reason = _check(row)
    if reason:
        parsed.rejected.append(Rejected(row.line, reason))
    else:
        parsed.rows.append(row)


def _too_many() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(count)d words: split it into smaller files.")
        % {"count": MAX_IMPORT_ROWS}
    )


def parse_csv(data: bytes, language: str = "") -> Parsed:
    """The export's columns: ``text`` is required in the header; ``translation``, ``language``,
    ``part_of_speech``, ``example``, ``level`` and ``tags`` (comma-separated) are read; the
    others (status, due, …) are ignored: a card starts afresh."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file is not UTF-8 text (byte %(position)d): save it as “CSV UTF-8”.")
            % {"position": error.start + 1}
        ) from error
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    except csv.Error as error:
        raise ImportFileError(_("The file is not a readable CSV file.")) from error
    if "text" not in header:
        raise ImportFileError(
            _("The first line must name the columns, with at least “text” (as the export does).")
        )
    parsed = Parsed()
    count = 0
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            count += 1
            if count > MAX_IMPORT_ROWS:
                raise _too_many()
            line = reader.line_num
            if len(values) > len(header):
                parsed.rejected.append(Rejected(line, _("More cells than the header has columns.")))
                continue
            cells = {name: _unquote(value) for name, value in zip(header, values, strict=False)}
            tags = tuple(part.strip() for part in cells.get("tags", "").split(",") if part.strip())
            row = ImportRow(
                line=line,
                text=" ".join(cells.get("text", "").split()),
                language=(cells.get("language") or language).strip().lower(),
                translation=cells.get("translation", ""),
                part_of_speech=cells.get("part_of_speech", ""),
                example=cells.get("example", ""),
                level=cells.get("level", "").upper(),
                tags=tags,
            )
            _keep(parsed, row)
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)d is not valid CSV: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from error
    return parsed


def note_text(value: str) -> str:
    """A note field as plain text: no HTML, no [sound:…] references, entities decoded."""
    value = SOUND_OR_IMAGE.sub(" ", value)
    value = re.sub(r"<br\s*/?>|</div>|</p>", " ", value, flags=re.IGNORECASE)
    return " ".join(html.unescape(strip_tags(value)).split())


def parse_apkg(data: bytes, language: str) -> Parsed:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportFileError(
            _("This is not an Anki deck (.apkg): it is not a zip file.")
        ) from error
    with archive:
        names = set(archive.namelist())
        member = next((name for name in ANKI_COLLECTIONS if name in names), None)
        if member is None:
            if "collection.anki21b" in names:
                raise ImportFileError(
                    _(
                        "This deck was exported in Anki's newest compressed format, which we "
                        "cannot read. In Anki, export it again with “Support older Anki "
                        "versions” ticked."
                    )
                )
            raise ImportFileError(_("This .apkg file holds no Anki collection."))
        if archive.getinfo(member).file_size > MAX_COLLECTION_BYTES:
            raise ImportFileError(_("The deck's collection is too large to import."))
        collection = archive.read(member)
    with tempfile.NamedTemporaryFile(suffix=".anki2") as handle:
        handle.write(collection)
        handle.flush()
        try:
            connection = sqlite3.connect(f"file:{handle.name}?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise ImportFileError(_("The deck's collection cannot be read.")) from error
        try:
            notes = connection.execute(
                "SELECT flds, tags FROM notes ORDER BY id LIMIT ?", (MAX_IMPORT_ROWS + 1,)
            ).fetchall()
        except sqlite3.Error as error:
            raise ImportFileError(_("The deck's collection cannot be read.")) from error
        finally:
            connection.close()
    if len(notes) > MAX_IMPORT_ROWS:
        raise _too_many()
    parsed = Parsed()
    for position, (fields, tags) in enumerate(notes, start=1):
        parts = str(fields).split("\x1f")
        word = note_text(parts[0])
        translation = note_text(parts[1]) if len(parts) > 1 else ""
        labels = tuple(name.replace("_", " ") for name in str(tags or "").split() if name)
        _keep(parsed, ImportRow(position, word, language, translation=translation, tags=labels))
    return parsed
