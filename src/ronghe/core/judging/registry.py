"""What a module that opens panels tells judging: where a subject's own page is (for the judge)."""

from __future__ import annotations

from collections.abc import Callable

SUBJECT_URLS: dict[str, Callable[[str], str]] = {}


def register_kind(kind: str, *, subject_url: Callable[[str], str]) -> None:
    """`subject_url(key)` is the page a judge opens to read the subject's self-assessment and evidence."""
    SUBJECT_URLS[kind] = subject_url


def subject_url(kind: str, key: str) -> str:
    resolver = SUBJECT_URLS.get(kind)
    return resolver(key) if resolver else ""
