"""A recogniser for the common shapes of STIX 2.1 patterns (STIX 2.1 §9), without the ANTLR parser.

``stix2patterns`` parses a pattern with an ANTLR-generated parser that costs about a millisecond
per indicator. Bulk feeds carry a few shapes only: observation expressions in brackets, joined by
``AND``, ``OR`` or ``FOLLOWEDBY``, each a list of comparisons ``type:path op literal`` joined by
``AND``/``OR`` (STIX 2.1 §9.5, §9.6). :func:`comparisons` recognises exactly that subset of the
grammar (``STIXPattern.g4`` of the OASIS ``cti-pattern-validator``), with its lexer's rules
(longest match, keywords before identifiers, ``'`` strings with only ``\\'`` and ``\\\\`` escapes),
and returns what the library's inspector would report for it, with two regular expressions.
Anything else — qualifiers, parentheses, sets, binary/hex/timestamp literals, comments, unusual
white space — returns None, and the caller asks the library: a pattern is never accepted here
that the grammar refuses.
``tests/intel/test_stix_fast_path.py`` compares the two on generated patterns.
"""

from __future__ import annotations

import re

# Keyword rules come before the identifier rules in the lexer: the same text is a keyword, never an
# identifier (checked on the identifiers found, which is cheaper than a look-ahead at each one).
_KEYWORDS = frozenset(
    {
        "AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUPERSET", "ISSUBSET", "EXISTS",
        "LAST", "IN", "START", "STOP", "SECONDS", "true", "false", "WITHIN", "REPEATS", "TIMES",
    }
)  # fmt: skip
_END = r"(?![a-zA-Z0-9_-])"  # the lexer takes the longest match: an identifier ends here
_SPACE = r"[ \t\r\n]*"
_IDENTIFIER = rf"[a-zA-Z_][a-zA-Z0-9_-]*{_END}"
_IDENTIFIER_WITHOUT_HYPHEN = rf"[a-zA-Z_][a-zA-Z0-9_]*{_END}"
_STRING = r"'(?:[^'\\]|\\['\\])*'"
_INTEGER = r"(?:0|[1-9][0-9]*)(?![0-9.])"
_STEP = rf"\.(?:{_IDENTIFIER_WITHOUT_HYPHEN}|{_STRING})|\[{_INTEGER}\]"
# objectPath NOT? (EQ|NEQ|GT|LT|GE|LE) literal | objectPath NOT? (LIKE|MATCHES) StringLiteral
_COMPARISON = (
    rf"(?P<type>{_IDENTIFIER}):(?P<first>{_IDENTIFIER_WITHOUT_HYPHEN})(?P<steps>(?:{_STEP})*)"
    rf"{_SPACE}(?:NOT{_END}{_SPACE})?"
    rf"(?:(?:<=|>=|!=|=(?!=)|<(?!>)|>){_SPACE}(?P<value>{_STRING}|{_INTEGER})"
    rf"|(?:LIKE|MATCHES){_END}{_SPACE}(?P<text>{_STRING}))"
)
_PLAIN_COMPARISON = re.sub(r"\(\?P<\w+>", "(?:", _COMPARISON)
_OBSERVATION = (
    rf"\[{_SPACE}{_PLAIN_COMPARISON}(?:{_SPACE}(?:AND|OR){_END}{_SPACE}{_PLAIN_COMPARISON})*{_SPACE}\]"
)
_PATTERN = re.compile(
    rf"{_SPACE}{_OBSERVATION}(?:{_SPACE}(?:AND|OR|FOLLOWEDBY){_END}{_SPACE}{_OBSERVATION})*{_SPACE}"
)
_COMPARISONS = re.compile(_COMPARISON)
_STEPS = re.compile(
    rf"\.(?P<key>{_IDENTIFIER_WITHOUT_HYPHEN})|\.(?P<quoted>{_STRING})|\[(?P<index>{_INTEGER})\]"
)

Comparison = tuple[str, list[str | int], str]


def _unquote(literal: str) -> str:
    """The inspector's ``_string_literal_to_string``: quotes removed, escapes resolved."""
    return literal[1:-1].replace("\\'", "'").replace("\\\\", "\\")


def comparisons(pattern: str) -> list[Comparison] | None:
    """(object type, property path, literal as written) of each comparison, when ``pattern`` is a
    valid STIX 2.1 pattern of the recognised shapes; None when it is not (invalid or other shapes).
    """
    if _PATTERN.fullmatch(pattern) is None:
        return None
    found: list[Comparison] = []
    for comparison in _COMPARISONS.finditer(pattern):
        if comparison["type"] in _KEYWORDS or comparison["first"] in _KEYWORDS:
            return None
        path: list[str | int] = [comparison["first"]]
        steps = comparison["steps"]
        if steps:
            for step in _STEPS.finditer(steps):
                if step["key"] is not None:
                    if step["key"] in _KEYWORDS:
                        return None
                    path.append(step["key"])
                elif step["quoted"] is not None:
                    path.append(_unquote(step["quoted"]))
                else:
                    path.append(int(step["index"]))
        found.append((comparison["type"], path, comparison["value"] or comparison["text"]))
    return found
