"""Helpers shared by tests: real servers, clients and stand-ins."""
