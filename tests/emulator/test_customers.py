"""V3 customers and V2 customer groups."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.emulator


def email() -> str:
    return f"user{time.time_ns()}@example.com"


def test_list_and_filters(api):
    body = api.get("/v3/customers", params={"include": "addresses"}).json()
    customers = body["data"]
    assert body["meta"]["pagination"]["total"] >= 24
    assert customers[0]["addresses"][0]["customer_id"] == customers[0]["id"]
    assert customers[0]["date_modified"].endswith("Z")
    wholesale = api.get("/v3/customers", params={"customer_group_id:in": 2}).json()["data"]
    assert wholesale and all(c["customer_group_id"] == 2 for c in wholesale)
    one = api.get("/v3/customers", params={"email:in": customers[1]["email"]}).json()["data"]
    assert [c["id"] for c in one] == [customers[1]["id"]]
    ids = api.get("/v3/customers", params={"id:in": "1,2"}).json()["data"]
    assert [c["id"] for c in ids] == [1, 2]
    recent = api.get("/v3/customers", params={"date_modified:min": "2025-01-20T00:00:00Z"})
    assert all(c["date_modified"] >= "2025-01-20" for c in recent.json()["data"])


def test_create_update_delete(api):
    address = email()
    r = api.post("/v3/customers", json=[{"email": address, "first_name": "Kim",
                                         "last_name": "Lee", "customer_group_id": 2}])
    assert r.status_code == 200
    created = r.json()["data"][0]
    assert created["email"] == address
    dup = api.post("/v3/customers", json=[{"email": address.upper(), "first_name": "K",
                                           "last_name": "L"}])
    assert dup.status_code == 422
    missing = api.post("/v3/customers", json=[{"email": email()}])
    assert missing.status_code == 422
    assert {"0.first_name", "0.last_name"} <= set(missing.json()["errors"])
    too_many = [{"email": email(), "first_name": "a", "last_name": "b"} for _ in range(11)]
    assert api.post("/v3/customers", json=too_many).status_code == 413
    time.sleep(1.1)
    r = api.put("/v3/customers", json=[{"id": created["id"], "company": "Lee Co"}])
    assert r.status_code == 200
    assert r.json()["data"][0]["company"] == "Lee Co"
    assert r.json()["data"][0]["date_modified"] > created["date_modified"]
    assert api.put("/v3/customers", json=[{"company": "x"}]).status_code == 422
    assert api.delete("/v3/customers").status_code == 204
    assert api.delete("/v3/customers", params={"id:in": created["id"]}).status_code == 204
    assert api.get("/v3/customers", params={"id:in": created["id"]}).json()["data"] == []


def test_customer_groups(api):
    groups = api.get("/v2/customer_groups").json()
    assert {g["name"] for g in groups} >= {"Retail", "Wholesale"}
    assert api.get("/v2/customer_groups/count").json()["count"] == len(groups)
    assert api.get("/v2/customer_groups/2").json()["name"] == "Wholesale"
    assert api.get("/v2/customer_groups/999").status_code == 404


def test_name_filter(api):
    found = api.get("/v3/customers", params={"name:in": "Grace Hopper"}).json()
    assert [c["last_name"] for c in found["data"]] == ["Hopper"]
    assert found["meta"]["pagination"]["total"] == 1


def test_cursor_pagination(api):
    first = api.get("/v3/customers", params={"limit": 5}).json()
    assert "pagination" in first["meta"] and "cursor_pagination" in first["meta"]
    cursor = first["meta"]["cursor_pagination"]
    assert cursor["count"] == 5 and "next" in cursor["links"]
    seen = [c["id"] for c in first["data"]]
    after = cursor["end_cursor"]
    while after:
        page = api.get("/v3/customers", params={"limit": 5, "after": after}).json()
        assert set(page["meta"]) == {"cursor_pagination"}
        seen += [c["id"] for c in page["data"]]
        meta = page["meta"]["cursor_pagination"]
        after = meta.get("end_cursor") if "next" in meta["links"] else None
    everything = api.get("/v3/customers", params={"limit": 250}).json()["data"]
    assert seen == [c["id"] for c in everything]
    back = api.get("/v3/customers", params={"limit": 5, "before": cursor["end_cursor"]}).json()
    assert [c["id"] for c in back["data"]] == seen[:4]
    assert api.get("/v3/customers", params={"after": "garbage!"}).status_code == 422


def test_addresses(api):
    cid = api.post("/v3/customers", json=[{"email": email(), "first_name": "A",
                                           "last_name": "B"}]).json()["data"][0]["id"]
    r = api.post("/v3/customers/addresses", json=[{
        "customer_id": cid, "first_name": "A", "last_name": "B", "address1": "1 Rue X",
        "city": "Paris", "country_code": "FR", "postal_code": "75001",
        "state_or_province": "Paris"}])
    assert r.status_code == 200, r.text
    address = r.json()["data"][0]
    assert address["country"] == "France" and address["customer_id"] == cid
    assert api.post("/v3/customers/addresses", json=[{"customer_id": cid}]).status_code == 422
    r = api.put("/v3/customers/addresses", json=[{"id": address["id"], "city": "Lyon"}])
    assert r.json()["data"][0]["city"] == "Lyon"
    listed = api.get("/v3/customers/addresses", params={"customer_id:in": cid}).json()["data"]
    assert [a["city"] for a in listed] == ["Lyon"]
    assert api.delete("/v3/customers/addresses",
                      params={"id:in": address["id"]}).status_code == 204
    assert api.get("/v3/customers/addresses", params={"customer_id:in": cid}).json()[
        "data"] == []


def test_customer_group_create_and_update_with_discount_rules(api):
    name = f"Trade {time.time_ns()}"
    r = api.post("/v2/customer_groups", json={
        "name": name, "discount_rules": [{"type": "all", "method": "percent", "amount": 12.5}]})
    assert r.status_code == 200, r.text
    group = r.json()
    assert group["name"] == name
    assert group["discount_rules"] == [{"type": "all", "method": "percent", "amount": "12.5000"}]
    assert api.get(f"/v2/customer_groups/{group['id']}").json()["discount_rules"] == \
        group["discount_rules"]
    r = api.put(f"/v2/customer_groups/{group['id']}", json={
        "discount_rules": [{"type": "all", "method": "percent", "amount": "20"}]})
    assert r.status_code == 200
    assert r.json()["discount_rules"][0]["amount"] == "20.0000"
    assert r.json()["name"] == name
    price_list = api.put(f"/v2/customer_groups/{group['id']}", json={
        "discount_rules": [{"type": "price_list", "price_list_id": 3}]})
    assert price_list.json()["discount_rules"] == [{"type": "price_list", "price_list_id": 3}]


@pytest.mark.parametrize("body, named", [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "X", "discount_rules": [{"type": "category", "method": "percent",
                                       "amount": "5"}]}, "discount_rules.0.category_id"),
    ({"name": "X", "discount_rules": [{"type": "all", "amount": "lots"}]},
     "discount_rules.0.amount"),
    ({"name": "X", "discount_rules": [{"type": "bogus"}]}, "discount_rules.0.type"),
    ({"name": "X", "discount_rules": [{"type": "all"}, {"type": "all"}]}, "'all'"),
    ({"name": "X", "discount_rules": [{"type": "price_list", "price_list_id": 1},
                                      {"type": "all"}]}, "price_list"),
    ({"name": "Wholesale"}, "already exists"),
])
def test_customer_group_writes_refuse_what_the_spec_does_not_allow(api, body, named):
    r = api.post("/v2/customer_groups", json=body)
    assert r.status_code == 400
    assert named in r.json()[0]["message"]


def test_customer_group_put_of_an_unknown_group_is_404(api):
    assert api.put("/v2/customer_groups/999999", json={"name": "Nope"}).status_code == 404
