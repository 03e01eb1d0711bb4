"""The web chat widget channel: ``/widget.js`` on the business's site, live over a WebSocket."""
