"""Store information (/v2/store, /v2/time) and V2 shipping zones and methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import clock
from .errors import v2_not_found
from .routing import Request, Response, Router, v2_list, v2_page
from .store import loads

if TYPE_CHECKING:
    from .app import Emulator


def register(router: Router) -> None:
    router.add("GET", "/v2/store", get_store)
    router.add("GET", "/v2/time", get_time)
    router.add("GET", "/v2/shipping/zones", list_zones)
    router.add("GET", "/v2/shipping/zones/{zone_id}", get_zone)
    router.add("GET", "/v2/shipping/zones/{zone_id}/methods", list_methods)
    router.add("GET", "/v2/shipping/zones/{zone_id}/methods/{method_id}", get_method)


def store_view(emu: Emulator) -> dict[str, Any]:
    name = emu.store.get_meta("store_name", "bcsync demo store")
    domain = f"{emu.store_hash}.example.com"
    return {
        "id": emu.store_hash, "account_uuid": "00000000-0000-4000-8000-000000000000",
        "domain": domain, "secure_url": f"https://{domain}",
        "control_panel_base_url": f"https://store-{emu.store_hash}.mybigcommerce.com",
        "status": "live", "name": name, "first_name": "Demo", "last_name": "Owner",
        "address": "12 Main Street\nAustin, Texas 78701\nUnited States",
        "country": "United States", "country_code": "US", "infrastructure_region": "us-central1",
        "phone": "", "admin_email": "owner@example.com", "order_email": "orders@example.com",
        "favicon_url": "", "timezone": {
            "name": "UTC", "raw_offset": 0, "dst_offset": 0, "dst_correction": False,
            "date_format": {"display": "M jS Y", "export": "M jS Y",
                            "extended_display": "M jS Y @ g:i A"}},
        "language": "en", "currency": "USD", "currency_symbol": "$",
        "decimal_separator": ".", "thousands_separator": ",", "decimal_places": 2,
        "currency_symbol_location": "left", "weight_units": "kg", "dimension_units":
        "Centimeters", "dimension_decimal_places": 2, "dimension_decimal_token": ".",
        "dimension_thousands_token": ",", "plan_name": "Standard", "plan_level": "Standard",
        "plan_is_trial": False, "industry": "Retail", "logo": [],
        "is_price_entered_with_tax": False, "store_id": int(emu.store_id),
        "default_channel_id": 1, "default_site_id": 1, "active_comparison_modules": [],
        "features": {
            "stencil_enabled": True, "sitewidehttps_enabled": True, "facebook_catalog_id": "",
            "checkout_type": "optimized", "wishlists_enabled": False,
            "graphql_storefront_api_enabled": True, "shopper_consent_tracking_enabled": False,
            "multi_storefront_enabled": False,
            "storefront_limits": {"active": 1, "total_including_inactive": 1}},
    }


def get_store(emu: Emulator, req: Request) -> Response:
    return Response(200, store_view(emu))


def get_time(emu: Emulator, req: Request) -> Response:
    return Response(200, {"time": clock.epoch()})


def list_zones(emu: Emulator, req: Request) -> Response:
    rows = emu.store.all("SELECT id, data FROM shipping_zones ORDER BY id")
    return v2_list([{"id": zid, **loads(d)} for zid, d in rows], v2_page(req))


def get_zone(emu: Emulator, req: Request) -> Response:
    data = emu.store.get_json("shipping_zones", req.params["zone_id"])
    if data is None:
        raise v2_not_found()
    return Response(200, {"id": req.params["zone_id"], **data})


def list_methods(emu: Emulator, req: Request) -> Response:
    if emu.store.get_json("shipping_zones", req.params["zone_id"]) is None:
        raise v2_not_found()
    rows = emu.store.all("SELECT id, data FROM shipping_methods WHERE zone_id=? ORDER BY id",
                         (req.params["zone_id"],))
    return v2_list([{"id": mid, **loads(d)} for mid, d in rows], v2_page(req))


def get_method(emu: Emulator, req: Request) -> Response:
    row = emu.store.one("SELECT data FROM shipping_methods WHERE id=? AND zone_id=?",
                        (req.params["method_id"], req.params["zone_id"]))
    if not row:
        raise v2_not_found()
    return Response(200, {"id": req.params["method_id"], **loads(row[0])})
