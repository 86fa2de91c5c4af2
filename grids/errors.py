"""The one error a grid request can end in besides permissions: a parameter it cannot accept."""

from __future__ import annotations


class GridParamError(ValueError):
    """A request parameter (or body field) a grid cannot accept. Views answer 400 with the
    parameter's name and the message; nothing is read or written."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message
