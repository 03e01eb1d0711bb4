"""SMS through Twilio: signed form-encoded webhooks in, the Messages REST API out."""
