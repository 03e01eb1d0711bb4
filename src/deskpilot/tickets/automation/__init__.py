"""Automation rules: when something happens and the conditions hold, take the actions."""
