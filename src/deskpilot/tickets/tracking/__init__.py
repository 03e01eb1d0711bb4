"""Customer-visible tracking of tickets: signed links, the public view, the customer's actions."""
