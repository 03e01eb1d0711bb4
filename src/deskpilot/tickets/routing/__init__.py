"""Teams, agent availability, and who gets a new ticket."""
