"""Realtime pub/sub of events to the clients of one workspace (agent console, widget).

Events are published after the transaction that caused them commits (``publish_on_commit``).
``InProcessBus`` serves one process; ``RedisBus`` makes every process see every event.
"""

from deskpilot.kit.bus.base import (
    Bus,
    BusEvent,
    Subscription,
    TransactionalListener,
    add_transactional_listener,
    publish_on_commit,
    remove_transactional_listener,
)
from deskpilot.kit.bus.memory import InProcessBus
from deskpilot.kit.bus.redis import RedisBus

__all__ = [
    "Bus",
    "BusEvent",
    "InProcessBus",
    "RedisBus",
    "Subscription",
    "TransactionalListener",
    "add_transactional_listener",
    "publish_on_commit",
    "remove_transactional_listener",
]
