"""Oversight of adoption, the management report, account reviews and the organisational records (R9.3–R9.4; Điều 6.5, 8.2–8.3, 11, 12.1)."""
