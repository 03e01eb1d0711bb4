"""The one place errors become HTTP responses: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from deskpilot.kit.errors import DeskPilotError, FieldError, InvalidInput, field_errors
from deskpilot.kit.logging import request_id_var

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "too_many_requests",
}


def error_body(code: str, message: str, fields: list[FieldError] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "fields": [{"field": f.field, "reason": f.reason} for f in fields or []],
            "request_id": request_id_var.get(),
        }
    }


async def _deskpilot_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DeskPilotError)
    return JSONResponse(
        error_body(exc.code, exc.message, exc.fields), exc.status_code, headers=exc.headers or None
    )


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    invalid = InvalidInput.of(field_errors(exc.errors()))
    return JSONResponse(error_body(invalid.code, invalid.message, invalid.fields), 422)


def allowed_methods(request: Request) -> str:
    """Every method some route answers at the request's path, for a 405's ``Allow`` header.

    Starlette fills ``Allow`` from the first route whose path matches, so a path served by two
    routes (``GET`` and ``POST /api/v1/kb/articles``) announced only one of them."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches(request.scope)
            if match != Match.NONE:
                methods |= route.methods
    return ", ".join(sorted(methods))


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
    return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=headers)


async def _unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=exc)
    return JSONResponse(error_body("internal_error", "internal error"), 500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DeskPilotError, _deskpilot_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, _unexpected_error)
