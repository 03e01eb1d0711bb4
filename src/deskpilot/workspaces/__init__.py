"""Workspaces (tenants): their settings and their encrypted secrets."""
