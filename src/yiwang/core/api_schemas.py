"""The one error shape of /api/v1, declared so that OpenAPI documents every answer an operation gives."""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class ErrorBody(Schema):
    code: str
    subcode: str | None = Field(
        None, description="同一类错误中的具体原因，如 credit_denies_tolerance、material_missing"
    )
    message: str
    fields: dict[str, list[str]] | None = None
    details: dict | None = None


class ErrorOut(Schema):
    error: ErrorBody


def answers(ok, *statuses: int) -> dict:
    """The response map of an operation: its success schema plus the error statuses it can answer.

    422 (bad input) is always possible, so it is always declared.
    """
    return {200: ok, 422: ErrorOut, **{status: ErrorOut for status in statuses}}


class BoundedPagination(LimitOffsetPagination):
    """Limit/offset with upper bounds: an offset past any real table is bad input (422), not a database error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10_000_000)


# Any text the API takes: NUL is refused (PostgreSQL cannot hold it), and the OpenAPI schema says so.
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]
