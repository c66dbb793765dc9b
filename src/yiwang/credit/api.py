"""/api/v1 operations of credit."""

from ninja import Router

router = Router(tags=["信用"])
