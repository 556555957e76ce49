"""The exercise tests read messages in English (the message ids); the Japanese is checked by
tests/test_i18n.py and by the pages' tests that ask for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cyberdelta.platform import i18n


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with i18n.language("en"):
        yield
