"""The access token: what a usable one looks like, and how it rides on a request.

BigCommerce tokens are short runs of letters and digits. A token with whitespace, a line
break, a control or a non-ASCII character is a paste accident, and the HTTP library refuses
it with an error that quotes the header value, token included; so such a token is refused
here first, by a message that never repeats it.
"""

from __future__ import annotations

import re

import requests
from requests.auth import AuthBase

__all__ = ["TOKEN_HEADER", "TokenAuth", "access_token_problem"]

TOKEN_HEADER = "X-Auth-Token"
# Visible ASCII only: no space, tab, line break, control or non-ASCII character.
_TOKEN = re.compile(r"[\x21-\x7e]+")


def access_token_problem(token: str) -> str | None:
    """Why `token` cannot be sent as an access token, or None when it can. The reason never
    quotes the token."""
    if not token:
        return "The access token is empty."
    if not _TOKEN.fullmatch(token):
        return ("The access token contains a space, line break, control or non-ASCII "
                "character; an access token has letters, digits and punctuation only. "
                "Paste the token alone.")
    return None


class TokenAuth(AuthBase):
    """Adds the token header to each request as it is prepared.

    The token lives on this object rather than in a headers dict in the client's frames, so
    a debugger, a crash report or Django's DEBUG page listing local variables shows this
    object's repr, which hides it.
    """

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers[TOKEN_HEADER] = self._token
        return r

    def __repr__(self) -> str:
        return "TokenAuth(<hidden>)"
