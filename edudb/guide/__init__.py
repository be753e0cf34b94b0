"""The in-system user guide and the support contacts (R9.1; Điều 2.2, 7.1)."""
