"""The agent console: server-rendered pages on the JSON API, with small JavaScript modules."""
