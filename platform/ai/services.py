"""Metering: every AI call goes through ``run_metered``.

Order, and why: the model is called first and the user is charged only when it answered,
with an idempotency key derived from the request. A failing service therefore charges
nothing, and a retried request (same ``Idempotency-Key`` header) is charged once. The price
of this order is that a user without credits can make the service work once per refused
request; the per-user AI throttle bounds that, and it avoids a reserve/release protocol that
the ledger would need otherwise. When ``charge`` refuses (402) the result is discarded.
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from core import activity, flags
from credits.errors import InsufficientCredits
from credits.services import charge

from .errors import AIFeatureDisabled, AIInputRejected, AIUnavailable
from .models import AIUsage, Outcome

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class Meter:
    """Filled in by the call: what it used. ``units`` is what is charged (0: nothing)."""

    units: Decimal = Decimal("0")
    model_name: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    audio_seconds: float | None = None
    characters: int | None = None
    cached: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Metered(Generic[T]):
    result: T
    usage: AIUsage


def ensure_enabled(feature: str, user: Any = None) -> None:
    """On/off per feature is the feature flag ``ai.<feature>`` (core.flags: by role, country
    or rollout share too). A flag deleted by mistake counts as on, as the old switches were."""
    if not flags.enabled(f"ai.{feature}", user, default=True):
        raise AIFeatureDisabled()


def idempotency_key(user: Any, feature: str, client_key: str | None) -> str:
    """A client-sent ``Idempotency-Key`` makes a retry free; without one every request is new."""
    if client_key:
        return f"ai:{feature}:{user.pk}:{client_key.strip()[:100]}"
    return f"ai:{feature}:{uuid.uuid4().hex}"


#: Outcomes that mean the person used the feature (for analytics' "AI usage share").
USED = frozenset({Outcome.OK, Outcome.CACHED, Outcome.FREE})


def _announce(user: Any, feature: str, outcome: str) -> None:
    if user is not None and outcome in USED:
        activity.record(user, "ai.feature_used", data={"feature": feature})


def _log(
    user: Any, feature: str, meter: Meter, started: float, outcome: str, **fields: Any
) -> AIUsage:
    _announce(user, feature, outcome)
    return AIUsage.objects.create(
        user=user,
        feature=feature,
        model_name=meter.model_name[:200],
        prompt_tokens=meter.prompt_tokens,
        completion_tokens=meter.completion_tokens,
        audio_seconds=(
            Decimal(str(round(meter.audio_seconds, 2))) if meter.audio_seconds is not None else None
        ),
        characters=meter.characters,
        units=meter.units,
        latency_ms=round((time.perf_counter() - started) * 1000),
        outcome=outcome,
        **fields,
    )


def run_metered(
    user: Any,
    feature: str,
    call: Callable[[Meter], T],
    *,
    client_key: str | None = None,
    check_enabled: bool = True,
) -> Metered[T]:
    if check_enabled:
        ensure_enabled(feature, user)
    meter = Meter()
    started = time.perf_counter()
    try:
        result = call(meter)
    except AIUnavailable as exc:
        _log(user, feature, meter, started, Outcome.UNAVAILABLE, error_code=exc.default_code)
        raise
    except AIInputRejected as exc:
        code = exc.get_codes()
        _log(user, feature, meter, started, Outcome.REJECTED, error_code=str(code)[:60])
        raise
    if meter.cached:
        return Metered(result, _log(user, feature, meter, started, Outcome.CACHED))
    if meter.units <= 0:
        return Metered(result, _log(user, feature, meter, started, Outcome.FREE))
    key = idempotency_key(user, feature, client_key)
    try:
        usage_charge = charge(user, feature, meter.units, key)
    except InsufficientCredits:
        _log(
            user,
            feature,
            meter,
            started,
            Outcome.INSUFFICIENT_CREDITS,
            error_code="insufficient_credits",
            idempotency_key=key,
        )
        raise
    usage = _log(
        user,
        feature,
        meter,
        started,
        Outcome.OK,
        credits=usage_charge.credits,
        idempotency_key=key,
    )
    return Metered(result, usage)


def record_usage(
    user: Any,
    feature: str,
    *,
    outcome: str,
    latency_ms: int = 0,
    model_name: str = "",
    prompt_tokens: int | None = None,
    completion_tokens: int | None = None,
    audio_seconds: float | None = None,
    units: Decimal = Decimal("0"),
    credits: Decimal = Decimal("0"),
    error_code: str = "",
    idempotency_key: str = "",
) -> AIUsage:
    """Logs a metered use that another app charged itself (e.g. the voice tutor bills per
    started minute through ``credits.services.charge``), so the usage log stays complete."""
    _announce(user, feature, outcome)
    return AIUsage.objects.create(
        user=user,
        feature=feature,
        model_name=model_name[:200],
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        audio_seconds=(
            Decimal(str(round(audio_seconds, 2))) if audio_seconds is not None else None
        ),
        units=units,
        credits=credits,
        latency_ms=max(0, latency_ms),
        outcome=outcome,
        error_code=error_code[:60],
        idempotency_key=idempotency_key[:200],
    )
