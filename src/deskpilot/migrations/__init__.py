"""Alembic migrations, and the calls that apply and inspect them."""
