"""What the server holds every request to: the access token, the per-client rate, the body size, and the
response headers that keep note text inert in a browser."""

from __future__ import annotations

import hmac
import ipaddress
import json
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

from confqa.errors import ConfqaUsageError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A token shorter than this is refused at start-up: it would be guessed.
MIN_TOKEN_CHARS = 16

# The page runs only its own scripts and styles, talks only to its own origin, and may not be framed. Note text
# is inserted as text, and even markup that slipped through could not run.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI (at /docs) sets styles from its script; everything else as for the page.
DOCS_POLICY = PAGE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def check_exposure(host: str, token: str | None, token_env: str) -> None:
    """Refuse to listen beyond this machine without a token, or with a token that would be guessed."""
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise ConfqaUsageError(f"{token_env} is too short to protect the server: use at least {MIN_TOKEN_CHARS} "
                               f"random characters (python -c 'import secrets; print(secrets.token_urlsafe())')")
    if not is_loopback(host) and token is None:
        raise ConfqaUsageError(f"--host {host} makes the notes reachable from other machines: set an access token "
                               f"in {token_env} first (clients send it as 'Authorization: Bearer <token>'), or "
                               f"serve on 127.0.0.1")


def token_matches(given: str | None, token: str) -> bool:
    """Compared in constant time, so the time of a refusal says nothing about how much of the token was right."""
    return given is not None and hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


class RateLimiter:
    """A token bucket per client: `burst` requests at once, refilled at `per_minute`."""

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go ahead; otherwise the seconds until it would."""
        if self.rate <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > _MAX_CLIENTS:
                self._forget_full(now)
            return (1.0 - tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        """Drop clients whose bucket has refilled: remembering them changes nothing."""
        for client, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.burst:
                del self._buckets[client]


# Clients remembered before full buckets are forgotten (keeps memory bounded under many addresses).
_MAX_CLIENTS = 10_000


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


async def send_error(send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"error": message, "status": status}).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(HTTPException):
    """Raised while the application reads the body: an HTTPException, so that FastAPI's body parsing passes it on
    as a 413 instead of turning it into 'error parsing the body'."""

    def __init__(self, message: str) -> None:
        super().__init__(413, message)


class BodyLimit:
    """Answers 413 to a body larger than max_bytes, whether it says its length or streams in chunks, before the
    application reads it whole."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"the request body is larger than {self.max_bytes} bytes"
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await send_error(send, 400, "Content-Length is not a number")
                    return
                if declared > self.max_bytes:
                    await send_error(send, 413, message, [(b"connection", b"close")])
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(message)
            return incoming

        async def tracking_send(outgoing: Message) -> None:
            nonlocal started
            started = started or outgoing["type"] == "http.response.start"
            await send(outgoing)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await send_error(send, 413, message, [(b"connection", b"close")])


class SecurityHeaders:
    """Headers on every response: no MIME sniffing, no framing, no referrer, a Content-Security-Policy (a looser
    one for Swagger UI only), and no caching of API answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = DOCS_POLICY if path == "/docs" else PAGE_POLICY

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"]
                headers += [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                            (b"referrer-policy", b"no-referrer"), (b"content-security-policy", policy.encode()),
                            (b"cross-origin-opener-policy", b"same-origin")]
                if path.startswith("/api/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
