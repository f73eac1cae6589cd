"""`p2pdocs new` from start to finish: the interview, the review loop, drafts on Ctrl-C,
saving the deal file and generating its documents."""

from __future__ import annotations

from pathlib import Path

import click

from p2pdocs.deal.writing import deal_text, draft_text, load_answers
from p2pdocs.interview.interview import Interview
from p2pdocs.interview.starting import starting_answers
from p2pdocs.run.outputs import write_atomic


def check_template(name: str | None, list_them: bool) -> None:
    """List the bundled starting deals, or check that ``name`` is one (before a terminal
    is needed)."""
    from p2pdocs.interview.starting import path_of, starting_deals

    if list_them:
        for start, what in starting_deals():
            click.echo(f"{start:<22} {what}")
    elif name:
        path_of(name)


def run_wizard(
    *,
    out: Path,
    deal_file: Path | None,
    source: Path | None,
    resume: bool,
    generate: bool,
    force: bool,
    pdf: bool = False,
    pdf_timeout: float | None = None,
    template: str | None = None,
) -> int:
    """Run the interview in this terminal; returns the exit status. A draft it resumed is
    removed once the deal file is saved (and its documents generated)."""
    from p2pdocs.cli.terminal import QuestionaryTerminal

    ui = QuestionaryTerminal()
    answers = starting_answers(template) if template else load_answers(source) if source else {}
    interview = Interview(answers=answers)
    draft = source if resume else None
    try:
        if source is None or resume:
            interview.run(ui)
        while True:
            action = ui.review(interview)
            if action == "change":
                interview.run(ui, only=ui.choose_section(interview))
                interview.run(ui)  # what the change made applicable
            elif action == "generate":
                path = _save(ui, interview, deal_file, force)
                if path is None:
                    continue
                status = _generate(path, out, force, pdf, pdf_timeout) if generate else 0
                return _done(ui, draft, path, status)
            elif action == "save":
                if interview.problems():
                    return 0 if _save_draft(ui, interview) else 1
                path = _save(ui, interview, deal_file, force)
                return _done(ui, draft, path, 0) if path else 1
            elif ui.confirm("Quit without saving?", False):
                return 1
    except KeyboardInterrupt:
        click.echo("")
        try:
            if ui.confirm("Interrupted. Save a draft to resume later?", True):
                _save_draft(ui, interview)
        except KeyboardInterrupt:
            pass
        return 130


def _done(ui: object, draft: Path | None, saved: Path, status: int) -> int:
    """Remove the draft the interview resumed, now that its deal file is saved."""
    from p2pdocs.cli.terminal import QuestionaryTerminal

    assert isinstance(ui, QuestionaryTerminal)
    if status == 0 and draft is not None and draft.resolve() != saved.resolve() and draft.exists():
        draft.unlink()
        ui.say(f"Removed the draft {draft}: the deal file {saved} replaces it")
    return status


def _deal_id(interview: Interview) -> str:
    agreement = interview.answers.get("agreement") or {}
    value = agreement.get("id") if isinstance(agreement, dict) else None
    return str(value) if value else "p2pdocs"


def _save(ui: object, interview: Interview, deal_file: Path | None, force: bool) -> Path | None:
    from p2pdocs.cli.terminal import QuestionaryTerminal

    assert isinstance(ui, QuestionaryTerminal)
    path = deal_file or Path(f"{_deal_id(interview)}.yaml")
    if path.exists() and not force and not ui.confirm(f"{path} exists. Overwrite it?", False):
        path = Path(ui.text("Save the deal file as", str(path.with_name(path.stem + "-new.yaml"))))
    write_atomic(path, deal_text(interview.deal(), str(path)))
    ui.say(f"Saved the deal file {path}")
    return path


def _save_draft(ui: object, interview: Interview) -> bool:
    from p2pdocs.cli.terminal import QuestionaryTerminal

    assert isinstance(ui, QuestionaryTerminal)
    path = Path(ui.text("Save the draft as", f"{_deal_id(interview)}.draft.yaml"))
    write_atomic(path, draft_text(interview.answers, str(path)))
    ui.say(f"Saved the draft {path}. Continue with: p2pdocs new --resume {path}")
    return True


def _generate(path: Path, out: Path, force: bool, pdf: bool, pdf_timeout: float | None) -> int:
    """Generate from the saved deal file, exactly as `p2pdocs generate` would."""
    from p2pdocs.cli.generate import pdf_options
    from p2pdocs.deal.inputs import read_all
    from p2pdocs.run.batch import run

    entries, _ = read_all([path])
    options, problem = pdf_options(pdf, pdf_timeout)
    report = run(entries, out, force=force, jobs=1, keep=True, total=len(entries), pdf=options)
    if report.manifest_error:
        click.echo(f"error: {report.manifest_error}", err=True)
    if problem:
        click.echo(f"error: {problem}", err=True)
        return 1
    for outcome in report.outcomes:
        for document in outcome.documents:
            click.echo(f"wrote {out / document.path}")
        for error in outcome.errors:
            click.echo(f"error: {error}", err=True)
    return report.exit_code
