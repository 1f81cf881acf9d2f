"""Routing generated from the route table: a dict for paths without parameters, one compiled
alternation for the others (each alternative a named group; ``lastgroup`` says which matched)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import attrs

from .endpoint import Endpoint
from .table import PATH_PARAMS

__all__ = ["Match", "Router"]

_PARAM = re.compile(r"\{(\w+)\}")


@attrs.frozen
class Match:
    """What a path names: the route template, the endpoint per method, the path parameters."""

    template: str
    methods: Mapping[str, Endpoint]
    params: Mapping[str, str]


@attrs.frozen
class _Pattern:
    template: str
    methods: dict[str, Endpoint]
    names: tuple[str, ...]
    first: int  # the group number of the first parameter


class Router:
    """Finds the endpoints of a path. A parameter matches one segment (``[^/]+``), or the rest
    of the path for a multi-segment one (``key``); paths without parameters win."""

    def __init__(self, endpoints: Sequence[Endpoint]) -> None:
        by_path: dict[str, dict[str, Endpoint]] = {}
        for endpoint in endpoints:
            methods = by_path.setdefault(endpoint.route.path, {})
            if endpoint.route.method in methods:
                raise ValueError(f"{endpoint.route.method} {endpoint.route.path} is declared twice")
            methods[endpoint.route.method] = endpoint
        self._exact = {path: Match(path, methods, {}) for path, methods in by_path.items() if "{" not in path}
        alternatives: list[str] = []
        self._patterns: dict[str, _Pattern] = {}
        group = 0
        for n, (path, methods) in enumerate((p, m) for p, m in by_path.items() if "{" in p):
            parts = _PARAM.split(path)  # literal, name, literal, name, ..., literal
            names = tuple(parts[1::2])
            regex = "".join(
                re.escape(part) if i % 2 == 0 else "(.+)" if PATH_PARAMS[part].multi_segment else "([^/]+)"
                for i, part in enumerate(parts)
            )
            alternatives.append(f"(?P<r{n}>{regex})")
            self._patterns[f"r{n}"] = _Pattern(path, methods, names, group + 2)
            group += 1 + len(names)
        self._regex = re.compile("|".join(alternatives)) if alternatives else None

    def match(self, path: str) -> Match | None:
        found = self._exact.get(path)
        if found is not None or self._regex is None:
            return found
        matched = self._regex.fullmatch(path)
        if matched is None or matched.lastgroup is None:
            return None
        pattern = self._patterns[matched.lastgroup]
        values = matched.groups()[pattern.first - 1 : pattern.first - 1 + len(pattern.names)]
        return Match(pattern.template, pattern.methods, dict(zip(pattern.names, values, strict=True)))
