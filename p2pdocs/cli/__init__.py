"""The command line: the only package that prints, prompts, exits or imports click, rich
or questionary. ``main`` holds the commands (a thin edge over the library), ``progress``
the run's progress and summary, ``wizard`` and ``terminal`` the interview in a terminal,
``options`` click option types.
"""

from p2pdocs.cli.main import main

__all__ = ["main"]
