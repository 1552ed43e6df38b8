"""Every error the REST API answers, in one shape: ``{"error": {"code", "message", "details"}}``.

One table maps domain refusals to HTTP (`DOMAIN_ERRORS`); one maps statuses to the default
code (`STATUS_CODES`). FastAPI's own answers are reshaped here too: validation errors (422,
with where and what, never the rejected value, which may be a password), unknown routes
(404), wrong methods (405, with Allow). Anything unexpected is a 500 with a generic body:
the traceback goes to the server log, never to the client.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic.alias_generators import to_camel
from starlette.exceptions import HTTPException as StarletteHTTPException

from voltgate.domain.errors import (
    AlreadyExists,
    CommandFailed,
    CommandTimedOut,
    Conflict,
    DomainError,
    InUse,
    InvalidCommand,
    InvalidStationModel,
    InvalidTransition,
    InvalidValue,
    LoginThrottled,
    ModelArchived,
    NotFound,
    StaleVersion,
    StationOffline,
    UnknownEvse,
    UnknownStation,
    UnknownStationModel,
    UnknownToken,
)

STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_FAILED",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    502: "STATION_ERROR",
    504: "STATION_TIMEOUT",
}
"""The machine-readable code of each HTTP status we answer, unless a more precise one is
given (e.g. 409 ALREADY_EXISTS)."""

# Most specific first: the first matching class wins (CommandTimedOut is a CommandFailed).
DOMAIN_ERRORS: tuple[tuple[type[DomainError], int, str], ...] = (
    (UnknownStation, 404, "NOT_FOUND"),
    (UnknownToken, 404, "NOT_FOUND"),
    (UnknownEvse, 404, "NOT_FOUND"),
    (StaleVersion, 409, "CONFLICT"),
    (AlreadyExists, 409, "ALREADY_EXISTS"),
    (InUse, 409, "IN_USE"),
    (InvalidCommand, 422, "VALIDATION_FAILED"),
    (InvalidTransition, 409, "CONFLICT"),
    (StationOffline, 409, "STATION_OFFLINE"),
    (LoginThrottled, 429, "TOO_MANY_REQUESTS"),
    (CommandTimedOut, 504, "STATION_TIMEOUT"),
    (CommandFailed, 502, "STATION_ERROR"),
    (NotFound, 404, "NOT_FOUND"),
    (Conflict, 409, "CONFLICT"),
    (UnknownStationModel, 404, "NOT_FOUND"),
    (ModelArchived, 409, "ARCHIVED"),
    (InvalidStationModel, 422, "VALIDATION_FAILED"),
)
# InvalidValue is a 422 with details, like a request validation problem: `invalid_value`.


class ApiError(Exception):
    """An error answer raised by a route or dependency.

    Args:
        status: the HTTP status.
        message: for people; never contains a secret.
        code: for programs; defaults to the status's code in `STATUS_CODES`.
        details: structured context (e.g. which field), or None.
        headers: extra response headers (WWW-Authenticate, Retry-After).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or STATUS_CODES.get(status, "ERROR")
        self.details = details
        self.headers = headers


def not_found(kind: str, identity: object) -> ApiError:
    """404 for a record that does not exist."""
    return ApiError(404, f"no {kind} {identity!r}")


def invalid_value(error: InvalidValue, location: str | None = None) -> ApiError:
    """422 for a domain rule's refusal, in the shape of a request validation problem: where
    the value was (by default the field as the native API names it, ``body.network.gateway``;
    a reference endpoint passes its own spelling), never the rejected value."""
    if location is None:
        location = ".".join(["body", *(to_camel(part) for part in error.field.split("."))])
    details = [{"location": location, "message": error.reason, "type": "value_error"}]
    return ApiError(422, f"{location.removeprefix('body.')}: {error.reason}", details=details)


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The one error body."""
    body = {"error": {"code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status, headers=headers)


def install(api: FastAPI) -> None:
    """Answer every error of `api` in the one shape."""

    async def on_api_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ApiError)
        return error_response(error.status, error.code, error.message, error.details, error.headers)

    async def on_http_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        code = STATUS_CODES.get(error.status_code, "ERROR")
        message = error.detail if isinstance(error.detail, str) else code.lower()
        if error.status_code == 404:
            message = "no such resource"
        return error_response(error.status_code, code, message, None, error.headers)

    async def on_validation_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        details = [
            {
                "location": ".".join(str(part) for part in problem.get("loc", ())),
                "message": problem.get("msg", ""),
                "type": problem.get("type", ""),
            }
            for problem in error.errors()
        ]
        return error_response(422, "VALIDATION_FAILED", "the request is not valid", details)

    async def on_domain_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, DomainError)
        if isinstance(error, InvalidValue):
            answer = invalid_value(error)
            return error_response(answer.status, answer.code, answer.message, answer.details)
        for kind, status, code in DOMAIN_ERRORS:
            if isinstance(error, kind):
                headers = None
                if isinstance(error, LoginThrottled):
                    headers = {"Retry-After": str(max(1, math.ceil(error.retry_after_s)))}
                details = None
                if isinstance(error, InvalidStationModel):  # always about the request body
                    details = [{**d, "location": f"body.{d['location']}"} for d in error.details]
                return error_response(status, code, str(error), details, headers)
        return error_response(409, "CONFLICT", str(error))

    async def on_unexpected(_: Request, error: Exception) -> JSONResponse:
        # Starlette's ServerErrorMiddleware logs the traceback after this answer is sent.
        return error_response(500, "INTERNAL_ERROR", "internal server error")

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(StarletteHTTPException, on_http_error)
    api.add_exception_handler(RequestValidationError, on_validation_error)
    api.add_exception_handler(DomainError, on_domain_error)
    api.add_exception_handler(Exception, on_unexpected)
