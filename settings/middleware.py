"""Refuse request parameters holding a NUL character, for every page at once.

No field of this project can store NUL, PostgreSQL refuses any query that carries one (a 500
wherever a parameter reaches a filter: grid filters, the grids' store choice, the admin's
search) and no browser form sends one. Django's form fields refuse NUL already; this covers
the parameters that are read without a form.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL = "\x00"


def _nul_parameter(request: HttpRequest) -> str | None:
    for params in (request.GET, request.POST):
        for key, values in params.lists():
            if NUL in key or any(NUL in value for value in values if isinstance(value, str)):
                return key.replace(NUL, "\\x00")
    return None


class RefuseNulParametersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = _nul_parameter(request)
        if name is not None:
            return HttpResponseBadRequest(
                f"The parameter {name!r} contains a NUL character, which no field accepts.",
                content_type="text/plain; charset=utf-8")
        return self.get_response(request)
