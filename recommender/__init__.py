"""Pathways: which French guidance service fits this person, and why."""
