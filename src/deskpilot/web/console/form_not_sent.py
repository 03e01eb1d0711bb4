"""A page, not JSON, for a console form the browser sent itself.

Every console form is sent by its page's script. A form submitted before that script ran (a
slow network, a blocked script, a quick click) goes out as a plain ``POST`` of form fields to
the page's own address, which answers 405. The agent used to see the API's JSON error; a
browser's form post (it accepts HTML and sends form fields) now gets a short page in the
console's language that says nothing was saved and links back. Every other 405, and every
other error, stays the API's JSON (``kit.error_handlers``).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from deskpilot.kit.error_handlers import allowed_methods, http_error
from deskpilot.web.console.context import PREFERENCES_COOKIE, Preferences
from deskpilot.web.console.i18n import translator
from deskpilot.web.console.pages import templates

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def sent_by_browser_form(request: Request) -> bool:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return (
        request.method == "POST"
        and content_type in FORM_TYPES
        and "text/html" in request.headers.get("accept", "")
    )


async def http_error_or_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code != 405 or not sent_by_browser_form(request):
        return await http_error(request, exc)
    preferences = Preferences.parse(
        request.cookies.get(PREFERENCES_COOKIE), request.headers.get("accept-language")
    )
    return templates.TemplateResponse(
        request,
        "console/form_not_sent.html",
        {
            "t": translator(preferences.language),
            "language": preferences.language,
            "back": request.url.path,
        },
        status_code=405,
        headers={"Allow": allowed_methods(request)},
    )


def install(app: FastAPI) -> None:
    """After ``install_error_handlers``: this handler wraps the one for HTTP errors."""
    app.add_exception_handler(StarletteHTTPException, http_error_or_page)
