"""Playbook findings shown as the answers arrive: each once, about what was just asked."""

from __future__ import annotations

from p2pdocs.interview.answers import Answers
from p2pdocs.interview.prompt import Terminal
from p2pdocs.interview.questions import Group, Part, Question, parse_path, show_path
from p2pdocs.playbook.findings import Finding


def review_flags(state: Answers, ui: Terminal, about: list[str], inside: bool = False) -> list[Finding]:
    """Show the new findings about the paths ``about``; the findings whose answer the
    person wants to change rather than keep."""
    change: list[Finding] = []
    for finding in state.findings():
        key = "|".join((finding.rule, finding.field, finding.severity))
        shown = state.answers.setdefault("_wizard", {}).setdefault("flagged", [])
        if key in shown or not any(related(finding.field, p, inside) for p in about):
            continue
        shown.append(key)  # kept in drafts: a resumed interview does not flag it again
        if not ui.flag(finding):
            shown.remove(key)
            change.append(finding)
    return change


def prefixes(items: list[Question | Group], prefix: list[Part]) -> list[str]:
    """The paths the answers of ``items`` go to."""
    out = []
    for entry in items:
        if isinstance(entry, Group):
            out.append(show_path(prefix + parse_path(entry.group)))
        elif not entry.id.startswith("_"):
            out.append(show_path(prefix + parse_path(entry.id.split("{")[0].rstrip("."))))
        if isinstance(entry, Question) and entry.controls:
            out.append(entry.controls)
    return out


def related(finding_field: str, prefix: str, inside: bool = False) -> bool:
    """Whether a finding is about ``prefix``: within it or, unless ``inside``, around it (a
    finding about a whole list waits until the list is closed)."""
    if not prefix:
        return True
    pairs = [(finding_field, prefix)] if inside else [(finding_field, prefix), (prefix, finding_field)]
    return any(a == b or a.startswith(b + ".") or a.startswith(b + "[") for a, b in pairs)
