"""Writes of the voice tutor: sessions, turns, billing, reports. The socket consumer and the
REST views call these; they are synchronous (the consumer wraps them).

Billing policy: credits per *started* minute of billable tutor time, through
``credits.services.charge(user, "voice-tutor", 1, idempotency_key="tutor:<session>:<minute>")``
(minute 0 when the session starts, so a learner without credits cannot start). Billable time
is wall time since the start minus time lost to our failures (an interrupted session does not
run its clock; the failed turn's time is given back). Premium plans with unlimited AI are
covered by ``charge`` itself (their fair-use budget). Each charged minute is logged in the AI
usage log, like every other metered AI feature.
"""

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import LearningLanguage, User
from ai import client
from ai.models import Outcome
from ai.services import record_usage
from core import activity
from credits.errors import InsufficientCredits
from credits.models import FeaturePrice
from credits.selectors import wallet_summary
from credits.services import charge

from . import engines
from .errors import (
    EngineUnavailable,
    InvalidChoice,
    NoCredits,
    NotFound,
    SessionActive,
    SessionNotActive,
)
from .models import (
    LEVELS,
    OPEN_STATUSES,
    SILENCE_MS_BY_LEVEL,
    Mode,
    PracticeContext,
    SessionStatus,
    Speaker,
    TutorReport,
    TutorSession,
    TutorTurn,
    VoiceAvatar,
)

logger = logging.getLogger(__name__)

FEATURE = "voice-tutor"
MAX_TURN_CHARS = 2000
MAX_RECORDING_BYTES = 5 * 1024 * 1024

GUIDED_NOTICE = (
    "Offline guided practice: the tutor follows this situation's script and checks your "
    "answers. Free conversation needs a configured language model."
)
LLM_NOTICE = "Free conversation with the AI tutor (a language model)."


@dataclass(frozen=True)
class TutorSessionSettings:
    mode: str
    language: str
    tts_voice: str
    tts_speed: float
    silence_duration_ms: int
    max_seconds: int
    seconds_left: int
    learner_name: str
    # Added beside the contract's fields: what the interface says about the engine.
    notice: str = ""
    level: str = "A1"
    avatar_name: str = ""
    context_title: str = ""
    has_guided_script: bool = True


@dataclass(frozen=True)
class ChargeResult:
    seconds_left: int
    warn: bool
    exhausted: bool


# --- helpers ------------------------------------------------------------------------------------


def learner_name(user: Any) -> str:
    return str(user.first_name or "").strip()


def _max_seconds() -> int:
    return int(settings.VOICE_TUTOR_MAX_SECONDS)


def _price() -> Decimal:
    price = FeaturePrice.objects.filter(feature=FEATURE, active=True).first()
    return price.credits_per_unit if price else Decimal("0")


def _affordable_minutes(user: User) -> float:
    """How many more minutes the learner can pay for now (unlimited plans: no limit here;
    their fair-use budget is enforced by ``charge``)."""
    price = _price()
    if price <= 0:
        return math.inf
    summary = wallet_summary(user)
    plan = summary["plan"]
    if plan is not None and getattr(plan, "unlimited_ai", False):
        return math.inf
    return float(summary["available"] // price)


def choose_mode(context: PracticeContext) -> str:
    """The engine, by configuration (``VOICE_TUTOR_ENGINE``: auto, guided or llm), never
    silently: the session records it and the interface says which one runs."""
    configured = settings.VOICE_TUTOR_ENGINE
    if configured == "llm" or (configured == "auto" and client.llm_available()):
        if configured == "llm" and not client.llm_available():
            raise EngineUnavailable(_("The tutor's language model is not configured or down."))
        return Mode.LLM
    if not context.has_guided_script:
        raise InvalidChoice(
            _(
                "%(title)s is a free conversation, which needs a configured language model; "
                "this site runs the offline guided practice. Pick a situation with a script."
            )
            % {"title": context.title}
        )
    return Mode.GUIDED


def _default_level(user: User, language: str) -> str:
    found = (
        LearningLanguage.objects.filter(profile__user=user, language=language)
        .values_list("level", flat=True)
        .first()
    )
    return found or "A1"


def _log_minute(session: TutorSession, minute: int, outcome: str, credits: Decimal) -> None:
    record_usage(
        session.user,
        FEATURE,
        outcome=outcome,
        model_name=session.mode,
        units=Decimal("1") if outcome == Outcome.OK else Decimal("0"),
        credits=credits,
        audio_seconds=60.0,
        error_code="insufficient_credits" if outcome == Outcome.INSUFFICIENT_CREDITS else "",
        idempotency_key=f"tutor:{session.pk}:{minute}",
    )


# --- sessions -----------------------------------------------------------------------------------


def active_session(user: Any) -> TutorSession | None:
    return (
        TutorSession.objects.filter(user=user, status__in=OPEN_STATUSES)
        .select_related("avatar", "context")
        .first()
    )


def start_session(
    user: Any, *, avatar_id: int, context_id: int, level: str | None = None
) -> TutorSession:
    if level is not None and level not in LEVELS:
        raise InvalidChoice(_("Choose a level from A1 to C2."))
    avatar = VoiceAvatar.objects.filter(pk=avatar_id, live=True).first()
    context = PracticeContext.objects.filter(pk=context_id, live=True).first()
    if avatar is None or context is None:
        raise NotFound(_("This tutor or practice situation does not exist."))
    if avatar.language.split("-")[0].lower() != context.language.split("-")[0].lower():
        raise InvalidChoice(
            _("%(name)s speaks %(avatar)s; this situation is in %(context)s.")
            % {"name": avatar.name, "avatar": avatar.language, "context": context.language}
        )
    existing = active_session(user)
    if existing is not None:
        raise SessionActive(
            existing.pk,
            _("You already have a tutor session open (#%(id)s). Resume it or end it first.")
            % {"id": existing.pk},
        )
    mode = choose_mode(context)
    try:
        with transaction.atomic():
            session = TutorSession.objects.create(
                user=user,
                avatar=avatar,
                context=context,
                context_key=context.translation_key,
                mode=mode,
                level=level or _default_level(user, context.language),
                language=context.language,
            )
            usage = charge(user, FEATURE, 1, idempotency_key=f"tutor:{session.pk}:0")
            session.minutes_charged = 1
            session.credits_charged = usage.credits
            session.save(update_fields=["minutes_charged", "credits_charged"])
            _log_minute(session, 0, Outcome.OK, usage.credits)
    except InsufficientCredits as exc:
        record_usage(
            user,
            FEATURE,
            outcome=Outcome.INSUFFICIENT_CREDITS,
            error_code="insufficient_credits",
        )
        raise NoCredits() from exc
    except IntegrityError as exc:  # a concurrent start won the one-open-session constraint
        other = active_session(user)
        raise SessionActive(other.pk if other else 0) from exc
    return session


def session_settings(session: TutorSession) -> TutorSessionSettings:
    avatar, context = session.avatar, session.context
    silence = (
        context.silence_duration_ms
        or avatar.silence_duration_ms
        or SILENCE_MS_BY_LEVEL.get(session.level, 900)
    )
    left = seconds_left(session)
    return TutorSessionSettings(
        mode=session.mode,
        language=session.language,
        tts_voice=avatar.tts_voice,
        tts_speed=avatar.speed_for(session.level),
        silence_duration_ms=int(silence),
        max_seconds=_max_seconds(),
        seconds_left=left,
        learner_name=learner_name(session.user),
        notice=_(GUIDED_NOTICE) if session.mode == Mode.GUIDED else _(LLM_NOTICE),
        level=session.level,
        avatar_name=avatar.name,
        context_title=context.title,
        has_guided_script=context.has_guided_script,
    )


def seconds_left(session: TutorSession, now: datetime | None = None) -> int:
    billable = session.billable_seconds(now)
    by_time = _max_seconds() - billable
    by_credits = session.minutes_charged * 60 + _affordable_minutes(session.user) * 60 - billable
    return max(0, int(min(by_time, by_credits)))


def _require_active(session: TutorSession) -> None:
    if session.status != SessionStatus.ACTIVE:
        raise SessionNotActive()


def _next_seq(session: TutorSession) -> int:
    """The next turn number, under the session's row lock (the caller's transaction), so two
    turns sent at once (a double-submitted request) get distinct numbers."""
    TutorSession.objects.select_for_update().filter(pk=session.pk).values_list("pk").first()
    last = session.turns.order_by("-seq").values_list("seq", flat=True).first()
    return (last or 0) + 1


def _is_wav(audio: bytes) -> bool:
    return len(audio) > 44 and audio[:4] == b"RIFF" and audio[8:12] == b"WAVE"


def resume_session(session: TutorSession) -> TutorSession:
    """An interrupted session (our failure) runs again; the time it stood still is not billed."""
    with transaction.atomic():
        locked = TutorSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == SessionStatus.INTERRUPTED:
            now = timezone.now()
            if locked.interrupted_at:
                locked.unbilled_seconds += (now - locked.interrupted_at).total_seconds()
            locked.status = SessionStatus.ACTIVE
            locked.interrupted_at = None
            locked.failure_code = ""
            locked.save(
                update_fields=["status", "interrupted_at", "failure_code", "unbilled_seconds"]
            )
    session.refresh_from_db()
    return session


# --- turns --------------------------------------------------------------------------------------


def opening_reply(session: TutorSession) -> Iterator[str]:
    _require_active(session)
    name = learner_name(session.user)
    if session.mode == Mode.GUIDED:
        for line in engines.guided_opening(session, name):
            yield line + " "
        return
    yield from _metered_llm_stream(session, name)


def learner_turn(
    session: TutorSession,
    *,
    text: str,
    audio: bytes | None = None,
    speech: dict[str, Any] | None = None,
) -> TutorTurn:
    if session.status == SessionStatus.INTERRUPTED:
        resume_session(session)  # the learner tries again: the session resumes
    _require_active(session)
    text = " ".join(text.split())[:MAX_TURN_CHARS]
    if not text:
        raise InvalidChoice(_("Say or type something first."))
    if audio and (len(audio) > MAX_RECORDING_BYTES or not _is_wav(audio)):
        raise InvalidChoice(_("The recording of a turn must be a WAV file of at most 5 MB."))
    with transaction.atomic():
        turn = TutorTurn(
            session=session,
            seq=_next_seq(session),
            speaker=Speaker.LEARNER,
            text=text,
            spoken=speech is not None,
            speech=_speech_summary(speech) if speech else None,
        )
        if audio:
            turn.recording.save("turn.wav", ContentFile(audio), save=False)
        turn.save()
    return turn


def _speech_summary(speech: dict[str, Any]) -> dict[str, Any]:
    """What scoring needs from the ML transcription event (no audio, bounded size)."""
    words = [
        {
            "word": str(word.get("word", ""))[:60],
            "start": float(word.get("start") or 0),
            "end": float(word.get("end") or 0),
            "probability": float(word.get("probability") or 0),
        }
        for word in (speech.get("words") or [])[:500]
        if isinstance(word, dict)
    ]
    pauses = [
        {"start": float(pause.get("start") or 0), "end": float(pause.get("end") or 0)}
        for pause in (speech.get("pauses") or [])[:200]
        if isinstance(pause, dict)
    ]
    return {
        "duration": float(speech.get("duration") or 0),
        "speech_ms": int(speech.get("speech_ms") or 0),
        "language": str(speech.get("language") or "")[:16],
        "words": words,
        "pauses": pauses,
    }


def _latest_learner_turn(session: TutorSession) -> TutorTurn:
    turn = session.turns.order_by("-seq").first()
    if turn is None or turn.speaker != Speaker.LEARNER:
        raise InvalidChoice(_("There is no learner turn to answer."))
    return turn


def tutor_reply(session: TutorSession) -> Iterator[str]:
    _require_active(session)
    turn = _latest_learner_turn(session)
    engines.check_grammar(turn, session.language)
    name = learner_name(session.user)
    if session.mode == Mode.GUIDED:
        with transaction.atomic():
            lines = engines.guided_reply(session, turn, name)
            turn.save(
                update_fields=[
                    "grammar_checked", "corrected_text", "edits", "step_index", "fitted"
                ]
            )  # fmt: skip
            session.save(update_fields=["step_index", "step_attempts", "script_done"])
        for line in lines:
            yield line + " "
        return
    turn.fitted = engines.on_topic(session, turn)
    turn.save(update_fields=["grammar_checked", "corrected_text", "edits", "fitted"])
    yield from _metered_llm_stream(session, name)


def _metered_llm_stream(session: TutorSession, name: str) -> Iterator[str]:
    usage: dict[str, Any] = {}
    outcome = Outcome.FREE  # billed per minute, not per reply
    try:
        yield from engines.llm_stream(session, name, usage)
    except EngineUnavailable:
        outcome = Outcome.UNAVAILABLE
        raise
    finally:
        record_usage(
            session.user,
            FEATURE,
            outcome=outcome,
            latency_ms=int(usage.get("latency_ms") or 0),
            model_name=str(usage.get("model_name") or ""),
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
            error_code="tutor_unavailable" if outcome == Outcome.UNAVAILABLE else "",
        )


def finish_tutor_turn(
    session: TutorSession, *, text: str, heard_text: str | None = None
) -> TutorTurn:
    if session.status == SessionStatus.ENDED:
        raise SessionNotActive()
    with transaction.atomic():
        return TutorTurn.objects.create(
            session=session,
            seq=_next_seq(session),
            speaker=Speaker.TUTOR,
            text=text.strip(),
            heard_text=(heard_text or "").strip(),
            interrupted=heard_text is not None,
        )


# --- billing ------------------------------------------------------------------------------------


def charge_elapsed(session: TutorSession, *, now: datetime | None = None) -> ChargeResult:
    now = now or timezone.now()
    exhausted = False
    with transaction.atomic():
        locked = TutorSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != SessionStatus.ACTIVE:
            return ChargeResult(
                seconds_left=0 if locked.status == SessionStatus.ENDED else seconds_left(locked),
                warn=False,
                exhausted=locked.status == SessionStatus.ENDED,
            )
        billable = locked.billable_seconds(now)
        last_minute = math.ceil(_max_seconds() / 60)
        started = min(int(billable // 60) + 1, last_minute)
        for minute in range(locked.minutes_charged, started):
            try:
                usage = charge(
                    locked.user, FEATURE, 1, idempotency_key=f"tutor:{locked.pk}:{minute}"
                )
            except InsufficientCredits:
                _log_minute(locked, minute, Outcome.INSUFFICIENT_CREDITS, Decimal("0"))
                exhausted = True
                break
            locked.minutes_charged = minute + 1
            locked.credits_charged += usage.credits
            _log_minute(locked, minute, Outcome.OK, usage.credits)
        locked.save(update_fields=["minutes_charged", "credits_charged"])
    session.minutes_charged = locked.minutes_charged
    session.credits_charged = locked.credits_charged
    left = 0 if exhausted else seconds_left(locked, now)
    if billable >= _max_seconds():
        left = 0
    return ChargeResult(seconds_left=left, warn=left <= 60, exhausted=exhausted or left <= 0)


# --- end, failure -------------------------------------------------------------------------------


def end_session(session: TutorSession, *, reason: str = "learner") -> TutorReport:
    from .scoring import build_report

    with transaction.atomic():
        locked = TutorSession.objects.select_for_update().get(pk=session.pk)
        existing = TutorReport.objects.filter(session=locked).first()
        if existing is not None:
            return existing
        now = timezone.now()
        if locked.status == SessionStatus.INTERRUPTED and locked.interrupted_at:
            locked.unbilled_seconds += (now - locked.interrupted_at).total_seconds()
        locked.status = SessionStatus.ENDED
        locked.ended_at = now
        locked.end_reason = reason[:20]
        locked.save(update_fields=["status", "ended_at", "end_reason", "unbilled_seconds"])
        report = build_report(locked)
        scores = [value for value in report.scores.values() if value is not None]
        activity.record(
            locked.user_id,
            "voice_tutor.session_ended",
            obj=locked,
            language=locked.language,
            level=locked.level,
            data={
                "session_id": str(locked.pk),
                "minutes": round(report.duration_seconds / 60, 2),
                "score": round(sum(scores) / len(scores)) if scores else None,
            },
        )
    session.refresh_from_db()
    return report


def fail_session(session: TutorSession, *, code: str) -> None:
    """Our side failed (LLM or ML service down, a stage timed out): the clock stops, the failed
    turn's time is given back, and the session can be resumed (the next learner turn or
    ``resume_session``)."""
    with transaction.atomic():
        locked = TutorSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != SessionStatus.ACTIVE:
            return
        now = timezone.now()
        last = locked.turns.order_by("-seq").first()
        if last is not None and last.speaker == Speaker.LEARNER:
            last.failed = True
            last.save(update_fields=["failed"])
            locked.unbilled_seconds += max(0.0, (now - last.created_at).total_seconds())
        locked.status = SessionStatus.INTERRUPTED
        locked.interrupted_at = now
        locked.failure_code = code[:60]
        locked.save(update_fields=["status", "interrupted_at", "failure_code", "unbilled_seconds"])
    session.refresh_from_db()


def delete_session(user: Any, session_id: int) -> None:
    session = TutorSession.objects.filter(user=user, pk=session_id).first()
    if session is None:
        raise NotFound()
    if session.status != SessionStatus.ENDED:
        end_session(session, reason="deleted")
    names = [
        turn.recording.name for turn in session.turns.exclude(recording="") if turn.recording.name
    ]
    session.delete()

    def remove() -> None:
        from core.uploads import private_storage

        for name in names:
            private_storage().delete(name)

    transaction.on_commit(remove)
