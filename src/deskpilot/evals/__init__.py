"""Evaluation of DeskPilot against data sets (`deskpilot eval`): prints figures, not pass/fail."""
