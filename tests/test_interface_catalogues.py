"""The interface catalogues (locale/<lang>/LC_MESSAGES/*.po): every string translated into
each interface language, with the same placeholders as the English, the right number of
plural forms (Arabic has six), and accepted by GNU gettext's msgfmt --check, which
`make install` runs to compile them; and no string in the sources is missing from them (a new
page would otherwise show English inside the Spanish or Arabic interface)."""

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


# Where the interface's strings live: what `makemessages` reads (node_modules, the built
# static/dist, tests and the ML service are not interface strings).
SOURCES = ("cms", "platform", "realtime", "templates", "static/js")
MAKEMESSAGES = "make catalogues, then scripts/i18n-todo list and apply, then make messages"


def extracted_msgids(
    domain: str, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> set[tuple[str | None, str]]:
    """The msgids makemessages finds in the sources today, extracted into a scratch copy of
    the tree (symbolic links) so that the committed catalogues are not touched."""
    from django.core.management import call_command

    for source in SOURCES:
        (workdir / source).parent.mkdir(parents=True, exist_ok=True)
        (workdir / source).symlink_to(Path(settings.BASE_DIR) / source, target_is_directory=True)
    (workdir / "locale").mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [])
    call_command("makemessages", locale=["es"], domain=domain, symlinks=True, verbosity=0)
    extracted = polib.pofile(str(workdir / "locale" / "es" / "LC_MESSAGES" / f"{domain}.po"))
    return {(entry.msgctxt, entry.msgid) for entry in extracted if not entry.obsolete}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is installed by make install")
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_string_in_the_sources_is_in_the_catalogues(
    domain: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A string added to a template, a Python file or a script is in every catalogue: without
    this, a new page is English inside the Spanish and Arabic interface while the catalogue
    tests above still pass (they only see the strings a catalogue already has)."""
    in_sources = extracted_msgids(domain, tmp_path, monkeypatch)
    assert len(in_sources) > (50 if domain == "djangojs" else 1500)
    for code in INTERFACE:
        catalogue = polib.pofile(str(LOCALE / code / "LC_MESSAGES" / f"{domain}.po"))
        known = {(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete}
        missing = sorted(msgid for _context, msgid in in_sources - known)
        assert not missing, (
            f"{len(missing)} strings are not in locale/{code}/LC_MESSAGES/{domain}.po: run "
            f"{MAKEMESSAGES}, then translate them (scripts/i18n-todo list / apply):\n"
            + "\n".join(repr(msgid) for msgid in missing[:20])
        )
