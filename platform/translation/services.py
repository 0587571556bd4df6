"""Translation features: text (cached), voice (speech → text → translation → speech),
conversation turns, the phrasebook and its exports. Model calls go through ai.client and are
metered by ai.services.run_metered (charged only when the call succeeded)."""

import base64
import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from operations.configuration import setting
from rest_framework.exceptions import ValidationError

from ai import client
from ai.errors import AIInputRejected
from ai.features import Feature, per_second, per_thousand_chars
from ai.services import Meter, Metered, ensure_enabled, run_metered
from core import activity
from core.tags import set_tags

from .models import InterpreterSession, InterpreterTurn, Mode, PhrasebookEntry, Speaker, Translation

VOICE_FORMAT = "mp3"


@dataclass(frozen=True)
class TextResult:
    source_language: str
    target_language: str
    source_text: str
    translated_text: str
    detected: bool
    confidence: float | None
    engine: str = ""
    pivot_language: str = ""


def _engine_id() -> str:
    # The cache must not serve one engine's translation after the operator switches engines.
    return sha256(setting("ML_URL").encode()).hexdigest()[:12]


def _cache_key(source: str, target: str, text: str) -> str:
    digest = sha256(text.encode()).hexdigest()
    return f"translation:v2:{_engine_id()}:{source}:{target}:{digest}"


def check_pair(source: str, target: str) -> None:
    """Refuse a pair the service has no engine for, with the reason, before calling it."""
    targets = {item["code"]: set(item.get("targets", [])) for item in client.languages()}
    if target not in targets:
        raise AIInputRejected(f"Translation into {target!r} is not available.", "unsupported_pair")
    if source != "auto" and target not in targets.get(source, set()):
        raise AIInputRejected(
            f"Translation from {source!r} into {target!r} is not available.", "unsupported_pair"
        )


def _translate(meter: Meter, text: str, source: str, target: str) -> TextResult:
    """Translate one text, from the cache when the same engine already did it."""
    key = _cache_key(source, target, text)
    meter.characters = (meter.characters or 0) + len(text)
    cached = cache.get(key)
    if cached is not None:
        meter.cached = True
        return TextResult(**cached)
    if source != "auto" and source == target:
        raise AIInputRejected("The source and target languages are the same.", "same_language", 400)
    check_pair(source, target)
    answer = client.translate([text], source, target)
    translated = answer["translatedText"][0]
    detected = None
    if source == "auto":
        detected = (answer.get("detectedLanguage") or [{}])[0]
        source = str(detected.get("language") or "und")
        if source == target:
            # Already in the target language: nothing to translate (and nothing to charge).
            translated = text
    meter.model_name = f"mt:{source}-{target}"
    meter.units += per_thousand_chars(text)
    result = TextResult(
        source_language=source,
        target_language=target,
        source_text=text,
        translated_text=translated,
        detected=detected is not None,
        confidence=float(detected.get("confidence", 0.0)) if detected else None,
        engine=str(answer.get("engine") or "")[:60],
        pivot_language=str(answer.get("pivot") or "")[:16],
    )
    cache.set(key, result.__dict__, settings.TRANSLATION_CACHE_SECONDS)
    return result


def translate_text(
    user: Any, text: str, target: str, source: str = "auto", *, client_key: str | None = None
) -> tuple[Metered[TextResult], Translation]:
    metered = run_metered(
        user,
        Feature.TRANSLATE_TEXT,
        lambda meter: _translate(meter, text, source, target),
        client_key=client_key,
    )
    result = metered.result
    record = Translation.objects.create(
        user=user,
        mode=Mode.TEXT,
        source_language=result.source_language,
        target_language=result.target_language,
        source_text=result.source_text,
        translated_text=result.translated_text,
        detected=result.detected,
        engine=result.engine,
        pivot_language=result.pivot_language,
    )
    _announce(record)
    return metered, record


def _announce(record: Translation) -> None:
    activity.record(
        record.user_id,
        "translation.translated",
        obj=record,
        language=record.target_language,
        data={"mode": record.mode},
    )


def _voice_for(language: str) -> str:
    # The ML service resolves a bare language code to its best voice (Piper, else espeak-ng).
    return language


def _spoken_translation(
    meter: Meter, audio: bytes, filename: str, target: str, source: str | None
) -> tuple[TextResult, str, bytes]:
    heard = client.transcribe(audio, filename, source)
    meter.audio_seconds = heard.duration
    if not heard.text:
        raise AIInputRejected("No speech was recognised in the recording.", "no_speech", 422)
    spoken_language = heard.language or source or "auto"
    result = _translate(meter, heard.text, spoken_language, target)
    meter.cached = False  # the recording itself was transcribed and synthesized: it is charged
    speech = client.synthesize(result.translated_text, _voice_for(target), VOICE_FORMAT)
    meter.model_name = f"{heard.model}+{meter.model_name or 'mt'}+tts"
    meter.units = per_second(heard.duration)
    return result, heard.text, speech


def translate_voice(
    user: Any,
    audio: bytes,
    filename: str,
    target: str,
    source: str | None = None,
    *,
    client_key: str | None = None,
) -> tuple[Metered[dict[str, Any]], Translation]:
    """The synthesized translation is returned inline as base64 (``audio.data``): a few
    seconds of mp3 is tens of kB, and nothing private has to be stored or cleaned up."""

    def call(meter: Meter) -> dict[str, Any]:
        result, transcript, speech = _spoken_translation(meter, audio, filename, target, source)
        return {
            "source_language": result.source_language,
            "target_language": target,
            "transcript": transcript,
            "translated_text": result.translated_text,
            "engine": result.engine,
            "pivot_language": result.pivot_language,
            "audio": {
                "format": VOICE_FORMAT,
                "content_type": "audio/mpeg",
                "data": base64.b64encode(speech).decode("ascii"),
            },
        }

    metered = run_metered(user, Feature.TRANSLATE_VOICE, call, client_key=client_key)
    record = Translation.objects.create(
        user=user,
        mode=Mode.VOICE,
        source_language=metered.result["source_language"],
        target_language=target,
        source_text=metered.result["transcript"],
        translated_text=metered.result["translated_text"],
        detected=source is None,
        engine=metered.result["engine"],
        pivot_language=metered.result["pivot_language"],
    )
    _announce(record)
    return metered, record


# --- conversation mode -----------------------------------------------------------------------


def start_conversation(user: Any, language_a: str, language_b: str) -> InterpreterSession:
    if language_a == language_b:
        raise AIInputRejected("A conversation needs two different languages.", "same_language")
    return InterpreterSession.objects.create(
        user=user, language_a=language_a, language_b=language_b
    )


def _side(conversation: InterpreterSession, detected: str | None, speaker: str | None) -> str:
    """Who spoke: the detected language decides when it is one of the two; otherwise the
    side the page said (a short phrase is often detected wrongly), otherwise A."""
    if detected == conversation.language_a:
        return Speaker.A
    if detected == conversation.language_b:
        return Speaker.B
    return speaker or Speaker.A


def _languages_for(conversation: InterpreterSession, side: str) -> tuple[str, str]:
    if side == Speaker.A:
        return conversation.language_a, conversation.language_b
    return conversation.language_b, conversation.language_a


def add_text_turn(
    user: Any,
    conversation: InterpreterSession,
    text: str,
    speaker: str | None = None,
    *,
    client_key: str | None = None,
) -> tuple[Metered[TextResult], InterpreterTurn]:
    def call(meter: Meter) -> TextResult:
        detections = client.detect(text)
        detected = str(detections[0]["language"]) if detections else None
        side = _side(conversation, detected, speaker)
        source, target = _languages_for(conversation, side)
        meter.extra["speaker"] = side
        return _translate(meter, text, source, target)

    metered = run_metered(user, Feature.TRANSLATE_TEXT, call, client_key=client_key)
    turn = _record_turn(conversation, metered, spoken=False)
    return metered, turn


def add_spoken_turn(
    user: Any,
    conversation: InterpreterSession,
    audio: bytes,
    filename: str,
    speaker: str | None = None,
    *,
    client_key: str | None = None,
) -> tuple[Metered[dict[str, Any]], InterpreterTurn]:
    ensure_enabled(Feature.TRANSLATE_VOICE, user)

    def call(meter: Meter) -> dict[str, Any]:
        heard = client.transcribe(audio, filename, None)
        meter.audio_seconds = heard.duration
        if not heard.text:
            raise AIInputRejected("No speech was recognised in the recording.", "no_speech", 422)
        side = _side(conversation, heard.language, speaker)
        source, target = _languages_for(conversation, side)
        result = _translate(meter, heard.text, source, target)
        speech = client.synthesize(result.translated_text, _voice_for(target), VOICE_FORMAT)
        meter.cached = False
        meter.units = per_second(heard.duration)
        meter.model_name = f"{heard.model}+mt+tts"
        return {
            "result": result,
            "speaker": side,
            "audio": {
                "format": VOICE_FORMAT,
                "content_type": "audio/mpeg",
                "data": base64.b64encode(speech).decode("ascii"),
            },
        }

    metered = run_metered(user, Feature.TRANSLATE_VOICE, call, client_key=client_key)
    turn = InterpreterTurn.objects.create(
        conversation=conversation,
        speaker=metered.result["speaker"],
        spoken=True,
        source_language=metered.result["result"].source_language,
        target_language=metered.result["result"].target_language,
        source_text=metered.result["result"].source_text,
        translated_text=metered.result["result"].translated_text,
    )
    return metered, turn


def _record_turn(
    conversation: InterpreterSession, metered: Metered[TextResult], *, spoken: bool
) -> InterpreterTurn:
    result = metered.result
    source, target = result.source_language, result.target_language
    speaker = Speaker.A if source == conversation.language_a else Speaker.B
    activity.record(
        conversation.user_id,
        "translation.translated",
        obj=conversation,
        language=target,
        data={"mode": "conversation"},
    )
    return InterpreterTurn.objects.create(
        conversation=conversation,
        speaker=speaker,
        spoken=spoken,
        source_language=source,
        target_language=target,
        source_text=result.source_text,
        translated_text=result.translated_text,
    )


# --- phrasebook ------------------------------------------------------------------------------


def _check_unique(user: Any, fields: dict[str, Any], exclude: int | None = None) -> None:
    clash = PhrasebookEntry.objects.filter(
        user=user,
        source_language=fields["source_language"],
        target_language=fields["target_language"],
        source_text=fields["source_text"],
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"source_text": "This phrase is already in your phrasebook."})


@transaction.atomic
def save_phrase(user: Any, *, tags: Iterable[str] = (), **fields: Any) -> PhrasebookEntry:
    _check_unique(user, fields)
    entry = PhrasebookEntry.objects.create(user=user, **fields)
    set_tags(entry.tags, tags)
    return entry


MAX_CLIENT_KEY = 100


def save_phrase_once(
    user: Any, client_key: str, *, tags: Iterable[str] = (), **fields: Any
) -> tuple[PhrasebookEntry, bool]:
    """``save_phrase`` for a request carrying an ``Idempotency-Key``: the first request with a
    key saves; a repeat (the offline outbox replaying a save whose answer was lost) returns the
    entry that key saved, ``created`` False, instead of failing as a duplicate phrase. Two
    repeats racing meet at the (user, client_key) unique constraint."""
    if not client_key or len(client_key) > MAX_CLIENT_KEY:
        raise ValidationError(
            {"idempotency_key": f"An Idempotency-Key of 1 to {MAX_CLIENT_KEY} characters."}
        )
    earlier = PhrasebookEntry.objects.filter(user=user, client_key=client_key).first()
    if earlier is not None:
        return earlier, False
    try:
        return save_phrase(user, tags=tags, client_key=client_key, **fields), True
    except IntegrityError:
        earlier = PhrasebookEntry.objects.filter(user=user, client_key=client_key).first()
        if earlier is None:
            raise
        return earlier, False


@transaction.atomic
def update_phrase(
    entry: PhrasebookEntry, *, tags: Iterable[str] | None = None, **fields: Any
) -> PhrasebookEntry:
    for name, value in fields.items():
        setattr(entry, name, value)
    _check_unique(entry.user, entry.__dict__, exclude=entry.pk)
    entry.save()
    if tags is not None:
        set_tags(entry.tags, tags)
    return entry


EXPORT_FIELDS = ["source_language", "target_language", "source_text", "translated_text", "note"]


def _tag_names(entry: PhrasebookEntry) -> list[str]:
    return sorted(tag.name for tag in entry.tags.all())


def export_json(entries: Iterable[PhrasebookEntry]) -> str:
    return json.dumps(
        {
            "format": "toto-phrasebook",
            "version": 1,
            "entries": [
                {**{f: getattr(e, f) for f in EXPORT_FIELDS}, "tags": _tag_names(e)}
                for e in entries
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def export_csv(entries: Iterable[PhrasebookEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*EXPORT_FIELDS, "tags"])
    for e in entries:
        writer.writerow([*(getattr(e, f) for f in EXPORT_FIELDS), ";".join(_tag_names(e))])
    return out.getvalue()


def _anki_field(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def export_anki(entries: Iterable[PhrasebookEntry]) -> str:
    """Anki's plain-text import: tab-separated front/back/tags, with the header directives
    Anki (2.1.54+) reads, so File > Import needs no settings."""
    lines = ["#separator:tab", "#html:false", "#tags column:3"]
    for e in entries:
        tags = " ".join(name.replace(" ", "_") for name in _tag_names(e))
        lang_tag = f"toto::{e.source_language}-{e.target_language}"
        lines.append(
            "\t".join(
                [
                    _anki_field(e.source_text),
                    _anki_field(e.translated_text + (f" ({e.note})" if e.note else "")),
                    f"{tags} {lang_tag}".strip(),
                ]
            )
        )
    return "\n".join(lines) + "\n"


# --- history ----------------------------------------------------------------------------------


def delete_translation(user: Any, translation_id: int) -> None:
    """Forget one translation of the user's history (another user's id: 404)."""
    deleted, _ = Translation.objects.filter(user=user, pk=translation_id).delete()
    if not deleted:
        raise Translation.DoesNotExist


def clear_history(user: Any) -> int:
    """Forget the user's whole translation history; the phrasebook stays."""
    deleted, _ = Translation.objects.filter(user=user).delete()
    return deleted
