"""Following a vocabulary's links ("implies", "includes") to everything they reach, shared by the drug,
medication and condition vocabularies."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def reach(start: Iterable[str], links: Callable[[str], Iterable[str]]) -> frozenset[str]:
    """`start` and every name reached from it through `links`, directly or through another."""
    found: set[str] = set()
    todo = list(start)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(links(name))
    return frozenset(found)
