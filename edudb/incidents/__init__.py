"""Incident reports to the Sở (R9.2; Điều 7.2)."""
