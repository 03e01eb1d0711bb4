"""The in-process bus: subscribers of this process only."""

from __future__ import annotations

from collections import defaultdict

from deskpilot.kit.bus.base import BusEvent, Subscription


class Fanout:
    """Local subscriptions by workspace; shared by both buses."""

    def __init__(self) -> None:
        self._subscriptions: defaultdict[str, set[Subscription]] = defaultdict(set)

    def add(self, workspace_id: str) -> Subscription:
        subscription = Subscription(workspace_id)
        self._subscriptions[workspace_id].add(subscription)
        return subscription

    def remove(self, subscription: Subscription) -> None:
        subscribers = self._subscriptions.get(subscription.workspace_id)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscriptions[subscription.workspace_id]

    def deliver(self, event: BusEvent) -> None:
        for subscription in list(self._subscriptions.get(event.workspace_id, ())):
            subscription.deliver(event)


class InProcessBus:
    def __init__(self) -> None:
        self._fanout = Fanout()

    async def start(self) -> None:
        return None

    async def publish(self, event: BusEvent) -> None:
        self._fanout.deliver(event)

    def subscribe(self, workspace_id: str) -> Subscription:
        return self._fanout.add(workspace_id)

    def unsubscribe(self, subscription: Subscription) -> None:
        self._fanout.remove(subscription)

    async def close(self) -> None:
        return None
