"""Signing out ends the sign-in's live sockets, as suspension and deletion end the user's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.dispatch import receiver

from core.fanout import close_session_sockets


@receiver(user_logged_out, dispatch_uid="realtime.close_sockets_on_logout")
def close_sockets_on_logout(sender: Any, request: Any = None, **kwargs: Any) -> None:
    """Website sign-out and the app's ``DELETE …/auth/session`` both end in Django's
    ``logout``, which sends this before flushing the session: the sockets opened under
    that session (cookie sockets, and token sockets whose token names it) close with 4401.
    Other sign-ins of the same person (another browser, the phone) keep theirs."""
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None)
    if session_key:
        transaction.on_commit(lambda: close_session_sockets(session_key))
