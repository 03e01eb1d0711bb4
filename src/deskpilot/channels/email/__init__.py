"""The email channel: SMTP listener, IMAP polling and a gateway webhook in; SMTP relay out."""
