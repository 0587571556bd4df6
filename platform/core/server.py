"""Daphne (Twisted) details that change what a client sees."""

import sys
from typing import Any

_BODY = b'{"code": "uri_too_long", "message": "The address is too long."}'
URI_TOO_LONG = (
    b"HTTP/1.1 414 URI Too Long\r\nContent-Type: application/json\r\nConnection: close\r\n"
    b"Content-Length: " + str(len(_BODY)).encode() + b"\r\n\r\n" + _BODY
)


def answer_overlong_request_lines() -> None:
    """Twisted drops the connection without a word when the request line passes 16 kB
    (its LineReceiver.MAX_LENGTH); answer 414 in the API's error shape first, so a client
    learns why. Only under daphne: other servers never import Twisted's HTTP module."""
    http = sys.modules.get("twisted.web.http")
    if http is None:
        return

    def line_length_exceeded(self: Any, line: bytes) -> None:
        self.transport.write(URI_TOO_LONG)
        self.transport.loseConnection()

    http.HTTPChannel.lineLengthExceeded = line_length_exceeded
