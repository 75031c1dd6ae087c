"""Writes for the roster: the directory, the team's lifecycle, training and on-call."""
