"""SLA policies counted in business hours, and the clock on each ticket."""
