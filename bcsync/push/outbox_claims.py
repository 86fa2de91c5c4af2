"""Taking the outbox's requests for a pass, and letting them go: a conditional UPDATE on the
claim token, so two workers never hold one request (and so never push one item at once) on
PostgreSQL or SQLite alike; a claim whose pass stopped beating is taken over.

A pass claims with a fresh token, beats `claimed_at` while it works (also through the
client's keepalive while it waits on the API), and ends each request one of three ways:
done (deleted, unless an edit came in since it was claimed: then released and due at once),
failed (released, due after an exponential backoff, the error kept), or released as is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from localcopy.claims import beat_every, stale_after

from ..models import PushRequest

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


def claim_stale_after() -> timedelta:
    """A claim silent this long belongs to a dead pass: the same measure as the LC's passes
    (the longest one API call may take with its retries, plus a beat)."""
    return stale_after()


def claim_beat_every() -> timedelta:
    return beat_every()


def backoff(attempts: int) -> timedelta:
    """How long a request that failed `attempts` times waits: 30 s, 1 min, 2 min, … 1 h."""
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))


def _claimable(now: datetime) -> Q:
    return Q(claim_token="") | Q(claimed_at__lt=now - claim_stale_after())


def requests_claim(*, connection_id: int, token: str, limit: int, due_by: datetime,
                   now: datetime | None = None) -> list[PushRequest]:
    """Claim up to `limit` requests of this store due by `due_by`, oldest due first.

    On PostgreSQL the candidates are read with SKIP LOCKED, so concurrent passes pick
    different rows instead of queueing on the same ones; on every database the UPDATE only
    takes a row still unclaimed (or stale), and the rows returned are those carrying our
    token, so a row two passes both picked goes to one of them."""
    now = now or timezone.now()
    with transaction.atomic():
        candidates = list(
            PushRequest.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now), connection_id=connection_id, next_attempt_at__lte=due_by)
            .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        if not candidates:
            return []
        PushRequest.objects.filter(_claimable(now), pk__in=candidates).update(
            claim_token=token, claimed_at=now)
    return list(PushRequest.objects.filter(claim_token=token, pk__in=candidates)
                .order_by("next_attempt_at", "pk"))


def requests_beat(*, token: str, now: datetime | None = None) -> int:
    """Show the pass holding these claims is alive."""
    return PushRequest.objects.filter(claim_token=token).update(
        claimed_at=now or timezone.now())


def requests_still_mine(requests: Iterable[PushRequest], *, token: str) -> dict[int, datetime]:
    """Of these requests, those this pass still holds (not taken over as stale), with their
    current `requested_at`. Call inside the transaction that records their outcome: on
    PostgreSQL the rows stay locked until it commits."""
    ids = [r.pk for r in requests]
    return dict(PushRequest.objects.select_for_update()
                .filter(pk__in=ids, claim_token=token).values_list("pk", "requested_at"))


def requests_done(requests: Iterable[PushRequest], *, current: dict[int, datetime],
                  now: datetime | None = None) -> tuple[int, int]:
    """The push covered these requests: delete each whose `requested_at` has not moved since
    it was claimed; release the others (edited meanwhile), due at once. Returns (deleted,
    released)."""
    now = now or timezone.now()
    done: list[int] = []
    edited: list[int] = []
    for request in requests:
        if request.pk not in current:
            continue
        (done if current[request.pk] == request.requested_at else edited).append(request.pk)
    deleted = PushRequest.objects.filter(pk__in=done).delete()[0] if done else 0
    released = PushRequest.objects.filter(pk__in=edited).update(
        claim_token="", claimed_at=None, next_attempt_at=now, attempts=0, last_error="",
        last_error_at=None) if edited else 0
    return deleted, released


def request_failed(request: PushRequest, *, error: str, now: datetime | None = None) -> int:
    """Keep the request with its error, due after the backoff; returns its attempts."""
    now = now or timezone.now()
    attempts = request.attempts + 1
    PushRequest.objects.filter(pk=request.pk).update(
        claim_token="", claimed_at=None, attempts=attempts,
        next_attempt_at=now + backoff(attempts), last_error=error[:2000], last_error_at=now)
    request.attempts = attempts
    return attempts


def requests_release(*, token: str) -> int:
    """Let go of whatever this pass still holds (it stops early), due as they were."""
    released: int = PushRequest.objects.filter(claim_token=token).update(claim_token="",
                                                                         claimed_at=None)
    return released
