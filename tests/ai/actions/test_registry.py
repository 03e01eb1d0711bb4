"""The registry: lookup by name, a workspace's enabled set, and the actions as tools."""

from __future__ import annotations

import pytest

from deskpilot.ai.actions.base import Action, parse_slots
from deskpilot.ai.actions.cancel_order import CancelOrder
from deskpilot.ai.actions.registry import default_registry
from deskpilot.kit.errors import InvalidInput, NotFound


def test_the_built_in_actions_are_registered_by_name() -> None:
    registry = default_registry()
    assert registry.names() == ["order_status", "cancel_order", "return_order", "change_address"]
    assert isinstance(registry.get("cancel_order"), CancelOrder)
    assert all(isinstance(a, Action) for a in registry.enabled())
    with pytest.raises(NotFound):
        registry.get("refund_everything")
    with pytest.raises(ValueError, match="already registered"):
        registry.register(CancelOrder())


def test_confirmation_is_required_for_every_change() -> None:
    registry = default_registry()
    needs = {a.name: a.needs_confirmation for a in registry.enabled()}
    assert needs == {
        "order_status": False,
        "cancel_order": True,
        "return_order": True,
        "change_address": True,
    }


def test_a_workspace_turns_actions_on_and_off() -> None:
    registry = default_registry()
    assert [a.name for a in registry.enabled({"order_status"})] == ["order_status"]
    assert registry.enabled(set()) == []
    with pytest.raises(InvalidInput) as raised:
        registry.enabled({"order_status", "nope"})
    assert raised.value.fields[0].field == "actions"


def test_tools_carry_the_json_schema_of_their_slots() -> None:
    tools = {t["name"]: t for t in default_registry().tools({"cancel_order", "return_order"})}
    assert set(tools) == {"cancel_order", "return_order"}
    cancel = tools["cancel_order"]["parameters"]
    assert cancel["type"] == "object"
    assert cancel["properties"]["reason"]["enum"] == ["no longer needed", "ordered by mistake"]
    assert "order_id" in cancel["properties"]
    returns = tools["return_order"]["parameters"]["properties"]
    assert returns["item_ids"]["type"] == "array"
    assert tools["cancel_order"]["description"]


def test_bad_slot_values_are_a_422_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_slots(default_registry().get("return_order"), {"item_ids": "not a list"})
    assert raised.value.fields[0].field == "slots.item_ids"
