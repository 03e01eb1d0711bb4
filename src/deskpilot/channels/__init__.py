"""Channels: the typed adapter protocol, the registry, channel instances, inbound and outbox."""
