"""Server-rendered pages: sign-in and the start page (the agent console grows here)."""
