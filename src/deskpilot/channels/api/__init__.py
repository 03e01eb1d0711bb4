"""The API channel: a business's own system posts messages in and receives replies by callback."""
