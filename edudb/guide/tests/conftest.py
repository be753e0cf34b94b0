"""Until the settings carry the guide's context processor (a hook line in config/settings.py), add it here."""

from __future__ import annotations

import copy
from typing import Any

import pytest

PROCESSOR = "edudb.guide.context_processors.support"


@pytest.fixture(autouse=True)
def _fresh_contacts(settings: Any, tmp_path: Any) -> Any:
    """Each test starts without a kept copy of the contacts, with its own stamp file."""
    from edudb.guide import contacts

    settings.MEDIA_ROOT = tmp_path
    contacts.forget()
    yield
    contacts.forget()


@pytest.fixture(autouse=True)
def _support_processor(settings: Any) -> None:
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    if PROCESSOR not in processors:
        processors.append(PROCESSOR)
        settings.TEMPLATES = templates
