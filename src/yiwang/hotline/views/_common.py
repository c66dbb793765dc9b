"""What the hotline's staff pages share: the operator's check, a refusal's errors by field, a typed date."""

import datetime as dt

from django.http import Http404

from yiwang.core.errors import DomainError
from yiwang.core.permissions import can_do


def _require_operator(user) -> None:
    if not can_do(user, "hotline_operate"):
        raise Http404


def _errors(error: DomainError) -> dict[str, list[str]]:
    return error.fields or {"__all__": [error.message]}


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None
