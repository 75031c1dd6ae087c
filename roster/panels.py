"""Sections other apps add to a peer's own page, without the roster importing them."""

from collections.abc import Callable

_PANELS: list[Callable] = []


def register(panel: Callable) -> Callable:
    """`panel(peer)` returns (title, template name, context) or None."""
    _PANELS.append(panel)
    return panel


def for_peer(peer) -> list[tuple[str, str, dict]]:
    return [found for panel in _PANELS if (found := panel(peer))]
