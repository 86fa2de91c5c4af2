"""Demo sales records: price levels, customers with addresses and contacts, carriers, units of
measure. Loaded after the demo catalog (`make demo`, `make run`); deterministic and
idempotent.

Some customers share an email with the emulator's demo store in another letter case
(Ada.Lovelace@Example.com), so linking by email has work to do; others are POS-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from catalog.models import Item, UnitOfMeasure

from .models import Carrier, Customer, CustomerAddress, CustomerContact, PriceLevel

UNITS = [("EA", "Each"), ("PR", "Pair"), ("PK", "Pack"), ("BX", "Box")]
# (name, kind, percent): Wholesale matches the emulator's group of that name (15 % off).
PRICE_LEVELS = [
    ("Retail", PriceLevel.Kind.PERCENT_OFF, Decimal("0")),
    ("Wholesale", PriceLevel.Kind.PERCENT_OFF, Decimal("15")),
    ("Staff", PriceLevel.Kind.PERCENT_OFF, Decimal("30")),
    ("Trade price list", PriceLevel.Kind.PRICE_LIST, None),
]
# Items on the trade list (if the demo catalog has them), at 60 % of their price.
TRADE_SKUS = [f"DEMO{i:04d}" for i in range(1, 21)]
CARRIERS = [("UPS", "Ground", "UPS-GND"), ("UPS", "Next Day Air", "UPS-NDA"),
            ("USPS", "Priority Mail", "USPS-PRI"), ("FedEx", "2Day", "FDX-2DAY"),
            ("Local", "Store pickup", "PICKUP")]


@dataclass(frozen=True)
class DemoCustomer:
    code: str
    first: str
    last: str
    email: str
    company: str = ""
    level: str | None = None
    city: str = "Austin"
    country: str = "US"
    credit: Decimal = Decimal("0")
    tax_exempt_id: str = ""
    contacts: tuple[tuple[str, str, str, str], ...] = field(default=())


CUSTOMERS = [
    DemoCustomer("POS-0001", "Ada", "Lovelace", "Ada.Lovelace@Example.com"),
    DemoCustomer("POS-0002", "Grace", "Hopper", "grace.hopper@example.com", "Hopper Trading Ltd",
                 "Wholesale", credit=Decimal("5000"),
                 contacts=(("Kay", "McNulty", "Buyer", "kay.mcnulty@hopper.example"),
                           ("Jean", "Bartik", "Accounts", "accounts@hopper.example"))),
    DemoCustomer("POS-0003", "José", "Muñoz", "JOSE.MUNOZ@example.com", city="Madrid",
                 country="ES"),
    DemoCustomer("POS-0004", "Yuki", "Tanaka", "yuki.tanaka@example.com", city="東京",
                 country="JP", level="Staff"),
    DemoCustomer("POS-0005", "Margaret", "Hamilton", "m.hamilton@school.example",
                 "Lakeside School District", "Trade price list", credit=Decimal("12500"),
                 tax_exempt_id="TX-EX-0042"),
    DemoCustomer("POS-0006", "Kofi", "Mensah", "", city="Accra", country="GH"),
    DemoCustomer("POS-0007", "Ελένη", "Παπαδοπούλου", "eleni@example.gr", city="Αθήνα",
                 country="GR", level="Retail"),
    DemoCustomer("POS-0008", "Walk-in", "Guest", "walk.in.guest@example.com"),
]


@dataclass(frozen=True)
class SalesDemoSummary:
    price_levels: int
    customers: int
    carriers: int
    units: int

    def line(self) -> str:
        return (f"Demo sales: {self.price_levels} price levels, {self.customers} customers, "
                f"{self.carriers} carriers, {self.units} units of measure.")


@transaction.atomic
def demo_sales_load() -> SalesDemoSummary:
    """Create or refresh the demo sales records. Safe to run any number of times."""
    for code, name in UNITS:
        UnitOfMeasure.objects.update_or_create(code=code, defaults={"name": name})
    levels = {}
    for name, kind, percent in PRICE_LEVELS:
        levels[name], _ = PriceLevel.objects.update_or_create(
            name=name, defaults={"kind": kind, "percent": percent})
    trade = levels["Trade price list"]
    for item in Item.objects.filter(sku__in=TRADE_SKUS):
        trade.prices.update_or_create(
            item=item, defaults={"price": (item.price * Decimal("0.6")).quantize(Decimal("0.01"))})
    for code, service, carrier_code in CARRIERS:
        Carrier.objects.update_or_create(code=carrier_code,
                                         defaults={"name": code, "service": service})
    for demo in CUSTOMERS:
        _demo_customer(demo, levels)
    return SalesDemoSummary(price_levels=len(PRICE_LEVELS), customers=len(CUSTOMERS),
                            carriers=len(CARRIERS), units=len(UNITS))


def _demo_customer(demo: DemoCustomer, levels: dict[str, PriceLevel]) -> None:
    customer, _ = Customer.objects.update_or_create(code=demo.code, defaults={
        "first_name": demo.first, "last_name": demo.last, "email": demo.email,
        "company": demo.company, "price_level": levels.get(demo.level or ""),
        "credit_limit": demo.credit, "tax_exempt": bool(demo.tax_exempt_id),
        "tax_exempt_id": demo.tax_exempt_id, "phone": f"+1 512 555 {demo.code[-4:]}",
    })
    number = int(demo.code[-4:])
    for kind in CustomerAddress.Kind:
        CustomerAddress.objects.update_or_create(
            customer=customer, kind=kind, is_default=True, defaults={
                "name": f"{demo.first} {demo.last}", "company": demo.company,
                "line1": f"{number * 10} {'Elm Street' if kind == 'billing' else 'Dock Road'}",
                "city": demo.city, "postal_code": f"{78700 + number}",
                "country_code": demo.country,
            })
    for first, last, title, email in demo.contacts:
        CustomerContact.objects.update_or_create(
            customer=customer, email=email,
            defaults={"first_name": first, "last_name": last, "title": title})


@transaction.atomic
def demo_sales_remove() -> None:
    """Delete the demo sales records (tests use this; staff use the admin)."""
    Customer.objects.filter(code__in=[c.code for c in CUSTOMERS]).delete()
    PriceLevel.objects.filter(name__in=[n for n, _, _ in PRICE_LEVELS]).delete()
    Carrier.objects.filter(code__in=[c for _, _, c in CARRIERS]).delete()
    UnitOfMeasure.objects.filter(code__in=[c for c, _ in UNITS], item__isnull=True).delete()
