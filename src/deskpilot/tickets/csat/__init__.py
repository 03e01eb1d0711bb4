"""Satisfaction surveys: sent when a ticket is solved, answered once by the customer."""
