"""Routes (method + path template) declared by the BigCommerce OpenAPI specs.

The specs live outside the repo (no licence to redistribute them); tests read them in place.
"""

from __future__ import annotations

import re
from functools import cache

from tests.specs import SPECS_DIR

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


@cache
def spec_routes() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """(METHOD, compiled path regex, "file: template") for every operation in every spec."""
    import yaml

    routes = []
    for spec_file in sorted(SPECS_DIR.rglob("*.yml")):
        # The C loader when present: the pure-Python one takes seconds on these files.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        spec = yaml.load(spec_file.read_text(), Loader=loader)
        servers = spec.get("servers") or []
        if not servers:
            continue
        version = servers[0]["url"].rstrip("/").rsplit("/", 1)[-1]  # "v2" / "v3"
        if version not in ("v2", "v3"):
            continue
        for template, item in (spec.get("paths") or {}).items():
            full = f"/{version}{template}"
            pattern = re.compile("^" + re.sub(r"\\{[^}/]+\\}", "[^/]+", re.escape(full)) + "$")
            for method in item:
                if method in HTTP_METHODS:
                    routes.append((method.upper(), pattern, f"{spec_file.name}: {full}"))
    return tuple(routes)


def find_route(method: str, path: str) -> str | None:
    for route_method, pattern, label in spec_routes():
        if route_method == method and pattern.match(path):
            return label
    return None
