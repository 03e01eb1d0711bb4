"""What the public tracking and survey routes share: the signing key, the page language, the
per-address rate limit, and the one "not found" answer.

Every public request counts against its client address (``PUBLIC_PER_WINDOW`` requests per
``PUBLIC_WINDOW_SECONDS`` in each process), so tokens cannot be guessed by trying.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from deskpilot.config import Settings
from deskpilot.kit import languages
from deskpilot.kit.deps import get_resources
from deskpilot.kit.errors import TooManyRequests
from deskpilot.kit.ratelimit import RateLimiter
from deskpilot.tickets.tracking import texts
from deskpilot.tickets.tracking.tokens import signing_key

PUBLIC_PER_WINDOW = 120
PUBLIC_WINDOW_SECONDS = 600

# The same bytes for an unknown workspace or reference and for a missing or wrong token.
NOT_FOUND_BODY = b'{"error":{"code":"not_found","message":"not found"}}'


def not_found_json() -> Response:
    return Response(content=NOT_FOUND_BODY, status_code=404, media_type="application/json")


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def key_of(request: Request) -> bytes:
    """The app's tracking key, derived once."""
    key: bytes | None = getattr(request.app.state, "tracking_key", None)
    if key is None:
        key = signing_key(get_resources(request).secret_box)
        request.app.state.tracking_key = key
    return key


def origin_of(request: Request) -> str:
    return get_resources(request).public_url


def preferred_language(request: Request, lang: str | None) -> str | None:
    """``?lang=``, then ``Accept-Language``: the first the tracking texts have, or None."""
    return texts.supported(lang) or languages.from_accept_language(
        request.headers.get("accept-language"), texts.LANGUAGES
    )


def language_of(request: Request, lang: str | None, *fallbacks: str | None) -> str:
    """The preferred language, then the fallbacks (the ticket's language), then English."""
    return texts.choose(preferred_language(request, lang), *fallbacks)


async def check_rate(request: Request) -> None:
    """Count this request against its address; 429 once the window is full."""
    limiter: RateLimiter | None = getattr(request.app.state, "tracking_limiter", None)
    if limiter is None:
        limiter = RateLimiter(PUBLIC_PER_WINDOW, PUBLIC_WINDOW_SECONDS)
        request.app.state.tracking_limiter = limiter
    address = request.client.host if request.client else "unknown"
    if not await limiter.allowed("ticket_tracking", address):
        raise TooManyRequests(
            "too many requests; try again later",
            await limiter.retry_after("ticket_tracking", address),
        )
    await limiter.hit("ticket_tracking", address)
