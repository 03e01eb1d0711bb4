"""Analytics: volumes, automation rate, tickets and SLAs, sentiment over time (read-only)."""
