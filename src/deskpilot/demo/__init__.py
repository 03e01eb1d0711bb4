"""The demo workspace that `deskpilot demo` loads (later features add their data here)."""
