"""Type stub of the C extension ``_fastpath.c`` (batch screening fast path)."""

from collections.abc import Sequence
from typing import Any

def screen(
    texts: Sequence[str],
    tables: tuple[dict[str, Any], ...],
    result_type: type[Any],
    messages: tuple[str, str],
) -> tuple[list[Any], list[int]]: ...
def keccak256(data: bytes) -> bytes: ...
def double_sha256(data: bytes) -> bytes: ...
