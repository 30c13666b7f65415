"""What every request to ``kg serve`` passes first: the Host check, the size limits, the security headers.

``Guard`` is an ASGI middleware around the app (``kg.serve.app.create_app``). Before the app sees a
request it answers, with kg's JSON error shape:

* **421** ``misdirected-request`` when the ``Host`` header names a host the server does not answer
  to (``Limits.hosts``: by default the loopback names ``localhost``, ``127.0.0.1``, ``[::1]`` and
  the address bound). A web page whose domain an attacker points at 127.0.0.1 (DNS rebinding)
  sends its own domain as the Host, so it cannot read the endpoint's answers.
* **414** ``uri-too-long`` when the URL (path and query string) is longer than ``Limits.max_body``.
* **413** ``payload-too-large`` when the body is longer than ``Limits.max_body`` (by its
  ``Content-Length``, or counted as it arrives when it is chunked).

The query text itself is capped at ``Limits.max_query`` characters where the protocol reads it
(``kg.serve.protocol``): 414 in a URL, 413 in a body. Every answer carries
``X-Content-Type-Options: nosniff``; HTML answers carry a Content-Security-Policy that allows
nothing from other origins and nothing inline (``DEFAULT_POLICY``; the graph page: its inline
scripts by their hashes and inline styles, ``page_policy``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.exceptions import HTTPException

from kg.serve.caps import MAX_BODY, MAX_QUERY

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})  # binding these answers on every address: any Host
_POLICY = (
    "default-src 'self'; script-src 'self'{scripts}; style-src 'self'{styles}; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)
DEFAULT_POLICY = _POLICY.format(scripts="", styles="")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@dataclass(frozen=True)
class Limits:
    """The request limits: hosts answered to (None: any), body and URL bytes, query characters (None: no cap)."""

    hosts: frozenset[str] | None = LOCAL_HOSTS
    max_body: int | None = MAX_BODY
    max_query: int | None = MAX_QUERY


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> frozenset[str] | None:
    """The Host names a server bound to ``bound`` answers to: the loopback names, ``bound`` and ``extra``.

    None (any Host) when ``bound`` is every address (``0.0.0.0``, ``::``) or ``extra`` holds ``*``.
    """
    extra = [host_name(name) for name in extra]
    if bound in ANY_ADDRESS or "*" in extra:
        return None
    return LOCAL_HOSTS | {host_name(bound)} | set(extra)


def host_name(host: str) -> str:
    """The name in a Host header value: lowercase, without the port, brackets or a final dot."""
    host = host.strip().lower()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host[1:]
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def page_policy(html: str) -> str:
    """The Content-Security-Policy of a page with inline scripts and styles (kg's graph page): its own inline
    scripts (by SHA-256), inline styles (vis-network adds some as it draws), and nothing remote."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode("utf-8")).digest()).decode("ascii") + "'"
        for m in _INLINE_SCRIPT.finditer(html)
    ]
    return _POLICY.format(scripts="".join(f" {h}" for h in hashes), styles=" 'unsafe-inline'")


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class Guard:
    """The ASGI middleware: ``Guard(app, limits)``."""

    def __init__(self, app, limits: Limits) -> None:  # noqa: ANN001 - an ASGI app
        self.app = app
        self.limits = limits

    async def __call__(self, scope: dict, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await _send_error(send, *refusal)
            return
        await self.app(scope, self._counted(receive), _with_headers(send))

    def _refusal(self, scope: dict) -> tuple[int, str, str] | None:
        limits = self.limits
        if limits.hosts is not None:
            host = _header(scope, b"host")
            if host is not None and host_name(host) not in limits.hosts:
                names = ", ".join(sorted(limits.hosts))
                return 421, "misdirected-request", (
                    f"this server does not answer to the host {host!r} (it answers to {names}; "
                    "kg serve --allow-host NAME adds a name)"
                )  # fmt: skip
        if limits.max_body is None:
            return None
        url = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string") or b"")
        if url > limits.max_body:
            return 414, "uri-too-long", f"the URL is {url:,} bytes long; the limit is {limits.max_body:,}"
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > limits.max_body:
            return (
                413,
                "payload-too-large",
                f"the request body is {int(length):,} bytes; the limit is {limits.max_body:,}",
            )
        return None

    def _counted(self, receive):  # noqa: ANN001, ANN202
        """``receive``, raising 413 once the body passes the limit (a chunked body has no length up front)."""
        limit = self.limits.max_body
        if limit is None:
            return receive
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, f"the request body is longer than the limit of {limit:,} bytes")
            return message

        return counted


def _with_headers(send):  # noqa: ANN001, ANN202
    """``send``, adding ``nosniff`` to every answer and the default policy to HTML answers without one."""

    async def sending(message: dict) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {key.lower() for key, _ in headers}
            headers.append((b"x-content-type-options", b"nosniff"))
            kind = next((value for key, value in headers if key.lower() == b"content-type"), b"")
            if kind.startswith(b"text/html") and b"content-security-policy" not in names:
                headers.append((b"content-security-policy", DEFAULT_POLICY.encode("ascii")))
            message = {**message, "headers": headers}
        await send(message)

    return sending


def error_body(status: int, code: str, message: str) -> dict:
    """The one JSON shape of every error answer."""
    body: dict = {"error": code, "status": status, "message": message}
    where = re.search(r"line (\d+), column (\d+)", message)
    if code == "malformed-query" and where:
        body["line"], body["column"] = int(where.group(1)), int(where.group(2))
    return body


async def _send_error(send, status: int, code: str, message: str) -> None:  # noqa: ANN001
    body = json.dumps(error_body(status, code, message), separators=(",", ":")).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"x-content-type-options", b"nosniff"),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = ["DEFAULT_POLICY", "MAX_BODY", "MAX_QUERY", "Guard", "Limits", "allowed_hosts", "host_name", "page_policy"]
