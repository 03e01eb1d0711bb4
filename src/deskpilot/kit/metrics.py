"""Prometheus metrics, defined once per process."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "deskpilot_http_requests_total",
    "HTTP requests by route template.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "deskpilot_http_request_duration_seconds",
    "HTTP latency by route template.",
    ["method", "route"],
)
JOB_RUNS = Counter(
    "deskpilot_job_runs_total",
    "Job runs by outcome: succeeded, retried (failed, will run again), failed (gave up).",
    ["name", "outcome"],
)
JOBS_BY_STATE = Gauge(
    "deskpilot_jobs", "Jobs in the table by state, read at scrape time.", ["state"]
)
