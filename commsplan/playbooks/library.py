"""Every playbook in the folder: the valid ones to launch, the invalid ones with their problems.

The folder is read again whenever a file in it changes, so an edited playbook appears without a
restart; a file that fails its checks is set aside and never stops the others loading.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from commsplan.db import current_session
from commsplan.playbooks.loader import LoadResult, load_file
from commsplan.playbooks.model import Playbook, Problem
from commsplan.reference.models import Qualifier, ViolenceElement
from commsplan.reference.seed import QUALIFIERS_SEED, VIOLENCE_ELEMENTS

NOT_PLAYBOOKS = {"README.md", "FORMAT.md"}


@dataclass
class Library:
    playbooks: dict[str, Playbook] = field(default_factory=dict)
    invalid: list[LoadResult] = field(default_factory=list)

    def problems(self) -> list[Problem]:
        return [problem for result in self.invalid for problem in result.problems]

    def ordered(self) -> list[Playbook]:
        return sorted(self.playbooks.values(), key=lambda p: (p.category, p.title))


def playbook_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.name not in NOT_PLAYBOOKS)


def read_folder(folder: Path, *, elements: Collection[str], qualifiers: Collection[str]) -> Library:
    """Load every file. Ids are unique across the folder because each must match its file name."""
    library = Library()
    for path in playbook_files(folder):
        result = load_file(path, elements=elements, qualifiers=qualifiers)
        if result.playbook is not None:
            library.playbooks[result.playbook.id] = result.playbook
        else:
            library.invalid.append(result)
    return library


def known_codes(session: Session) -> tuple[set[str], set[str]]:
    """Element and qualifier codes: the seed's, and any an admin has added since."""
    elements = {row["code"] for row in VIOLENCE_ELEMENTS}
    qualifiers = {row["code"] for row in QUALIFIERS_SEED}
    try:
        elements |= set(session.scalars(select(ViolenceElement.code)))
        qualifiers |= set(session.scalars(select(Qualifier.code)))
    except SQLAlchemyError:  # no tables yet (a check before the first upgrade): the seed will do
        session.rollback()
    return elements, qualifiers


@lru_cache(maxsize=8)
def read_unchanged_folder(path: Path, stamp: tuple[tuple[str, int, int], ...], elements: frozenset[str],
                          qualifiers: frozenset[str]) -> Library:
    """The folder as read by any app in this process with the same files and codes.

    Playbooks are immutable once read, so apps share them (workers build one app each, but tests
    and CLI commands build many)."""
    return read_folder(path, elements=elements, qualifiers=qualifiers)


def folder() -> Path:
    return Path(current_app.config["PLAYBOOKS_DIR"])


def library() -> Library:
    """The app's library, read again only when a file in the folder has changed."""
    path = folder()
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in playbook_files(path))
    cached = current_app.extensions.get("playbooks")
    if cached is None or cached[0] != stamp:
        elements, qualifiers = known_codes(current_session())
        cached = (stamp, read_unchanged_folder(path, stamp, frozenset(elements), frozenset(qualifiers)))
        current_app.extensions["playbooks"] = cached
    return cached[1]
