"""Which paragraphs, tables and rows of two document versions are versions of each other.

Blocks are compared as a diff of sequences, never position by position: first on a key
(the clause a block belongs to, its kind and its text with every number written ``#``, so
that renumbering keeps a paragraph equal to itself), then, inside a stretch that differs,
by similarity of their words: a block is paired only with a block of the same clause and
kind whose words are mostly the same. Everything else is a whole insertion or deletion.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"\w+|[^\w\s]")
#: below this share of common words, two blocks are different blocks, not two versions
SIMILAR = 0.5
#: a differing stretch with more candidate pairs (same clause and kind) than this is not
#: searched for pairs (quadratic) but inserted and deleted whole: still exact, only coarser
_MAX_CANDIDATES = 10_000

Step = tuple[int | None, int | None]  # (old, new): a pair, a deletion (new None), an insertion


def normalised(text: str) -> str:
    """``text`` with every number as ``#``: a renumbered paragraph keeps its key."""
    return _NUMBER.sub("#", text)


@dataclass(frozen=True)
class Item:
    """What the alignment knows of one block."""

    segment: str  # the clause (or front matter) the block belongs to
    kind: str  # "p", "tbl:<columns>" or "tr:<cells>"
    text: str
    style: str = ""

    @cached_property
    def key(self) -> tuple[str, str, str]:
        return (self.segment, self.kind, normalised(self.text))

    @cached_property
    def words(self) -> list[str]:
        return _WORD.findall(normalised(self.text).casefold())


def similarity(a: Item, b: Item) -> float:
    """The share of words two blocks have in common (numbers count as equal), 0 when
    below ``SIMILAR``."""
    if not a.words and not b.words:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0  # upper bounds of the ratio, much cheaper
    score = matcher.ratio()
    return score if score >= SIMILAR else 0.0


def _pairable(a: Item, b: Item) -> float:
    if a.segment != b.segment or a.kind != b.kind:
        return 0.0
    if a.style != b.style:  # a paragraph that changes style keeps its words
        return 1.0 if a.key == b.key else 0.0
    return similarity(a, b)


def _candidates(old: Sequence[Item], new: Sequence[Item]) -> int:
    groups = Counter((b.segment, b.kind) for b in new)
    return sum(groups[(a.segment, a.kind)] for a in old)


def _pairs(old: Sequence[Item], new: Sequence[Item], score: Callable[[Item, Item], float]) -> list[Step]:
    """The best order-keeping pairing of two differing stretches (most similarity), with
    the unpaired blocks as deletions then insertions between pairs."""
    n, m = len(old), len(new)
    if n == 0 or m == 0 or _candidates(old, new) > _MAX_CANDIDATES:
        return [(i, None) for i in range(n)] + [(None, j) for j in range(m)]
    scores = [[score(a, b) for b in new] for a in old]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = scores[i][j] + best[i + 1][j + 1] if scores[i][j] else 0.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    steps: list[Step] = []
    dels: list[Step] = []
    ins: list[Step] = []
    i = j = 0
    while i < n and j < m:
        if scores[i][j] and best[i][j] == scores[i][j] + best[i + 1][j + 1]:
            steps += [*dels, *ins, (i, j)]
            dels, ins = [], []
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            dels.append((i, None))
            i += 1
        else:
            ins.append((None, j))
            j += 1
    dels += [(k, None) for k in range(i, n)]
    ins += [(None, k) for k in range(j, m)]
    return steps + dels + ins


def align(old: Sequence[Item], new: Sequence[Item]) -> list[Step]:
    """The steps that turn ``old`` into ``new``, in document order."""
    matcher = difflib.SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    steps: list[Step] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            steps += [(i1 + k, j1 + k) for k in range(i2 - i1)]
            continue
        for a, b in _pairs(old[i1:i2], new[j1:j2], _pairable):
            steps.append((None if a is None else i1 + a, None if b is None else j1 + b))
    return _last_paired(steps, len(old), len(new), old, new)


def _last_paired(steps: list[Step], n: int, m: int, old: Sequence[Item], new: Sequence[Item]) -> list[Step]:
    """A container's last paragraph cannot be inserted or deleted as a whole in Word (its
    mark ends the cell or the body): when both last ones are unpaired paragraphs of the same
    clause, they are versions of each other."""
    if not n or not m or (n - 1, None) not in steps or (None, m - 1) not in steps:
        return steps
    a, b = old[n - 1], new[m - 1]
    if not (a.kind == b.kind == "p" and a.segment == b.segment):
        return steps
    return [s for s in steps if s not in ((n - 1, None), (None, m - 1))] + [(n - 1, m - 1)]
