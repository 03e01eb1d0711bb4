"""Domain-free building blocks: database, ids, clock, errors, crypto, jobs, bus, metrics, logging.

Nothing in here imports a DeskPilot domain; everything else may import from here.
"""
