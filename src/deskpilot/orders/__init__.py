"""Orders: first-class records of the customer's purchases, read by agents, the AI and the 360."""
