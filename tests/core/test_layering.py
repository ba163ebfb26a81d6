"""core is the ground floor: no module under src/ronghe/core imports a domain app.

Every import statement counts, at module level or inside a function, relative or absolute, and so
does a literal module name given to `import_module` / `import_string` / `__import__`. core may
import itself, the settings and the env helpers; whatever it needs from an app above it comes
through a setting (`RONGHE_PERMISSION_POLICY`, like `AUTH_USER_MODEL`) or a declaration the app
makes in its `ready()` (`readcache.invalidate_on`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
CORE = SRC / "ronghe" / "core"
ALLOWED = ("ronghe.core", "ronghe.settings", "ronghe.envconf")
DYNAMIC = {"import_module", "import_string", "__import__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in `source`, the source of `module`."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from ronghe import orgs` imports ronghe.orgs
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in DYNAMIC and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, first.value))
    return found


def is_allowed(name: str) -> bool:
    if name != "ronghe" and not name.startswith("ronghe."):
        return True  # the standard library, Django and other third-party packages
    return any(name == a or name.startswith(a + ".") for a in ALLOWED)


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    return [
        f"{module}:{line} imports {name}"
        for line, name in imported_modules(source, module, is_package)
        if not is_allowed(name)
    ]


def test_no_core_module_imports_a_domain_app():
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 20  # the walk found core
    found = [
        v
        for path in files
        for v in violations(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        pytest.param(
            "from ronghe.orgs.models import Organization", "ronghe.core.scope", 1, id="absolute_case"
        ),
        pytest.param(
            "def f():\n    from ronghe.members import models", "ronghe.core.x", 1, id="in_function_case"
        ),
        pytest.param("import ronghe.points.services", "ronghe.core.x", 1, id="plain_import_case"),
        pytest.param("from ronghe import accounts", "ronghe.core.x", 1, id="from_package_case"),
        pytest.param("from ...orglife import queries", "ronghe.core.views.audit", 1, id="relative_up_case"),
        pytest.param("import_module('ronghe.demo.story')", "ronghe.core.x", 1, id="dynamic_case"),
        pytest.param("from . import audit", "ronghe.core.views.audit", 0, id="relative_core_case"),
        pytest.param("from ronghe.core.scope import scoped", "ronghe.core.x", 0, id="core_case"),
        pytest.param("from ronghe.envconf import env_int", "ronghe.core.x", 0, id="envconf_case"),
        pytest.param("from django.db import models", "ronghe.core.x", 0, id="third_party_case"),
    ],
)
def test_the_walk_sees_every_form_of_import(source, module, expected):
    assert len(violations(source, module)) == expected
