"""Typed actions on the verified customer's own orders, with policy checks (docs/ai-actions.md)."""
