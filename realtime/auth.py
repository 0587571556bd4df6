"""WebSocket authentication: the website session, or the API's token as ``?token=``.

Token authentication is added by the accounts work (allauth headless JWT); until then only
the session is recognised. Either way ``scope["user"]`` is set, AnonymousUser if neither.
"""

from channels.auth import AuthMiddlewareStack


def TokenOrSessionAuthMiddlewareStack(inner):
    return AuthMiddlewareStack(inner)
