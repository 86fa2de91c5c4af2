"""The endpoint BigCommerce delivers webhooks to."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..webhook_registration import SECRET_HEADER
from ..webhooks import WebhookBadPayload, WebhookUnauthorized, webhook_receive


@csrf_exempt  # BigCommerce has no CSRF token; the secret header authenticates the delivery.
@require_POST
def webhook_receiver(request: HttpRequest, store_hash: str) -> JsonResponse:
    try:
        refresh = webhook_receive(store_hash=store_hash,
                                  secret=request.headers.get(SECRET_HEADER),
                                  body=request.body)
    except WebhookUnauthorized:
        return JsonResponse({"error": "unauthorized"}, status=401)
    except WebhookBadPayload as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if refresh is None:
        return JsonResponse({"queued": False}, status=200)
    return JsonResponse({"queued": True, "resource": refresh.resource, "id": refresh.bc_id},
                        status=202)
