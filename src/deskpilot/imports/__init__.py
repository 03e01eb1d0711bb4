"""Imports of customers and orders from CRM exports (CSV, JSON, NDJSON), streamed and atomic."""
