"""Endpoint groups, mixed into BigCommerceClient. Each method names the spec path it calls."""
