"""Find and read every deal of a run: deal files, batch files and directories.

A batch file carries ``p2pdocs: 1`` once, optional ``defaults:`` deep-merged under every
deal (mappings merge; lists and scalars of the deal replace), and ``deals:``, a list of
deal mappings. Each problem points into the place its value came from: the deal, or the
defaults.

Deals are streamed, not held: a first pass over each file's YAML events (no values built)
checks its syntax, reads its header (format, defaults), counts its deals and notes the
agreement ids they give, so that duplicate ids are known before anything is generated (a
file whose deals take their id from the defaults, an alias or a merge key is read through
once more for them); a second pass then builds and validates one deal at a time, each
refused on its own (:mod:`p2pdocs.deal.batchfile`). A pipe is read once and held.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from p2pdocs.deal.batchfile import Outline, deals_of, is_stream, scan_batch
from p2pdocs.deal.fieldpath import Loc
from p2pdocs.deal.terms import Deal
from p2pdocs.deal.textfile import MAX_BYTES, Stamp, cannot_read, check_file, read_text, too_large
from p2pdocs.deal.validate import Locator, Place, check_version, unknown_keys, validate_deal, validate_source
from p2pdocs.deal.yamlsource import Source, parse
from p2pdocs.errors import InvalidInput, Problem

BATCH_KEYS = ("p2pdocs", "defaults", "deals")


@dataclass
class Entry:
    """One deal of the run: where it was given, and the deal or what is wrong with it."""

    label: str
    file: str
    line: int
    deal: Deal | None = None
    problems: list[Problem] = field(default_factory=list)
    #: the agreement id, once the deal is valid (kept when the deal itself is let go)
    id: str | None = None


def discover(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Files as given; directories as every ``*.yaml`` / ``*.yml`` below them, sorted."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        elif path.exists():
            found.append(path)
        else:
            problems.append(Problem(str(path), 0, "", "no such file or directory"))
    return found, problems


def deep_merge(base: Any, over: Any) -> Any:
    """``over`` on top of ``base``: mappings merge key by key; anything else replaces."""
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return over


def _has(data: Any, loc: Loc) -> bool:
    for part in loc:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
            continue
        if not (isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)):
            return False
        data = data[part]
    return True


def merged_locator(source: Source, deal_base: Loc, deal: Any, defaults: Any) -> Locator:
    """Locate a value of the merged deal in the deal, or failing that in the defaults."""

    def locate(loc: Loc) -> Place:
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            if _has(deal, prefix):
                return Place(source.file, source.line_of((*deal_base, *prefix)), deal_base)
            if end and _has(defaults, prefix):
                return Place(source.file, source.line_of(("defaults", *prefix)), ("defaults",))
        return Place(source.file, source.line_of(deal_base), deal_base)

    return locate


def _given_id(raw: Any) -> str | None:
    if isinstance(raw, Mapping) and isinstance(raw.get("agreement"), Mapping):
        value = raw["agreement"].get("id")
        if isinstance(value, str) and value:
            return value
    return None


def _label(raw: Any, fallback: str) -> str:
    return _given_id(raw) or fallback


def _entry(label: str, file: str, line: int, validated: Callable[[], Deal]) -> Entry:
    """The entry of a deal: the deal ``validated`` gives, or its problems."""
    entry = Entry(label, file, line)
    try:
        entry.deal = validated()
        entry.id = entry.deal.agreement.id
    except InvalidInput as exc:
        entry.problems = exc.problems
    return entry


class IdPlace(NamedTuple):
    """A deal that gives an agreement id: its file and line, and the id as given."""

    file: str
    line: int
    id: str


@dataclass
class FileScan:
    """What the first pass learnt of one file: enough to stream its deals later."""

    path: Path
    #: size and modification time when first read
    stamp: Stamp = field(default_factory=lambda: Stamp(0, 0))
    problems: list[Problem] = field(default_factory=list)
    batch: bool = False
    header: Source | None = None
    #: line, label and directly given agreement id of each deal
    deals: list[Outline] = field(default_factory=list)
    #: the text of a file that can be read once only (a pipe), held for the second pass
    text: str | None = None

    @property
    def count(self) -> int:
        return len(self.deals) if self.batch and not self.problems else 1


def scan(path: Path) -> FileScan:
    """First pass over one file: syntax, header, and each deal's line and id. A batch file
    is read as a stream, never held whole."""
    result = FileScan(path)
    name = str(path)
    try:
        if is_stream(path):  # a pipe or process substitution: read once, kept
            result.text = read_text(path)  # a pipe or FIFO: read once, held
            header, deals = scan_batch(result.text, name)
        else:
            result.stamp = check_file(path)
            with path.open("rb") as handle:
                header, deals = scan_batch(handle, name)
        if deals is None and result.stamp.size > MAX_BYTES:
            raise too_large(name)
    except OSError as exc:
        result.problems = cannot_read(name, exc).problems
        return result
    except InvalidInput as exc:
        result.problems = exc.problems
        return result
    if deals is None:  # a single deal, read whole again in the second pass
        data = header.data if header is not None else None
        result.deals = [Outline(1, _label(data, path.name), _given_id(data))]
        return result
    assert header is not None
    result.batch = True
    result.header, result.deals = header, deals
    result.problems = _header_problems(header) or ([] if deals else [_no_deals(header)])
    return result


def _header_problems(source: Source) -> list[Problem]:
    data = source.data

    def locate(loc: Loc) -> Place:
        return Place(source.file, source.line_of(loc), ())

    problems = check_version(data, locate) + unknown_keys(data, BATCH_KEYS, (), locate)
    if not isinstance(data.get("defaults") or {}, Mapping):
        problems.append(Problem(source.file, source.line_of(("defaults",)), "defaults", "expected a mapping"))
    if not isinstance(data["deals"], list):
        problems.append(Problem(source.file, source.line_of(("deals",)), "deals", "expected a list of deals"))
    return problems


def _no_deals(source: Source) -> Problem:
    return Problem(source.file, source.line_of(("deals",)), "deals", "the batch file holds no deals")


class Inputs:
    """Every deal of a run, streamed in order: ``total`` is known before the first is read,
    and so is every agreement id (two deals that would share a folder are both refused
    before either is written)."""

    def __init__(self, paths: list[Path]) -> None:
        files, self.problems = discover(paths)
        self.files = [scan(path) for path in files]
        self.total = sum(f.count for f in self.files)
        #: folder name (case-folded) -> the places that give it
        self._places: dict[str, list[IdPlace]] = {}
        for f in self.files:
            if not f.problems:
                ids = _hidden_ids(f) if any(given is None for _, _, given in f.deals) else {}
                for i, (line, _, given) in enumerate(f.deals):
                    agreement_id = given if given is not None else ids.get(i)
                    if agreement_id is not None:
                        place = IdPlace(str(f.path), line, agreement_id)
                        self._places.setdefault(agreement_id.casefold(), []).append(place)

    def __iter__(self) -> Iterator[Entry]:
        for f in self.files:
            for entry in _entries(f):
                if entry.deal is not None:
                    self._check_unique(entry)
                yield entry

    def _check_unique(self, entry: Entry) -> None:
        """A valid deal whose folder another deal of the run also uses is refused, naming it:
        the same id, or one that differs only in case (one folder on macOS and Windows)."""
        key = entry.id or ""
        places = self._places.setdefault(key.casefold(), [])
        own = next((p for p in places if (p.file, p.line) == (entry.file, entry.line)), None)
        if own is None:  # an id the first pass could not see
            own = IdPlace(entry.file, entry.line, key)
            places.append(own)
        others = list(places)
        others.remove(own)  # the same file given twice still counts twice
        for file, line, other in others:
            if other == key:
                message = f"agreement id '{key}' is used twice in this run (also {file}:{line})"
            else:
                message = (
                    f"agreement id '{key}' differs only in case from '{other}' ({file}:{line}); "
                    "their folders would be one on macOS and Windows"
                )
            entry.problems.append(Problem(entry.file, entry.line, "agreement.id", message))
        if others:
            entry.deal = None


def _hidden_ids(f: FileScan) -> dict[int, str]:
    """The agreement ids of a batch file's deals that do not give one directly (it comes
    from the defaults, an alias or a merge key): the file is read through once more, one
    deal at a time, before anything is generated."""
    if not f.batch or f.header is None:
        return {}
    defaults = f.header.data.get("defaults") or {}
    found: dict[int, str] = {}
    try:
        with _open(f) as handle:
            for i, (raw, _, _) in enumerate(deals_of(handle, str(f.path))):
                if i < len(f.deals) and f.deals[i][2] is None and isinstance(raw, Mapping):
                    given = _given_id(deep_merge(defaults, raw))
                    if given is not None:
                        found[i] = given
    except (OSError, InvalidInput):
        pass  # the second pass reports it
    return found


def _open(f: FileScan) -> BinaryIO:
    return io.BytesIO(f.text.encode("utf-8")) if f.text is not None else f.path.open("rb")


def _entries(f: FileScan) -> Iterator[Entry]:
    """Second pass over one file: its deals, built and validated one at a time."""
    name = str(f.path)
    if f.problems:
        yield Entry(f.path.name, name, 1, problems=f.problems)
        return
    try:
        if f.text is None:
            stat = f.path.stat()
            if Stamp(stat.st_size, stat.st_mtime_ns) != f.stamp:
                raise InvalidInput([Problem(name, 0, "", "changed while it was being read; run again")])
        if not f.batch:
            yield _single(parse(read_text(f.path) if f.text is None else f.text, name))
            return
        handle = _open(f)
    except OSError as exc:
        problems = cannot_read(name, exc).problems
        for line, label, _ in f.deals:
            yield Entry(label, name, line, problems=problems)
        return
    except InvalidInput as exc:
        for line, label, _ in f.deals or [Outline(1, f.path.name, None)]:
            yield Entry(label, name, line, problems=exc.problems)
        return
    assert f.header is not None
    defaults = f.header.data.get("defaults") or {}
    header_lines = f.header.lines
    with handle:
        yield from _batch_entries(f, handle, defaults, header_lines)


def _batch_entries(f: FileScan, handle: BinaryIO, defaults: Any, header_lines: dict[Loc, int]) -> Iterator[Entry]:
    """One entry per deal the first pass counted, whatever happens while they are read."""
    name = str(f.path)
    done = 0
    try:
        for raw, lines, problems in deals_of(handle, name):
            if done == len(f.deals):
                break
            line, label, _ = f.deals[done]
            if problems:
                yield Entry(label, name, line, problems=problems)
            else:
                yield _batch_entry(f, done, raw, Source(name, None, {**header_lines, **lines}), defaults)
            done += 1
    except InvalidInput as exc:
        if done < len(f.deals):
            line, label, _ = f.deals[done]
            yield Entry(label, name, line, problems=exc.problems)
            done += 1
    for line, label, _ in f.deals[done:]:
        yield Entry(label, name, line, problems=[Problem(name, line, "", "not read: see the problem above")])


def _single(source: Source) -> Entry:
    """The entry of a file that holds one deal (validated as :func:`~p2pdocs.deal.validate.validate_source` does)."""
    file = source.file
    if not isinstance(source.data, Mapping):
        problem = Problem(file, 1, "", "expected a deal or a batch: a mapping with 'p2pdocs: 1'")
        return Entry(Path(file).name, file, 1, problems=[problem])
    return _entry(_label(source.data, Path(file).name), file, 1, lambda: validate_source(source))


def _batch_entry(f: FileScan, i: int, raw: Any, source: Source, defaults: Any) -> Entry:
    name = str(f.path)
    base: Loc = ("deals", i)
    line, label, _ = f.deals[i]
    if not isinstance(raw, Mapping):
        problem = Problem(name, line, f"deals[{i}]", "expected a deal (a mapping with 'agreement')")
        return Entry(label, name, line, problems=[problem])
    if "p2pdocs" in raw:
        problem = Problem(
            name,
            source.line_of((*base, "p2pdocs")),
            f"deals[{i}].p2pdocs",
            "give the format once, at the top of the batch file",
        )
        return Entry(label, name, line, problems=[problem])
    merged = deep_merge(defaults, raw)
    return _entry(label, name, line, lambda: validate_deal(merged, merged_locator(source, base, raw, defaults)))


def read_all(paths: list[Path]) -> tuple[list[Entry], list[Problem]]:
    """Every deal of the run, held in a list (for a few files: the interview, checks)."""
    inputs = Inputs(paths)
    return list(inputs), inputs.problems
