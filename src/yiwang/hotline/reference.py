"""The hotline's reference data, shipped with the app: its category tree, its knowledge base and its routing rules.
Loading again updates in place (by category code, by FAQ question, by rule), so the demo and the tests may call it
any number of times."""

from importlib import resources

import yaml
from django.db import transaction

from .models import Category, FaqEntry
from .routing import load_routing_rules


def _read(name: str):
    return yaml.safe_load(resources.files("yiwang.hotline").joinpath(f"data/{name}").read_text("utf-8")) or []


@transaction.atomic
def load_hotline_reference() -> int:
    position = 0
    for top in _read("categories.yaml"):
        position += 1
        parent, _ = Category.objects.update_or_create(
            code=top["code"],
            defaults={"name": top["name"], "department_kind": top["dept"], "parent": None, "position": position},
        )
        for child in top.get("children", []):
            position += 1
            Category.objects.update_or_create(
                code=child["code"],
                defaults={
                    "name": child["name"],
                    "department_kind": child["dept"],
                    "parent": parent,
                    "position": position,
                },
            )
    categories = dict(Category.objects.values_list("code", "pk"))
    for entry in _read("faq.yaml"):
        FaqEntry.objects.update_or_create(
            question=entry["question"],
            defaults={
                "answer": entry["answer"],
                "keywords": entry.get("keywords", ""),
                "category_id": categories.get(entry.get("category")),
                "item_code": entry.get("item", ""),
            },
        )
    load_routing_rules()
    return position
