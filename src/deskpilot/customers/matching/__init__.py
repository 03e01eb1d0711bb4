"""Probabilistic identity resolution for batches (imports, evaluation): pure, no database.

See ``docs/identity-resolution.md``. ``resolve(records)`` is the entry point.
"""

from deskpilot.customers.matching.engine import (
    COLUMNS,
    FieldEvidence,
    PairEvidence,
    Resolution,
    Settings,
    resolve,
)

__all__ = ["COLUMNS", "FieldEvidence", "PairEvidence", "Resolution", "Settings", "resolve"]
