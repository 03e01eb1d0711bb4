"""Understanding one message: language, PII, intent, sentiment, urgency."""
