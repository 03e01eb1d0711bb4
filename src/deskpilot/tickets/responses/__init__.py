"""Canned responses, and the templates (with the customer's 360 variables) replies use."""
