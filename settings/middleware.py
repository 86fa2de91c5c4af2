"""Refuse query parameters holding a NUL character, for every page at once.

No field of this project can store NUL, PostgreSQL refuses any query that carries one (a 500
wherever a query parameter reaches a filter: the grids' store choice and filters, the admin's
search and list filters) and no browser sends one. Form fields refuse NUL on their own
(Django's CharField), so a form posted with one still gets its error next to the field.
The answer has the grids' error shape: the parameter's name, and a message starting with it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

NUL = "\x00"


def nul_parameter(request: HttpRequest) -> str | None:
    """The name of the first query parameter whose name or value holds NUL, printable."""
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "\\x00")
    return None


class RefuseNulParametersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = nul_parameter(request)
        if name is not None:
            return JsonResponse(
                {"param": name, "error": f"{name} must not contain a NUL character."},
                status=400)
        return self.get_response(request)
