"""The command line: the only package that prints, prompts, exits or imports click, rich
or questionary, a thin edge over the library. ``main`` is the group that gathers the
commands, each in a module named for what it does (``generate``: generate and new;
``review``: check, verify, redline, schema; ``clauses``: the clause library); ``handler``
turns errors into messages and exit statuses, ``options`` holds the shared options,
``progress`` the run's progress and summary, ``wizard`` and ``terminal`` the interview in a
terminal.
"""

from p2pdocs.cli.main import main

__all__ = ["main"]
