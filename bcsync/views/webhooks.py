"""The endpoint BigCommerce delivers webhooks to."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..webhook_registration import SECRET_HEADER
from ..webhooks import (
    MAX_BODY_BYTES,
    WebhookBadPayload,
    WebhookTooLarge,
    WebhookUnauthorized,
    webhook_receive,
)


def _too_large() -> JsonResponse:
    return JsonResponse({"error": f"the body is over {MAX_BODY_BYTES} bytes"}, status=413)


@csrf_exempt  # BigCommerce has no CSRF token; the secret header authenticates the delivery.
@require_POST
def webhook_receiver(request: HttpRequest, store_hash: str) -> JsonResponse:
    # Never read more than the limit: a declared length over it is refused unread, and an
    # undeclared or understated one is cut one byte past it (then refused).
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return _too_large()
    body = request.read(MAX_BODY_BYTES + 1)
    try:
        refresh = webhook_receive(store_hash=store_hash,
                                  secret=request.headers.get(SECRET_HEADER), body=body)
    except WebhookUnauthorized:
        return JsonResponse({"error": "unauthorized"}, status=401)
    except WebhookTooLarge:
        return _too_large()
    except WebhookBadPayload as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if refresh is None:
        return JsonResponse({"queued": False}, status=200)
    return JsonResponse({"queued": True, "resource": refresh.resource, "id": refresh.bc_id},
                        status=202)
