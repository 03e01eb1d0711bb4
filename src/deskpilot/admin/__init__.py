"""Operator views: the job queue."""
