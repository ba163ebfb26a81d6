"""Sample path arguments for the route-enumeration tests.

Every URL pattern with path arguments needs an entry here, keyed by its URL name, returning
kwargs for an object inside subtree A of the standard cast. The tests fail for a route that
has none, so a new route cannot escape the scope tests. API paths are keyed by their OpenAPI
path template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

URL_SAMPLES: dict[str, Callable[[Any], dict[str, Any]]] = {}
API_SAMPLES: dict[str, Callable[[Any], dict[str, Any]]] = {}

# Views any logged-in user may open (their content is the user's own).
ANY_LOGIN = {
    "home:home",
    "accounts:password-change",
    "accounts:logout",
    "accounts:login",
    "accounts:otp-setup",
    "accounts:otp-verify",
    "healthz",
}
# API operations any authenticated client may call (their content is the caller's own).
API_ANY_LOGIN = {"/api/v1/me"}
# Routes whose answer for a plain member is their own data (allowed 200, but no A-data of others).
SELF_SERVICE: set[str] = set()
API_SELF_SERVICE: set[str] = set()


def url_sample(name: str) -> Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], dict[str, Any]]]:
    def register(func: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        URL_SAMPLES[name] = func
        return func

    return register


def api_sample(path: str) -> Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], dict[str, Any]]]:
    def register(func: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        API_SAMPLES[path] = func
        return func

    return register


def _load_app_samples() -> None:
    """Each app registers its samples in tests/<app>/samples.py."""
    import importlib
    import pkgutil
    from pathlib import Path

    root = Path(__file__).parent
    for info in pkgutil.iter_modules([str(root)]):
        if info.ispkg and (root / info.name / "samples.py").exists():
            importlib.import_module(f"tests.{info.name}.samples")


_load_app_samples()
