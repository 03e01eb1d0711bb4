"""Fetching a customer's media from a messaging platform while a webhook is being handled.

``parse_inbound`` gets no HTTP client (it runs inside the request), so adapters open a short-lived
one with ``media_client``. ``download`` streams and stops as soon as the file is over the
adapter's limit, so an oversize file is refused (413) without being read whole.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from deskpilot.kit.errors import DeskPilotError, PayloadTooLarge

MEDIA_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class MediaUnavailable(DeskPilotError):
    """The platform did not hand over a file it announced: 502, so that it delivers again."""

    status_code = 502
    code = "media_unavailable"


def media_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=MEDIA_TIMEOUT, follow_redirects=True)


async def download(
    http: httpx.AsyncClient,
    url: str,
    *,
    limit: int,
    what: str,
    headers: Mapping[str, str] | None = None,
    auth: httpx.BasicAuth | None = None,
) -> tuple[bytes, str | None]:
    """The body of ``url`` and its content type; PayloadTooLarge over ``limit`` bytes.

    A platform that does not answer, or answers with an error, is MediaUnavailable naming
    ``what``: the webhook fails, nothing is stored, and the platform delivers it again later.
    """
    try:
        async with http.stream("GET", url, headers=headers, auth=auth) as response:
            if response.status_code >= 300:
                raise MediaUnavailable(f"{what}: the platform answered {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise PayloadTooLarge(f"{what} is over {limit} bytes")
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data.extend(chunk)
                if len(data) > limit:
                    raise PayloadTooLarge(f"{what} is over {limit} bytes")
            content_type = response.headers.get("content-type")
    except httpx.HTTPError as exc:
        raise MediaUnavailable(
            f"{what}: the platform is unreachable ({type(exc).__name__})"
        ) from exc
    return bytes(data), content_type.split(";")[0].strip() if content_type else None
