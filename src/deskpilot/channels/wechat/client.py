"""The WeChat Official Account API calls DeskPilot makes: access tokens, media, custom messages.

Every call answers ``{"errcode": ..., "errmsg": ...}`` on failure (with HTTP 200). The access
token is cached in memory per channel until shortly before it expires, and fetched again when
the platform says it is invalid or expired (errcode 40001, 40014, 42001).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import mimetypes
import time
from dataclasses import dataclass

import httpx

from deskpilot.channels.base import DeliveryError

# The platform rejected the token: fetch a new one and try once more.
TOKEN_REJECTED = frozenset({40001, 40014, 42001})
# Errors that another attempt cannot fix (the others, and -1 "system busy", are retried).
PERMANENT_ERRORS: dict[int, str] = {
    40003: "the openid is not a follower of this account",
    40013: "the app_id is invalid",
    40125: "the app_secret is invalid",
    40164: "this server's IP address is not on the account's IP whitelist",
    43004: "the customer has unsubscribed",
    45015: (
        "the 48-hour customer-service window has passed: "
        "the customer must write to the account again first"
    ),
    45047: "too many messages since the customer last wrote (the limit is 20)",
    48001: "the account is not authorised to use this API",
}
# Renew a token this long before the platform says it expires.
EXPIRY_MARGIN_SECONDS = 300.0


class WeChatApiError(Exception):
    """The platform answered ``errcode != 0`` (or could not be reached: ``errcode`` None)."""

    def __init__(self, errcode: int | None, errmsg: str) -> None:
        super().__init__(f"errcode {errcode}: {errmsg}" if errcode is not None else errmsg)
        self.errcode = errcode
        self.errmsg = errmsg

    def delivery_error(self, what: str) -> DeliveryError:
        if self.errcode is None:
            return DeliveryError(f"{what}: {self.errmsg}")
        explained = PERMANENT_ERRORS.get(self.errcode)
        reason = f"{what}: errcode {self.errcode} {self.errmsg}"
        if explained:
            reason += f" ({explained})"
        return DeliveryError(reason, permanent=explained is not None)


@dataclass(frozen=True, slots=True)
class Credentials:
    channel_id: str
    api_base: str  # without a trailing slash
    app_id: str
    app_secret: str

    @property
    def cache_key(self) -> str:
        """Changing the app id, secret or base URL starts a new cache entry."""
        material = "\0".join((self.channel_id, self.api_base, self.app_id, self.app_secret))
        return hashlib.sha256(material.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    renew_at: float  # time.monotonic()


def _errcode(body: object) -> tuple[int, str] | None:
    if isinstance(body, dict) and body.get("errcode") not in (None, 0):
        code = body["errcode"]
        return (code if isinstance(code, int) else -1), str(body.get("errmsg", ""))
    return None


async def _json(response: httpx.Response) -> object:
    if response.status_code >= 500 or response.status_code == 429:
        raise WeChatApiError(None, f"the API answered HTTP {response.status_code}")
    if response.status_code >= 400:
        raise WeChatApiError(response.status_code, f"HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise WeChatApiError(None, "the API answered something that is not JSON") from None


class AccessTokens:
    """Access tokens by channel, in this process's memory (one fetch at a time per channel)."""

    def __init__(self) -> None:
        self._tokens: dict[str, _Token] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, http: httpx.AsyncClient, credentials: Credentials) -> str:
        key = credentials.cache_key
        cached = self._tokens.get(key)
        if cached is not None and time.monotonic() < cached.renew_at:
            return cached.value
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(key)
            if cached is not None and time.monotonic() < cached.renew_at:
                return cached.value  # fetched by another caller while this one waited
            token = await self._fetch(http, credentials)
            self._tokens[key] = token
            return token.value

    def forget(self, credentials: Credentials, value: str) -> None:
        """Drop a token the platform rejected (unless it was already replaced)."""
        cached = self._tokens.get(credentials.cache_key)
        if cached is not None and cached.value == value:
            del self._tokens[credentials.cache_key]

    async def _fetch(self, http: httpx.AsyncClient, credentials: Credentials) -> _Token:
        try:
            response = await http.get(
                f"{credentials.api_base}/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": credentials.app_id,
                    "secret": credentials.app_secret,
                },
            )
        except httpx.HTTPError as exc:
            raise WeChatApiError(None, f"unreachable: {type(exc).__name__}") from exc
        body = await _json(response)
        error = _errcode(body)
        if error is not None:
            raise WeChatApiError(*error)
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise WeChatApiError(None, "the token answer has no access_token")
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 7200.0
        margin = min(EXPIRY_MARGIN_SECONDS, lifetime / 2)
        return _Token(body["access_token"], time.monotonic() + lifetime - margin)


async def send_text(
    http: httpx.AsyncClient, tokens: AccessTokens, credentials: Credentials, openid: str, text: str
) -> str | None:
    """Send a customer-service text message; the platform's msgid if it gives one."""
    payload = {"touser": openid, "msgtype": "text", "text": {"content": text}}
    # Unescaped UTF-8: the platform counts the length of the content in bytes of UTF-8.
    content = json.dumps(payload, ensure_ascii=False).encode()
    for attempt in range(2):
        token = await tokens.get(http, credentials)
        try:
            response = await http.post(
                f"{credentials.api_base}/cgi-bin/message/custom/send",
                params={"access_token": token},
                content=content,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        except httpx.HTTPError as exc:
            raise WeChatApiError(None, f"unreachable: {type(exc).__name__}") from exc
        body = await _json(response)
        error = _errcode(body)
        if error is None:
            msgid = body.get("msgid") if isinstance(body, dict) else None
            return str(msgid) if msgid is not None else None
        if error[0] in TOKEN_REJECTED and attempt == 0:
            tokens.forget(credentials, token)
            continue
        raise WeChatApiError(*error)
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Media:
    content_type: str
    data: bytes

    def filename(self, stem: str) -> str:
        extension = mimetypes.guess_extension(self.content_type) or ".bin"
        return f"{stem}{extension}"


class MediaTooLarge(Exception):
    pass


async def download(http: httpx.AsyncClient, url: str, limit: int) -> Media:
    """GET ``url``, refusing a body over ``limit`` bytes before it is all read."""
    try:
        async with http.stream("GET", url) as response:
            if response.status_code != 200:
                raise WeChatApiError(None, f"HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise MediaTooLarge(f"the media is over {limit} bytes")
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data.extend(chunk)
                if len(data) > limit:
                    raise MediaTooLarge(f"the media is over {limit} bytes")
            content_type = response.headers.get("content-type", "application/octet-stream")
    except httpx.HTTPError as exc:
        raise WeChatApiError(None, f"unreachable: {type(exc).__name__}") from exc
    return Media(content_type.split(";")[0].strip(), bytes(data))


async def download_media(
    http: httpx.AsyncClient,
    tokens: AccessTokens,
    credentials: Credentials,
    media_id: str,
    limit: int,
) -> Media:
    """A temporary media file by its MediaId (GET /cgi-bin/media/get); errors come as JSON."""
    for attempt in range(2):
        token = await tokens.get(http, credentials)
        url = httpx.URL(
            f"{credentials.api_base}/cgi-bin/media/get",
            params={"access_token": token, "media_id": media_id},
        )
        media = await download(http, str(url), limit)
        if media.content_type not in ("application/json", "text/plain"):
            return media
        try:
            error = _errcode(json.loads(media.data))
        except ValueError:
            return media  # a plain-text file, not an error
        if error is None:
            return media
        if error[0] in TOKEN_REJECTED and attempt == 0:
            tokens.forget(credentials, token)
            continue
        raise WeChatApiError(*error)
    raise AssertionError("unreachable")  # pragma: no cover
