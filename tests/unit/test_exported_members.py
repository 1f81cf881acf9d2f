"""Each module's ``__all__`` lists exactly its public names (after httpx's tests/test_exported_members.py).

Checked: the core's public modules and the adapters' packages. A module's public names are
those its own top-level code binds (``def``, ``class``, assignments; in a package's
``__init__``, what it imports from its own modules) that do not start with an underscore, less
type variables and loggers. A module with public names must declare ``__all__``.
"""

from __future__ import annotations

import ast
import importlib
import logging
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import ParamSpec, TypeVar

import pytest

PACKAGES = ("feedcore_asgi", "feedcore_worker")
"""Adapters: their packages' namespaces are their public API."""
LAZY = {"feedcore_asgi": {"app"}}
"""Names a module's ``__getattr__`` makes on first access."""
INTERNAL = ("feedcore.backends.", "feedcore.oauth.", "feedcore.services.")
"""Core modules whose ``__all__`` is for the modules beside them, not the public API."""


def _modules() -> list[str]:
    """The core's modules (but the internal ones and private ``_modules``) and the adapters' packages."""
    core = importlib.import_module("feedcore").__path__
    names = ["feedcore", *PACKAGES]
    for module in pkgutil.walk_packages(core, "feedcore."):
        private = any(part.startswith("_") for part in module.name.split("."))
        if not private and not module.name.startswith(INTERNAL):
            names.append(module.name)
    return sorted(names)


def _bound_names(module: ModuleType) -> set[str]:
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names: set[str] = set()
    is_package = module.__file__.endswith("__init__.py")
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                elts = target.elts if isinstance(target, ast.Tuple) else [target]
                names.update(t.id for t in elts if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif is_package and isinstance(node, ast.ImportFrom) and node.level == 1:
            names.update(alias.asname or alias.name for alias in node.names)
    return {
        n
        for n in names
        if not n.startswith("_") and not isinstance(getattr(module, n, None), TypeVar | ParamSpec | logging.Logger)
    }


@pytest.mark.parametrize("name", _modules())
def test_all_lists_exactly_the_public_names(name: str) -> None:
    module = importlib.import_module(name)
    public = _bound_names(module)
    public |= LAZY.get(name, set())
    exported = getattr(module, "__all__", None)
    if exported is None:
        assert not public, f"{name} has public names {sorted(public)} but no __all__"
        return
    assert sorted(exported) == sorted(public)
    assert len(set(exported)) == len(exported)
