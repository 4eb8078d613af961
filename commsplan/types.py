"""Column types shared by every domain."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def enum_column(enum_class: type[StrEnum], length: int = 32) -> Enum:
    """A StrEnum stored by value in a plain string column, so new members need no migration."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )
