"""One table describes each LC dataset; every LC model belongs to exactly one of them, and
every part of the LC reads it (no list of its own to disagree with)."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

from localcopy.datasets import DATASETS, RESOURCES
from localcopy.models import Dataset, Mirrored


def test_the_table_has_one_entry_per_dataset_in_the_panels_order():
    assert list(DATASETS) == list(Dataset.values)
    assert [spec.label for spec in DATASETS.values()] == list(Dataset.labels)


def test_every_lc_model_is_owned_or_a_child_of_exactly_one_dataset():
    mirrored = {m for m in apps.get_app_config("localcopy").get_models()
                if issubclass(m, Mirrored)}
    placed = [m for spec in DATASETS.values() for m in (*spec.models, *spec.children)]
    assert sorted(m.__name__ for m in placed) == sorted(m.__name__ for m in mirrored)


def test_children_hang_off_a_model_their_dataset_owns():
    for spec in DATASETS.values():
        for child in spec.children:
            parents = {f.related_model for f in child._meta.fields if f.many_to_one}
            assert parents & set(spec.models), (spec.name, child.__name__)


def test_customer_groups_are_customers_everywhere():
    customers = DATASETS["customers"]
    assert customers.models[1].__name__ == "LcCustomerGroup"
    assert RESOURCES["customer"] is customers and RESOURCES["sku"] is DATASETS["products"]


def test_no_other_module_keeps_a_list_of_datasets():
    root = Path(__file__).resolve().parents[2]
    for folder in ("localcopy", "bcsync"):
        for path in (root / folder).rglob("*.py"):
            if "migrations" in path.parts or path.name == "datasets.py":
                continue
            text = path.read_text()
            for old in ("DATASET_MODELS", "PULLS", "DATED", "CHILDREN", "_LC_TABLES",
                        "_present"):
                assert not re.search(rf"\b{old}\b", text), (
                    f"{path.relative_to(root)} keeps {old}")
