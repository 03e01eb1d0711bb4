"""The AI engine: understanding, decisions, grounded replies, actions, providers."""
