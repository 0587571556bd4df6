"""LibreTranslate-compatible ``/translate``, ``/detect`` and ``/languages`` (form or JSON)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from ml.api.deps import get_engines
from ml.container import Engines
from ml.engines.langid import Detection
from ml.engines.mt import Route
from ml.errors import bad_request, too_large

router = APIRouter(tags=["translate"])

LANGUAGE_NAMES = {
    "ar": "Arabic", "ca": "Catalan", "de": "German", "en": "English", "es": "Spanish",
    "eu": "Basque", "fr": "French", "gl": "Galician", "hi": "Hindi", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "oc": "Occitan", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian", "zh": "Chinese",
}  # fmt: skip


async def read_payload(request: Request) -> dict[str, Any]:
    """LibreTranslate clients send JSON or form data; ``q`` may repeat in a form."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("The body is not valid JSON.") from None
        except RecursionError:
            # json.loads recurses per nesting level: 100k "[" would otherwise be a 500.
            raise bad_request("The JSON is nested too deeply.", code="too_deeply_nested") from None
        if not isinstance(body, dict):
            raise bad_request("The body must be a JSON object.")
        return body
    form = await request.form()
    data: dict[str, Any] = {key: form.get(key) for key in form}
    values = form.getlist("q")
    if len(values) > 1:
        data["q"] = values
    return data


def _texts(engines: Engines, payload: dict[str, Any]) -> tuple[list[str], bool]:
    q = payload.get("q")
    if q is None or q == "" or q == []:
        raise bad_request("Invalid request: missing q parameter", param="q")
    batch = isinstance(q, list)
    texts = q if batch else [q]
    if not all(isinstance(text, str) for text in texts):
        raise bad_request("Invalid request: q must be a string or a list of strings", param="q")
    settings = engines.settings
    if len(texts) > settings.max_batch:
        raise too_large(
            f"Invalid request: {len(texts)} texts; the batch limit is {settings.max_batch}",
            code="batch_too_large",
            param="q",
        )
    total = sum(len(text) for text in texts)
    if total > settings.max_text_chars:
        raise too_large(
            f"Invalid request: the text is {total} characters; the limit is "
            f"{settings.max_text_chars}",
            code="text_too_long",
            param="q",
        )
    return texts, batch


def _detection_json(detection: Detection | None) -> dict[str, Any]:
    if detection is None:
        return {"confidence": 0.0, "language": "und"}
    return {"confidence": round(detection.confidence * 100, 1), "language": detection.language}


@router.post("/translate")
async def translate(
    request: Request, engines: Annotated[Engines, Depends(get_engines)]
) -> dict[str, Any]:
    payload = await read_payload(request)
    texts, batch = _texts(engines, payload)
    source = str(payload.get("source") or "auto").lower()
    target = str(payload.get("target") or "").lower()
    fmt = str(payload.get("format") or "text")
    if not target:
        raise bad_request("Invalid request: missing target parameter", param="target")
    if fmt not in ("text", "html"):
        raise bad_request("Invalid request: format must be text or html", param="format")

    def work() -> tuple[list[str], Route | None, list[Detection | None]]:
        detections: list[Detection | None] = []
        if source == "auto":
            detections = [engines.langid.best(text) for text in texts]
            # A batch is translated from one language: the most confident detection's.
            best = max((d for d in detections if d), key=lambda d: d.confidence, default=None)
            if best is None:
                raise bad_request("Could not detect the source language.", code="undetected")
            chosen = best.language
        else:
            chosen = source
        translated, route = engines.mt.translate_routed(texts, chosen, target, fmt)
        return translated, route, detections

    translated, route, detections = await engines.gates["mt"].run(work)
    body: dict[str, Any] = {"translatedText": translated if batch else translated[0]}
    # Beyond LibreTranslate's shape (its clients ignore extra keys): which engine answered,
    # and the pivot language when no engine does the pair directly.
    if route is not None:
        body["engine"] = route.engine
        if route.pivot:
            body["pivot"] = route.pivot
    if source == "auto":
        found = [_detection_json(d) for d in detections]
        body["detectedLanguage"] = found if batch else found[0]
    return body


@router.post("/detect")
async def detect(
    request: Request, engines: Annotated[Engines, Depends(get_engines)]
) -> list[dict[str, Any]]:
    payload = await read_payload(request)
    texts, _ = _texts(engines, payload)
    text = "\n".join(texts)
    detections = await engines.gates["text"].run(lambda: engines.langid.detect(text, k=3))
    return [_detection_json(d) for d in detections]


@router.get("/languages")
async def languages(engines: Annotated[Engines, Depends(get_engines)]) -> list[dict[str, Any]]:
    """LibreTranslate's list, with the pairs reached through a pivot among the targets and
    named in ``pivots`` (target → pivot language), so clients can label them."""
    targets: dict[str, set[str]] = {}
    pivots: dict[str, dict[str, str]] = {}
    for source, target in engines.mt.pairs():
        targets.setdefault(source, {source}).add(target)
        targets.setdefault(target, {target})
    for (source, target), pivot in engines.mt.pivots().items():
        targets[source].add(target)
        pivots.setdefault(source, {})[target] = pivot
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES.get(code, code),
            "targets": sorted(found),
            "pivots": dict(sorted(pivots.get(code, {}).items())),
        }
        for code, found in sorted(targets.items())
    ]
