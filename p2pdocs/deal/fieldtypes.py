"""What the terms model says is at a field path: the one walker over its annotations.

The validator (the fields allowed beside an unknown key), the interview (the type an
answer is checked against) and the sample deals (the fields with a closed set of values)
all ask it. A path is read as the deal file is: a field of a model by its name, an item
of a list by its index, a value of a mapping (parties by key) by any key.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel


def unwrap(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, ...]`` as ``X``; any other union as it is."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def model_class(annotation: Any) -> type[BaseModel] | None:
    """The model ``annotation`` stands for (optional or not), or None if it is no model."""
    inner = unwrap(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def annotation_at(model: type[BaseModel], path: Sequence[str | int]) -> Any:
    """The annotation of the value at ``path`` below ``model``, with the constraints of
    its field (``Annotated``) when the path ends at a field; None where the model has no
    such value."""
    current: Any = model
    last = len(path) - 1
    for i, part in enumerate(path):
        inner = unwrap(current)
        origin, args = typing.get_origin(inner), typing.get_args(inner)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            field = inner.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None
            current = field.annotation
            if i == last and field.metadata:
                current = Annotated[current, *field.metadata]
        elif origin is list and args and isinstance(part, int):
            current = args[0]
        elif origin is dict and len(args) == 2:
            current = args[1]
        else:
            return None
    return current


def model_at(model: type[BaseModel], path: Sequence[str | int]) -> type[BaseModel] | None:
    """The model of the value at ``path`` below ``model`` (a mapping of fields), or None."""
    return model_class(annotation_at(model, path)) if path else model
