"""The public feedback form: it files a ticket, the AI classifies it and answers at once when
the knowledge base can."""
