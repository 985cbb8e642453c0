"""Life cycles: the one statement of which state may follow which, for any record that has one.

A ``Lifecycle`` is a table of named transitions (``retry: failed -> pending``). The domain asks it
whether a move is allowed (``check``); the adapters ask it for the ``WHERE status IN (...)`` of each
guarded UPDATE (``allowed_sources``, or a named transition's ``sources``), so the SQL can never allow
a move the domain does not. A new state or transition is one line in the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from billflow.domain.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Transition(Generic[S]):
    """One named move: from any of ``sources`` to ``target``."""

    name: str
    sources: frozenset[S]
    target: S

    def values(self) -> list[str]:
        """The sources as the store writes them (for ``status = ANY($n::text[])``)."""
        return sorted(s.value for s in self.sources)


class Lifecycle(Generic[S]):
    """The allowed transitions between the states ``S`` of one kind of record.

    Business rules:
    - A move is allowed exactly when some transition of the table leads from the current state to
      the target; everything else raises InvalidTransition (a Conflict).
    - Transition names are unique within a life cycle.
    """

    def __init__(self, what: str, transitions: Iterable[Transition[S]]) -> None:
        self._what = what
        self._by_name: dict[str, Transition[S]] = {}
        for t in transitions:
            if t.name in self._by_name:
                raise ValueError(f"the {what} life cycle names {t.name!r} twice")
            self._by_name[t.name] = t

    @property
    def transitions(self) -> tuple[Transition[S], ...]:
        return tuple(self._by_name.values())

    def transition(self, name: str) -> Transition[S]:
        """The named transition (KeyError when the table has none of that name)."""
        return self._by_name[name]

    def allowed_sources(self, target: S) -> frozenset[S]:
        """The states from which ``target`` may be reached (for guarded UPDATE ... WHERE status IN)."""
        return frozenset(s for t in self._by_name.values() if t.target == target for s in t.sources)

    def targets(self, current: S) -> frozenset[S]:
        """The states ``current`` may move to."""
        return frozenset(t.target for t in self._by_name.values() if current in t.sources)

    def allows(self, current: S, target: S) -> bool:
        return current in self.allowed_sources(target)

    def check(self, current: S, target: S) -> None:
        """Raise InvalidTransition unless the table allows ``current -> target``."""
        if not self.allows(current, target):
            raise InvalidTransition(f"{self._what} cannot move from {current} to {target}")


def move(name: str, sources: S | Iterable[S], target: S) -> Transition[S]:
    """A table row: ``move("retry", FAILED, PENDING)``."""
    group = frozenset([sources] if isinstance(sources, StrEnum) else sources)
    return Transition(name, group, target)
