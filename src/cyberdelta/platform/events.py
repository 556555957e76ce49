"""Events: how a capability lets the ones above it react to what it did, without importing them
(docs/architecture.md, "Capabilities").

A capability declares its event types (plain frozen dataclasses); a capability above it subscribes
handlers in its manifest (:attr:`Capability.subscriptions`). The app collects every subscription
into one :class:`Events` on ``app.state.events``; a handler runs after the change it reacts to has
committed (e.g. a submission accepted → the benchmark recomputation is queued).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from cyberdelta.platform.settings import Settings

Handler = Callable[[Settings, Any], None]


class Events:
    """Every subscription of the app's capabilities, by event type."""

    def __init__(self, subscriptions: Iterable[Mapping[type, Sequence[Handler]]]) -> None:
        self._handlers: dict[type, list[Handler]] = {}
        for mapping in subscriptions:
            for event_type, handlers in mapping.items():
                self._handlers.setdefault(event_type, []).extend(handlers)

    def publish(self, settings: Settings, event: object) -> None:
        """Run every handler subscribed to ``event``'s type, in capability order."""
        for handler in self._handlers.get(type(event), ()):
            handler(settings, event)
