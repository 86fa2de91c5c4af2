"""What one pass did: counted as it goes, logged in LcRun, returned as a RunSummary."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from bcsync.client import BigCommerceClient

from .models import LcRun

logger = logging.getLogger("localcopy")

# A store full of broken records must not turn the run log into megabytes of JSON.
MAX_PROBLEMS_KEPT = 500


@dataclass
class RunSummary:
    dataset: str
    kind: str
    requests: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    seconds: float = 0.0
    problems: list[dict[str, Any]] = field(default_factory=list)
    ok: bool = True
    error: str = ""
    # Whether the error may go away by itself (timeout, 429, 5xx): from the exception's own
    # `transient`, so a task can decide on a retry without reading the text.
    transient: bool = False

    def line(self) -> str:
        text = (
            f"{self.dataset}: {self.requests} requests, {self.inserted} inserted, "
            f"{self.updated} updated, {self.deleted} deleted in {self.seconds:.1f} s"
        )
        if self.skipped:
            text += f" ({self.skipped} unchanged)"
        if self.problems:
            text += f", {len(self.problems)} problem(s)"
        if not self.ok:
            text += f" – FAILED: {self.error}"
        return text

    @classmethod
    def combine(cls, dataset: str, kind: str, parts: list[RunSummary]) -> RunSummary:
        failed = [p for p in parts if not p.ok]
        errors = [f"{p.dataset}: {p.error}" for p in failed]
        return cls(
            dataset=dataset, kind=kind,
            requests=sum(p.requests for p in parts),
            inserted=sum(p.inserted for p in parts),
            updated=sum(p.updated for p in parts),
            deleted=sum(p.deleted for p in parts),
            skipped=sum(p.skipped for p in parts),
            seconds=sum(p.seconds for p in parts),
            problems=[q for p in parts for q in p.problems],
            ok=not errors, error="; ".join(errors),
            transient=any(p.transient for p in failed),
        )


class Tally:
    """Counters of one pass, plus its LcRun row (written at the start and the end)."""

    def __init__(self, *, client: BigCommerceClient | None, store_hash: str, dataset: str,
                 kind: str, run_token: str = "") -> None:
        self.client = client
        self.store_hash = store_hash
        self.dataset = dataset
        self.kind = kind
        self.started_at = timezone.now()
        self._t0 = time.perf_counter()
        self._requests0 = client.request_count if client is not None else 0
        self.inserted = self.updated = self.deleted = self.skipped = 0
        self.problems: list[dict[str, Any]] = []
        self.problem_count = 0
        self.run = LcRun.objects.create(
            store_hash=store_hash, dataset=dataset, kind=kind, started_at=self.started_at,
            run_token=run_token,
        )

    @property
    def requests(self) -> int:
        return (self.client.request_count if self.client is not None else 0) - self._requests0

    def problem(self, bc_id: Any, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append({"id": bc_id, "problem": text})
        logger.warning("LC %s/%s record %s: %s", self.store_hash, self.dataset, bc_id, text)

    def finish(self, *, ok: bool, error: str = "", transient: bool = False) -> RunSummary:
        problems = list(self.problems)
        if self.problem_count > len(problems):
            problems.append({"id": None, "problem":
                             f"{self.problem_count - len(problems)} more problems not listed"})
        summary = RunSummary(
            dataset=self.dataset, kind=self.kind, requests=self.requests,
            inserted=self.inserted, updated=self.updated, deleted=self.deleted,
            skipped=self.skipped, seconds=time.perf_counter() - self._t0,
            problems=problems, ok=ok, error=error, transient=transient,
        )
        LcRun.objects.filter(pk=self.run.pk).update(
            finished_at=timezone.now(), ok=ok, requests=summary.requests,
            inserted=summary.inserted, updated=summary.updated, deleted=summary.deleted,
            skipped=summary.skipped, problems=problems, error=error[:2000],
        )
        return summary


def lc_runs_prune(*, older_than: datetime) -> int:
    """Delete the run log's rows started before `older_than`; returns how many."""
    deleted, _ = LcRun.objects.filter(started_at__lt=older_than).delete()
    return deleted
