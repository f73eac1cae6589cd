"""Find and read every deal of a run: deal files, batch files and directories.

A batch file carries ``p2pdocs: 1`` once, optional ``defaults:`` deep-merged under every
deal (mappings merge; lists and scalars of the deal replace), and ``deals:``, a list of
deal mappings. Each problem points into the place its value came from: the deal, or the
defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p2pdocs.errors import InvalidInput, Problem
from p2pdocs.terms import Deal
from p2pdocs.validate import Locator, Place, check_version, unknown_keys, validate_deal
from p2pdocs.yamlsource import Loc, Source, read

BATCH_KEYS = ("p2pdocs", "defaults", "deals")


@dataclass
class Entry:
    """One deal of the run: where it was given, and the deal or what is wrong with it."""

    label: str
    file: str
    line: int
    deal: Deal | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        return self.deal.agreement.id if self.deal else None


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
                return source.file, source.line_of((*deal_base, *prefix)), deal_base
            if end and _has(defaults, prefix):
                return source.file, source.line_of(("defaults", *prefix)), ("defaults",)
        return source.file, source.line_of(deal_base), deal_base

    return locate


def _label(raw: Any, fallback: str) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("agreement"), Mapping):
        value = raw["agreement"].get("id")
        if isinstance(value, str) and value:
            return value
    return fallback


def _entry(label: str, file: str, line: int, body: Any, locate: Locator) -> Entry:
    entry = Entry(label, file, line)
    try:
        entry.deal = validate_deal(body, locate)
    except InvalidInput as exc:
        entry.problems = exc.problems
    return entry


def read_file(path: Path) -> list[Entry]:
    """Every deal of one deal file or batch file."""
    try:
        source = read(path)
    except InvalidInput as exc:
        return [Entry(path.name, str(path), 1, problems=exc.problems)]
    data = source.data
    if not isinstance(data, Mapping):
        problem = Problem(str(path), 1, "", "expected a deal or a batch: a mapping with 'p2pdocs: 1'")
        return [Entry(path.name, str(path), 1, problems=[problem])]

    def locate(loc: Loc) -> Place:
        return source.file, source.line_of(loc), ()

    version = check_version(data, locate)
    if "deals" not in data:
        if version:
            return [Entry(_label(data, path.name), str(path), 1, problems=version)]
        body = {k: v for k, v in data.items() if k != "p2pdocs"}
        return [_entry(_label(data, path.name), str(path), 1, body, locate)]
    problems = version + unknown_keys(data, BATCH_KEYS, (), locate)
    defaults = data.get("defaults") or {}
    deals = data["deals"]
    if not isinstance(defaults, Mapping):
        problems.append(Problem(source.file, source.line_of(("defaults",)), "defaults", "expected a mapping"))
    if not isinstance(deals, list):
        problems.append(Problem(source.file, source.line_of(("deals",)), "deals", "expected a list of deals"))
    if problems:
        return [Entry(path.name, str(path), 1, problems=problems)]
    entries = []
    for i, raw in enumerate(deals):
        base: Loc = ("deals", i)
        line = source.line_of(base)
        label = _label(raw, f"deals[{i}]")
        if not isinstance(raw, Mapping):
            problem = Problem(source.file, line, f"deals[{i}]", "expected a deal (a mapping with 'agreement')")
            entries.append(Entry(label, str(path), line, problems=[problem]))
            continue
        if "p2pdocs" in raw:
            problem = Problem(
                source.file,
                source.line_of((*base, "p2pdocs")),
                f"deals[{i}].p2pdocs",
                "give the format once, at the top of the batch file",
            )
            entries.append(Entry(label, str(path), line, problems=[problem]))
            continue
        merged = deep_merge(defaults, raw)
        locate_merged = merged_locator(source, base, raw, defaults)
        entries.append(_entry(label, str(path), line, merged, locate_merged))
    return entries


def read_all(paths: list[Path]) -> tuple[list[Entry], list[Problem]]:
    """Every deal of the run, and problems that are no deal's (a missing path)."""
    files, problems = discover(paths)
    entries = [entry for path in files for entry in read_file(path)]
    _mark_duplicates(entries)
    return entries, problems


def _mark_duplicates(entries: list[Entry]) -> None:
    first: dict[str, Entry] = {}
    for entry in entries:
        if entry.deal is None:
            continue
        key = entry.deal.agreement.id
        other = first.setdefault(key, entry)
        if other is entry:
            continue
        message = f"agreement id '{key}' is used twice in this run (also {other.file}:{other.line})"
        entry.problems.append(Problem(entry.file, entry.line, "agreement.id", message))
        if other.deal is not None:
            other.problems.append(
                Problem(
                    other.file,
                    other.line,
                    "agreement.id",
                    f"agreement id '{key}' is used twice in this run (also {entry.file}:{entry.line})",
                )
            )
    for entry in entries:
        if entry.problems:
            entry.deal = None
