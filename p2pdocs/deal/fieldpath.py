"""A value's place in a deal: its field path, and the one way messages show it.

A path is the keys and list indexes from the root, ``("agreement", "margins", 0,
"by_year")``, shown as ``agreement.margins[0].by_year``: in the deal file's messages, the
clause library's, and the interview's (which keeps its answers by the same paths).
"""

from __future__ import annotations

from collections.abc import Iterable

#: A value's place in the data: keys and list indexes from the root.
Loc = tuple[str | int, ...]


def format_loc(loc: Iterable[str | int]) -> str:
    """``("agreement", "margins", 0, "by_year")`` -> ``agreement.margins[0].by_year``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
