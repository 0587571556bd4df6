"""Email leaves through the mail queue (``accounts.send_email_message``, retried on
connection errors), never from the request: allauth's adapter and the services hand over a
rendered message here."""

from typing import Any

from django.core.mail import EmailMultiAlternatives

from core import dispatch


def email_task_kwargs(message: EmailMultiAlternatives) -> dict[str, Any]:
    html = next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html"), None
    )
    if message.content_subtype == "html":
        html = str(message.body)
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": list(message.to),
        "html": html,
        "headers": dict(message.extra_headers),
    }


def enqueue_email(message: EmailMultiAlternatives) -> None:
    """Hands a rendered email to the mail queue once the surrounding transaction commits
    (a rolled-back sign-up sends nothing)."""
    dispatch.enqueue_on_commit("accounts.send_email_message", **email_task_kwargs(message))
