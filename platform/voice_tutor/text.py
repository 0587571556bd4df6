"""Text helpers: sentence splitting for streaming speech synthesis, and the normalisation the
guided engine matches answers with."""

import re
import unicodedata

# A sentence ends at . ! ? … (and the Spanish/CJK stops) followed by a space or the end of a
# complete buffer. Abbreviations are rare in a tutor's short lines; "Mr." and "e.g." are kept.
_END = re.compile(r"(?<=[.!?\u2026\u3002\uff01\uff1f])[\"'\u201d\u2019)\]]*\s+")
_ABBREVIATIONS = ("mr.", "mrs.", "ms.", "dr.", "e.g.", "i.e.", "sr.", "sra.", "st.", "etc.")


def sentences(buffer: str) -> tuple[list[str], str]:
    """(complete sentences, remainder) of a streamed buffer: a sentence is complete once the
    whitespace after its stop has arrived, so "Hello." alone stays in the remainder."""
    done: list[str] = []
    start = 0
    for match in _END.finditer(buffer):
        candidate = buffer[start : match.end()].strip()
        if candidate.lower().endswith(_ABBREVIATIONS):
            continue
        if candidate:
            done.append(candidate)
        start = match.end()
    return done, buffer[start:]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_NON_WORD = re.compile(r"[^\w\s']+")


def normalize(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    text = strip_accents(text.lower()).replace("\u2019", "'")
    return " ".join(_NON_WORD.sub(" ", text).split())


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def words(text: str) -> list[str]:
    return _WORD.findall(text)
