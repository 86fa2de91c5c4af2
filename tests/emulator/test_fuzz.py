"""BigCommerce's own OpenAPI files fuzz the emulator through schemathesis.

Every operation the emulator routes (taken from its werkzeug router, so a new route is fuzzed
without anyone listing it) is found in the spec files that describe it and sent two kinds of
generated requests: schemathesis' deterministic coverage cases (boundary values, wrong types,
missing parameters, unexpected methods) and Hypothesis-generated positive and negative cases
with derandomized, bounded example counts. Each answer must be no server error, carry a status
code and content type the spec documents, and match the spec's response schema.

The store is reseeded before each spec file. Where a spec and BigCommerce's real behaviour part
ways, one named rule in `QUIRKS` below allows exactly that deviation; every other failure
fails the test with a curl line that reproduces it. Specs come from BC_SPECS_DIR (never copied
into the repository); missing specs skip locally and fail under CI=true.
"""

from __future__ import annotations

import collections
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bcemulator.app import build_router
from bcemulator.process import EmulatorProcess
from tests.specs import SPECS_DIR, require_specs

pytestmark = pytest.mark.emulator

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
# Bounds that keep the module well under three minutes on a shared 2-core machine: coverage
# cases are cheap to make and the most telling (boundaries, wrong types, missing parameters);
# Hypothesis cases cost ~50 ms each to generate for the large catalog bodies.
# A deeper local run: BCSYNC_FUZZ_COVERAGE=100000 BCSYNC_FUZZ_EXAMPLES=50 (same seed, so the
# same cases every time; not for CI).
COVERAGE_CASES_PER_OPERATION = int(os.environ.get("BCSYNC_FUZZ_COVERAGE", "25"))
FUZZ_EXAMPLES_PER_MODE = int(os.environ.get("BCSYNC_FUZZ_EXAMPLES", "2"))


# ---- which operations -------------------------------------------------------------------------

def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def emulator_routes() -> set[tuple[str, str]]:
    """(METHOD, /v3/path/{}/...) for every route the emulator implements."""
    return {(key.split(" ", 1)[0], _template(key.split(" ", 1)[1]))
            for key in build_router().templates()}


class _SpecLoader(yaml.CSafeLoader):
    """YAML without implicit timestamps: the specs' unquoted example dates must stay strings,
    as JSON would have them, or schemathesis cannot serialise the schema."""


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()}


def _drop_exclusive_false(node: Any) -> None:
    """Quirk `exclusive_bound_without_bound`: customers.v2.yml and shipping.v2.yml say
    `exclusiveMaximum: false` / `exclusiveMinimum: false` with no `maximum` / `minimum`, which
    OpenAPI meta-validation rejects and stops those files from loading. `false` there means
    "inclusive", which is the default, so the line is dropped in memory."""
    if isinstance(node, dict):
        for key, bound in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
            if node.get(key) is False and bound not in node:
                del node[key]
        for value in node.values():
            _drop_exclusive_false(value)
    elif isinstance(node, list):
        for value in node:
            _drop_exclusive_false(value)


_RAW: dict[str, dict[str, Any]] = {}


def raw_spec(name: str) -> dict[str, Any]:
    if name not in _RAW:
        with (SPECS_DIR / name).open(encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=_SpecLoader)
        _drop_exclusive_false(raw)
        _RAW[name] = raw
    return _RAW[name]


def api_version(raw: dict[str, Any]) -> str:
    """`v2` or `v3`, from the spec's server URL (`.../stores/{store_hash}/v3`)."""
    url = (raw.get("servers") or [{}])[0].get("url", "")
    return url.rstrip("/").rsplit("/", 1)[-1]


def covered_operations(raw: dict[str, Any], routes: set[tuple[str, str]]) -> list[str]:
    version = api_version(raw)
    found = []
    for path, item in (raw.get("paths") or {}).items():
        for method in item:
            if (method.upper(), _template(f"/{version}{path}")) in routes:
                found.append(f"{method.upper()} {path}")
    return found


def spec_files() -> list[str]:
    """Spec files that describe at least one emulator route (empty when specs are missing)."""
    if not SPECS_DIR.is_dir():
        return ["<specs missing>"]
    routes = emulator_routes()
    return [name for name in sorted(str(p.relative_to(SPECS_DIR))
                                    for p in SPECS_DIR.rglob("*.yml"))
            if covered_operations(raw_spec(name), routes)]


# ---- the quirks --------------------------------------------------------------------------------

def _v3_error_shape(body: Any, status: int) -> bool:
    return (isinstance(body, dict) and body.get("status") == status
            and isinstance(body.get("title"), str))


def _v2_error_shape(body: Any, status: int) -> bool:
    return (isinstance(body, list) and len(body) == 1 and isinstance(body[0], dict)
            and body[0].get("status") == status and isinstance(body[0].get("message"), str))


def _error_shape(case: Case, response: requests.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    if _version_of(case) == "v2":
        return _v2_error_shape(body, response.status_code)
    return _v3_error_shape(body, response.status_code)


def _version_of(case: Case) -> str:
    return api_version(case.operation.schema.raw_schema)


def _undeclared(failure: Failure, status: int) -> bool:
    return type(failure).__name__ == "UndefinedStatusCode" and failure.status_code == status


@dataclass
class Quirk:
    name: str
    why: str
    applies: Callable[[Failure, Case, requests.Response, str], bool]


QUIRKS = [
    Quirk("undeclared_401",
          "Most operations do not declare 401; negative cases drop the required X-Auth-Token, "
          "and the emulator answers BigCommerce's 401 in the API's error shape.",
          lambda f, case, resp, token: _undeclared(f, 401)
          and resp.request.headers.get("X-Auth-Token") != token and _error_shape(case, resp)),
    Quirk("catalog_plain_text_401",
          "The catalog specs declare their 401 body as `plain/text`, which is no media type; "
          "the emulator sends the JSON 401 the webhooks spec documents.",
          lambda f, case, resp, token: type(f).__name__ == "UndefinedContentType"
          and resp.status_code == 401 and "plain/text" in f.defined_content_types),
    Quirk("undeclared_404",
          "Many operations on one record do not declare 404; an id that does not exist is a "
          "404 in the API's error shape, as everywhere else.",
          lambda f, case, resp, token: _undeclared(f, 404) and _error_shape(case, resp)),
    Quirk("undeclared_rejection",
          "The specs declare few error responses. BigCommerce rejects invalid input with 422 "
          "on V3 and 400 on V2, and conflicts with 409 (DIGEST §6), in the error shape of "
          "the API; requirements the schemas do not express (an order needs billing_address "
          "and products, a variant needs sku and option_values, DELETE /products needs a "
          "filter) are rejected the same way.",
          lambda f, case, resp, token: any(
              _undeclared(f, status)
              for status in ((400,) if _version_of(case) == "v2" else (422, 409)))
          and _error_shape(case, resp)),
    Quirk("empty_v2_list_204",
          "Every V2 list answers an empty page with 204 and no body, as BigCommerce does for "
          "orders (observed) and shipments (documented), DIGEST §2; most V2 specs declare "
          "only 200.",
          lambda f, case, resp, token: _undeclared(f, 204) and _version_of(case) == "v2"
          and case.method == "GET" and not case.operation.path.endswith("}")
          and resp.content == b""),
    Quirk("overlapping_one_of",
          "Some schemas are a oneOf whose branches do not exclude each other (customer group "
          "discount_rules, product image), so every value matches several branches.",
          lambda f, case, resp, token: type(f).__name__ == "JsonSchemaError"
          and "is valid under more than one of the schemas listed in the 'oneOf'"
          in f.message),
    Quirk("x_nullable_inherited",
          "The variants spec marks inheritable fields (price, weight, ...) with Swagger 2's "
          "`x-nullable: true`, which OpenAPI 3 ignores; null means the product's value is "
          "inherited, as BigCommerce returns it (bcemulator/README.md, deviations).",
          lambda f, case, resp, token: type(f).__name__ == "JsonSchemaError"
          and f.message.startswith("null is not of type") and '"x-nullable": true' in f.message),
    Quirk("empty_webhooks_list",
          "The webhooks spec gives GET /hooks `data` minItems 1, but a store with no hooks "
          "has an empty list.",
          lambda f, case, resp, token: type(f).__name__ == "JsonSchemaError"
          and case.operation.label == "GET /hooks" and "[] has less than 1 item" in f.message),
]


# ---- the run -------------------------------------------------------------------------------------

@dataclass
class Report:
    spec: str
    operations: list[str] = field(default_factory=list)
    cases: collections.Counter[str] = field(default_factory=collections.Counter)
    quirks: collections.Counter[str] = field(default_factory=collections.Counter)
    failures: dict[tuple[str, str, int], list[str]] = field(default_factory=dict)

    def record(self, case: Case, response: requests.Response, failure: Failure,
               base_url: str) -> None:
        key = (case.operation.label if case.method == case.operation.method.upper()
               else f"{case.method} {case.operation.path}", type(failure).__name__,
               response.status_code)
        if key not in self.failures:
            example = (f"{failure.title}: {failure.message[:400]}\n"
                       f"  response: {response.text[:300]}\n"
                       f"  {case.as_curl_command(base_url=base_url)[:1500]}")
            self.failures[key] = [example]
        else:
            self.failures[key].append("")

    def summary(self) -> str:
        lines = [f"{len(self.failures)} kinds of failure in {self.spec}:"]
        for (label, kind, status), hits in sorted(self.failures.items()):
            lines.append(f"- {label}: {kind} on {status} (x{len(hits)})\n  {hits[0]}")
        return "\n".join(lines)


class Fuzzer:
    def __init__(self, emu: EmulatorProcess) -> None:
        self.emu = emu
        self.session = requests.Session()

    def run(self, spec: str) -> Report:
        raw = raw_spec(spec)
        version = api_version(raw)
        schema = schemathesis.openapi.from_dict(raw)
        wanted = set(covered_operations(raw, emulator_routes()))
        report = Report(spec)
        base_url = f"{self.emu.api_url}/{version}"
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label not in wanted:
                continue
            report.operations.append(operation.label)
            for case in self._coverage_cases(schema, operation):
                self._check(case, base_url, report, "coverage")
            for mode in MODES:
                self._fuzz(operation, mode, base_url, report)
        return report

    @staticmethod
    def _coverage_cases(schema: Any, operation: Any) -> Iterator[Case]:
        cases = list(schema.iter_coverage_cases(
            operation, generation_modes=MODES,
            generation_config=schema.config.generation_for(operation=operation)))
        # Evenly spread, so every kind of scenario keeps some of its cases.
        step = max(1.0, len(cases) / COVERAGE_CASES_PER_OPERATION)
        picked = sorted({int(i * step) for i in range(COVERAGE_CASES_PER_OPERATION)})
        return (cases[i] for i in picked if i < len(cases))

    def _fuzz(self, operation: Any, mode: GenerationMode, base_url: str,
              report: Report) -> None:
        @settings(max_examples=FUZZ_EXAMPLES_PER_MODE, derandomize=True, database=None,
                  deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case: Case) -> None:
            self._check(case, base_url, report, f"fuzz-{mode.value}")

        fuzz()

    def _check(self, case: Case, base_url: str, report: Report, kind: str) -> None:
        response = case.call(base_url=base_url, session=self.session,
                             headers={"X-Auth-Token": self.emu.token}, timeout=30)
        report.cases[kind] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                quirk = next((q for q in QUIRKS
                              if q.applies(failure, case, response, self.emu.token)), None)
                if quirk is not None:
                    report.quirks[quirk.name] += 1
                else:
                    report.record(case, response, failure, base_url)


@pytest.fixture(scope="module")
def fuzz_emulator() -> Iterator[EmulatorProcess]:
    require_specs()
    # A quota no fuzz run reaches: rate limiting has its own tests.
    with EmulatorProcess(seed="demo", quota=10**9) as emu:
        yield emu


def test_every_emulator_route_is_described_by_a_spec():
    folder = require_specs()
    routes = emulator_routes()
    described: set[tuple[str, str]] = set()
    for path in folder.rglob("*.yml"):
        raw = raw_spec(str(path.relative_to(folder)))
        version = api_version(raw)
        described |= {(m.upper(), _template(f"/{version}{p}"))
                      for p, item in (raw.get("paths") or {}).items() for m in item}
    assert sorted(routes - described) == []


@pytest.mark.parametrize("spec", spec_files())
def test_spec_fuzzes_clean(spec: str, fuzz_emulator: EmulatorProcess, capsys):
    require_specs()
    fuzz_emulator.seed("demo")  # each spec file starts from the same store
    started = time.monotonic()
    report = Fuzzer(fuzz_emulator).run(spec)
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\n[fuzz] {spec}: {len(report.operations)} operations, "
              f"{sum(report.cases.values())} cases ({dict(report.cases)}), "
              f"quirks {dict(report.quirks)}, {elapsed:.1f}s")
    assert report.operations, f"{spec} covers no emulator route"
    assert not report.failures, report.summary() + "\n\nemulator stderr:\n" + \
        _tracebacks(fuzz_emulator.stderr())


def _tracebacks(stderr: str) -> str:
    return stderr[-4000:]
