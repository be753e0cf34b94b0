"""API of the classes database."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Add this database's viewsets to the /api/v1/ router."""
