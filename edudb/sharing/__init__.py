"""Outside data requests and their releases (R8.2; Điều 3.2–3.3, 10.6)."""
