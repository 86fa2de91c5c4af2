"""The admin is bcsync's, not "Django administration", on every page staff see."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DJANGO_NAMES = ("Django administration", "Django site admin", "Site administration")


def title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "no <title>"
    return match.group(1).strip()


def test_every_admin_page_is_named_bcsync(alice, item):
    pages = {
        "login": Client().get(reverse("admin:login")),
        "index": client_for(alice).get(reverse("admin:index")),
        "item list": client_for(alice).get(reverse("admin:catalog_item_changelist")),
        "item": client_for(alice).get(reverse("admin:catalog_item_change", args=[item.pk])),
        "LC panel": client_for(alice).get(reverse("bcsync:lc_panel")),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        for django_name in DJANGO_NAMES:
            assert django_name not in html, f"{name}: '{django_name}'"
        assert title(html).endswith("| bcsync"), f"{name}: {title(html)}"
        assert re.search(r'id="site-name"><a [^>]*>bcsync</a>', html), name
    assert "<h1>bcsync administration</h1>" in pages["index"].content.decode()
