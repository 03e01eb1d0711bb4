"""DeskPilot: a self-hosted, AI-first customer service platform with a Customer 360 at its core."""

__version__ = "0.1.0"
