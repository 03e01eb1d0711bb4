"""Actions registered by name; a workspace turns each on or off by passing its enabled set."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from deskpilot.ai.actions.base import Action, slots_schema
from deskpilot.ai.actions.cancel_order import CancelOrder
from deskpilot.ai.actions.change_address import ChangeAddress
from deskpilot.ai.actions.order_status import OrderStatus
from deskpilot.ai.actions.return_order import ReturnOrder
from deskpilot.kit.errors import InvalidInput, NotFound


class ActionRegistry:
    """Actions by name, in registration order."""

    def __init__(self, actions: Iterable[Action] = ()) -> None:
        self._actions: dict[str, Action] = {}
        for action in actions:
            self.register(action)

    def register(self, action: Action) -> None:
        if action.name in self._actions:
            raise ValueError(f"an action named {action.name!r} is already registered")
        self._actions[action.name] = action

    def get(self, name: str) -> Action:
        action = self._actions.get(name)
        if action is None:
            raise NotFound.of("action", name)
        return action

    def names(self) -> list[str]:
        return list(self._actions)

    def enabled(self, names: Collection[str] | None = None) -> list[Action]:
        """The actions a workspace has on: all when ``names`` is None; unknown names are a 422."""
        if names is None:
            return list(self._actions.values())
        unknown = sorted(set(names) - set(self._actions))
        if unknown:
            raise InvalidInput.field("actions", f"unknown actions: {', '.join(unknown)}")
        return [a for a in self._actions.values() if a.name in names]

    def tools(self, names: Collection[str] | None = None) -> list[dict[str, Any]]:
        """The enabled actions as tool definitions (name, description, JSON schema of slots)."""
        return [slots_schema(a) for a in self.enabled(names)]


def default_registry() -> ActionRegistry:
    """The built-in order actions."""
    return ActionRegistry([OrderStatus(), CancelOrder(), ReturnOrder(), ChangeAddress()])
