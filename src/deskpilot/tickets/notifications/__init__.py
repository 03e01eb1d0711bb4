"""What members are told: in the app (realtime), by email, and through webhooks."""
