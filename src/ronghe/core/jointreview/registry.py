"""What a 联审 page may show beside each item, declared by the apps (core imports none of them).

A module that opens reviews of one `kind` says who each item is about (`register_subjects`: ratings maps
an entry to its branch and the campaign's year; selections a nominee to a member). A module holding facts
about such subjects adds notes for the users allowed to read them (`register_notes`: discipline shows a
纪检 reviewer the sanctions in force of each subject). Both are registered in `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from ronghe.core.types import Actor


@dataclass(frozen=True)
class Subject:
    """Who one item is about, and the period that matters (a campaign's year, a selection's period)."""

    start: date
    end: date
    organization_ids: tuple[int, ...] = ()
    member_ids: tuple[int, ...] = ()


# kind → (object_id, item keys) → {key: Subject}
SubjectsFn = Callable[[int, Sequence[str]], dict[str, Subject]]
# (user, organization path of the review, {key: Subject}) → {key: [note]}
NotesFn: TypeAlias = "Callable[[Actor | None, str, dict[str, Subject]], dict[str, list[str]]]"

_SUBJECTS: dict[str, SubjectsFn] = {}
_NOTES: list[NotesFn] = []


def register_subjects(kind: str, subjects: SubjectsFn) -> None:
    _SUBJECTS[kind] = subjects


def register_notes(notes: NotesFn) -> None:
    if notes not in _NOTES:
        _NOTES.append(notes)


def notes_for(
    user: Actor | None, *, kind: str, object_id: int, org_path: str, keys: Sequence[str]
) -> dict[str, list[str]]:
    """{item key: [note]} the user may read beside each item; empty without a subjects declaration."""
    subjects_fn = _SUBJECTS.get(kind)
    if subjects_fn is None or not _NOTES:
        return {}
    subjects = subjects_fn(object_id, keys)
    out: dict[str, list[str]] = {}
    for fn in _NOTES:
        for key, notes in fn(user, org_path, subjects).items():
            out.setdefault(key, []).extend(notes)
    return out
