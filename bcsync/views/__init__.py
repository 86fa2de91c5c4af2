"""bcsync's browser pages and the webhook endpoint."""
