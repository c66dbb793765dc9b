"""/api/v1 operations of supervision."""

from ninja import Router

router = Router(tags=["监管执法"])
