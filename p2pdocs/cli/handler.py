"""The one error handler every command goes through: a p2pdocs error becomes its message
on stderr and its exit status (README, "Exit status"), Ctrl-C status 130; a user mistake
never shows a traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from p2pdocs.errors import InvalidInput, P2pdocsError

F = TypeVar("F", bound=Callable[..., Any])


def handled(func: F) -> F:
    """Turn p2pdocs errors into a message on stderr and their exit status."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InvalidInput as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            n = len(exc.problems)
            click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was written.", err=True)
            sys.exit(exc.exit_code)
        except P2pdocsError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; files already complete are kept, nothing is half-written.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]
