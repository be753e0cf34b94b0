"""Writing the official code lists into the database: used by the data migration and by ``load_codelists``.

Takes the model classes as arguments (historical ones in a migration), so it imports no Django app code and
stays valid for old migrations. Upserts by (list code, item code); never deletes — an item dropped from the data
is marked inactive, since records may still point at it.
"""

from __future__ import annotations

from typing import Any

from edudb.quality.codelists_data import CODE_LISTS
from edudb.quality.text import clean_text, search_key


def sync_code_lists(code_list_model: Any, code_item_model: Any) -> tuple[int, int]:
    """Create or update every list and item; returns (items created, items updated)."""
    created = updated = 0
    for data in CODE_LISTS:
        code_list, _ = code_list_model.objects.update_or_create(
            code=data.code, defaults={"name": data.name, "description": data.description}
        )
        seen = set()
        for order, item in enumerate(data.items, start=1):
            seen.add(item.code)
            name = clean_text(item.name)
            _, was_created = code_item_model.objects.update_or_create(
                code_list=code_list,
                code=item.code,
                defaults={
                    "name": name,
                    "name_key": search_key(name),
                    "aliases": "|".join(item.aliases),
                    "order": order,
                    "is_active": True,
                },
            )
            created += was_created
            updated += not was_created
        code_item_model.objects.filter(code_list=code_list).exclude(code__in=seen).update(is_active=False)
    return created, updated
