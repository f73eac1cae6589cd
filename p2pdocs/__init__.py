"""p2pdocs: partnering agreements and statements of work from a deal file.

The public API, for use as a library (``from p2pdocs import load_deal, generate``). The
stages behind it are the subpackages, in the order a deal flows through them: ``deal``
(read and check), ``compose`` (clauses), ``playbook`` (findings), ``word`` (.docx),
``documents`` (what a deal produces), ``pdf``, ``run`` (one deal, a batch, the checks) and
``cli`` (the terminal edge). The names below are imported when first used, so that
``p2pdocs --help`` stays quick.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from p2pdocs.deal.terms import Deal
    from p2pdocs.deal.validate import load_deal, validate_deal
    from p2pdocs.errors import InvalidInput, P2pdocsError, Problem
    from p2pdocs.run.generate import Written, generate

_HOME = {
    "Deal": "p2pdocs.deal.terms",
    "load_deal": "p2pdocs.deal.validate",
    "validate_deal": "p2pdocs.deal.validate",
    "InvalidInput": "p2pdocs.errors",
    "P2pdocsError": "p2pdocs.errors",
    "Problem": "p2pdocs.errors",
    "Written": "p2pdocs.run.generate",
    "generate": "p2pdocs.run.generate",
}

__all__ = [
    "Deal",
    "InvalidInput",
    "P2pdocsError",
    "Problem",
    "Written",
    "__version__",
    "generate",
    "load_deal",
    "validate_deal",
]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'p2pdocs' has no attribute {name!r}")
