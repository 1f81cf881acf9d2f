"""Bounds that come from Settings, filled into the wire types of one app.

A field annotated ``FromSettings(max_length="max_post_length")`` gets ``Meta(max_length=...)``
with that app's value; the bound type is a subclass of the same name (so the document's
component names stay put), and decoders and the document are built from it.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import Annotated, Any, TypeVar, get_args, get_origin

import msgspec
from msgspec import Meta, Struct

from feedcore import Settings

from .wire import FromSettings

__all__ = ["bind"]

T = TypeVar("T")


def bind(tp: T, settings: Settings) -> T:
    """``tp`` (a Struct type, or a union of them) with every FromSettings bound set from ``settings``."""
    if get_origin(tp) in (typing.Union, types.UnionType):
        return typing.cast(T, functools.reduce(lambda a, b: a | b, (bind(arg, settings) for arg in get_args(tp))))
    if not (isinstance(tp, type) and issubclass(tp, Struct)):
        return tp
    wanted = _wanted(tp)
    if not wanted:
        return tp
    return typing.cast(T, _bound(tp, tuple((name, getattr(settings, name)) for name in sorted(wanted))))


def _wanted(tp: type[Struct]) -> set[str]:
    names: set[str] = set()
    for hint in typing.get_type_hints(tp, include_extras=True).values():
        for marker in _markers(hint):
            names |= {n for n in (marker.min_length, marker.max_length) if n is not None}
    return names


def _markers(hint: Any) -> list[FromSettings]:
    if get_origin(hint) is Annotated:
        return [m for m in hint.__metadata__ if isinstance(m, FromSettings)]
    return []


@functools.cache
def _bound(tp: type[Struct], values: tuple[tuple[str, Any], ...]) -> type[Struct]:
    """One bound type per (type, values): apps with the same settings share decoders' types."""
    value = dict(values)
    fields: list[tuple[str, Any]] = []
    for name, hint in typing.get_type_hints(tp, include_extras=True).items():
        markers = _markers(hint)
        if not markers:
            continue
        meta = {
            bound: value[setting]
            for marker in markers
            for bound in ("min_length", "max_length")
            if (setting := getattr(marker, bound)) is not None
        }
        fields.append((name, Annotated[hint, Meta(**meta)]))
    return msgspec.defstruct(tp.__name__, fields, bases=(tp,), module=tp.__module__)
