"""argostranslate for operator-installed argos packages, made to run offline without torch.

argostranslate 1.11 imports stanza at module level and picks a sentence splitter per package
(MiniSBD downloads a model on first use, stanza needs torch). We stub ``stanza`` when it is
missing and give every package a small regex splitter, before the first language lookup.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import sys
import threading
import types
from pathlib import Path
from typing import Any

logger = logging.getLogger("ml.argos")

_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+")


class RegexSentencizer:
    """Sentence boundaries at terminal punctuation followed by whitespace."""

    def __init__(self, pkg: Any = None) -> None:
        self.pkg = pkg

    def split_sentences(self, text: str) -> list[str]:
        return [part for part in _SENTENCE_END.split(text) if part.strip()]


def argos_available() -> bool:
    return importlib.util.find_spec("argostranslate") is not None


class ArgosTranslator:
    """Translation through installed argos packages in ``packages_dir``."""

    def __init__(self, packages_dir: str, cache_dir: Path) -> None:
        self.packages_dir = packages_dir
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._translate_module: Any = None

    def _module(self) -> Any:
        with self._lock:
            if self._translate_module is None:
                self._translate_module = self._import()
            return self._translate_module

    def _import(self) -> Any:
        # argostranslate.settings reads these at import time.
        data_home = self.cache_dir / "argos"
        os.environ.setdefault("XDG_DATA_HOME", str(data_home / "data"))
        os.environ.setdefault("XDG_CONFIG_HOME", str(data_home / "config"))
        os.environ.setdefault("XDG_CACHE_HOME", str(data_home / "cache"))
        if self.packages_dir:
            os.environ["ARGOS_PACKAGES_DIR"] = self.packages_dir
        if "stanza" not in sys.modules and importlib.util.find_spec("stanza") is None:
            sys.modules["stanza"] = types.ModuleType("stanza")
        from argostranslate import settings, translate

        if self.packages_dir:  # also when argostranslate was imported earlier in the process
            settings.package_data_dir = Path(self.packages_dir)
            settings.package_dirs = [Path(self.packages_dir)]
            settings.package_data_dir.mkdir(parents=True, exist_ok=True)
        translate.MiniSBDSentencizer = RegexSentencizer
        translate.StanzaSentencizer = RegexSentencizer
        translate.SpacySentencizerSmall = RegexSentencizer
        return translate

    def pairs(self) -> set[tuple[str, str]]:
        if not argos_available():
            return set()
        translate = self._module()
        with self._lock:
            languages = translate.get_installed_languages()
        return {
            (source.code, target.to_lang.code)
            for source in languages
            for target in source.translations_from
            if target.to_lang.code != source.code
        }

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        translate = self._module()
        translation = translate.get_translation_from_codes(source, target)
        return [translation.translate(text) if text.strip() else text for text in texts]

    def install(self, archive: Path) -> None:
        """Install an ``.argosmodel`` file into the packages folder and load it."""
        self._module()
        from argostranslate import package

        package.install_from_path(archive)
        self.reload()

    def reload(self) -> None:
        """Forget cached packages (after installing new ones)."""
        translate = self._module()
        with self._lock:
            translate.installed_translates.clear()
            translate.get_installed_languages.cache_clear()
