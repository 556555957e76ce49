"""Formula-safe cells and CSV documents (cyberdelta.platform.tabular)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cyberdelta.platform.tabular import FORMULA_PREFIXES, csv_text, safe_cell


@given(st.text())
def test_no_safe_cell_starts_a_formula(text: str) -> None:
    assert not str(safe_cell(text)).startswith(FORMULA_PREFIXES)


@given(st.text().filter(lambda text: not text.startswith(FORMULA_PREFIXES)))
def test_other_text_is_unchanged(text: str) -> None:
    assert safe_cell(text) == text


def test_numbers_stay_numbers_and_the_document_has_a_byte_order_mark() -> None:
    assert safe_cell(-3) == -3
    assert csv_text(["a", "=b"], [[1, "-2"]]) == "\ufeffa,'=b\r\n1,'-2\r\n"
