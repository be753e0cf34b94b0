"""Demo data (dữ liệu mẫu): today's Hải Phòng — or the regulation's 2022 shape — with named demo accounts.

``plan`` generates the city as plain data (deterministic, seeded), ``build`` writes it to the database in a few
bulk inserts, ``accounts`` defines the named demo accounts and prints their table. Used by ``manage.py seed_demo``
and ``manage.py demo_accounts``.
"""
