"""Feedback and complaints about data, and personal-data requests (R8.3–R8.4; Điều 10.3, 10.5)."""
