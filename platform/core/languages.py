"""The project's list of language codes, for every place a client sends one."""

from functools import cache

from django.conf import settings
from django.conf.locale import LANG_INFO

# Languages translation engines (apertium, argos) offer that Django has no locale for.
ENGINE_ONLY_CODES = frozenset(
    [
        "am",
        "as",
        "ceb",
        "co",
        "fil",
        "gu",
        "ha",
        "haw",
        "ht",
        "jv",
        "ku",
        "la",
        "lo",
        "mi",
        "mt",
        "oc",
        "or",
        "ps",
        "sd",
        "si",
        "sm",
        "so",
        "tl",
        "xh",
        "yo",
        "zt",
        "zu",
    ]
)


@cache
def language_codes() -> frozenset[str]:
    """Django's languages, the site's own, and the base code of each regional variant
    ("zh" from "zh-hans", "pt" from "pt-br"): what translation engines are asked for."""
    codes = {code.lower() for code in LANG_INFO} | {
        code.lower() for code, _name in settings.LANGUAGES
    }
    return frozenset(codes | {code.split("-")[0] for code in codes} | ENGINE_ONLY_CODES)


def is_language_code(value: str) -> bool:
    return value.lower().replace("_", "-") in language_codes()
