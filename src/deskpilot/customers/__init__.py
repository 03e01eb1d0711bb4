"""Customer 360: one profile per person across channels, found by normalised identifiers."""
