"""The WebSocket that streams a workspace's realtime events to its agents."""
