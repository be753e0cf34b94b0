"""Settings of benchmark runs: the project's own settings, the bench URLconf, and DEBUG off like production.

DEBUG off matters: with DEBUG on Django records every SQL query in memory and renders differently.
The database comes from ``DATABASE_URL``, which the harness points at its scratch database.
"""

from config.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
