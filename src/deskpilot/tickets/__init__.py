"""Tickets: the work people do until a customer's request is resolved (routing, SLAs,
automation rules, satisfaction, tracking)."""
