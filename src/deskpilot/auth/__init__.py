"""Users, roles, API keys, web sessions and the authenticators endpoints depend on."""
