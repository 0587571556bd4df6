"""The interface catalogues (locale/<lang>/LC_MESSAGES/*.po): every string translated into
each interface language, with the same placeholders as the English, the right number of
plural forms (Arabic has six), and accepted by GNU gettext's msgfmt --check, which
`make install` runs to compile them."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
INTERFACE = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
CATALOGUES = [
    LOCALE / code / "LC_MESSAGES" / f"{domain}.po"
    for code in INTERFACE
    for domain in ("django", "djangojs")
]
PLURALS = {"es": 3, "ar": 6}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-z_]*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_interface_languages_are_english_spanish_and_arabic() -> None:
    assert INTERFACE == ["es", "ar"]
    assert settings.LANGUAGES_BIDI and "ar" in settings.LANGUAGES_BIDI


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_string_is_translated_with_its_placeholders(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    language = path.parent.parent.name
    assert catalogue.metadata["Language"] == language
    assert f"nplurals={PLURALS[language]};" in catalogue.metadata["Plural-Forms"]
    entries = [entry for entry in catalogue if not entry.obsolete]
    assert len(entries) > (50 if path.stem == "djangojs" else 1500)
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(n, "") for n in range(PLURALS[language])]
            wanted = placeholders(entry.msgid_plural)
        else:
            forms = [entry.msgstr]
            wanted = placeholders(entry.msgid)
        for form in forms:
            if not form.strip():
                problems.append(f"untranslated: {entry.msgid!r}")
            elif placeholders(form) != wanted:
                problems.append(f"placeholders differ: {entry.msgid!r} -> {form!r}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is installed by make install")
@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_msgfmt_accepts_the_catalogue(path: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
