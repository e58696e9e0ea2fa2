"""A real SMTP server (aiosmtpd) on 127.0.0.1 that misbehaves on request.

``rules`` map a recipient address to what the server does with a message for it:
``"accept"`` (the default), ``"451"`` (defer at the end of DATA), ``"550"`` (refuse at
RCPT), ``"554"`` (refuse at the end of DATA), ``"drop"`` (read the whole message,
then close the connection without a reply) or ``"hang"`` (read it, then never reply);
session faults: ``"421"`` (at RCPT: 421, then close the connection), ``"421-open"`` (at
RCPT: 421, but leave the connection open: the client must close it), ``"421-data"`` (read
the whole message, answer 421 and close), ``"530"`` (at RCPT: authentication required).
``mail_reply=(n, "550 ...")`` answers the n-th MAIL and every later one so (a 421 also
closes). ``auth_required``, ``require_starttls`` and ``smtputf8`` turn on aiosmtpd's own.
``pause_at=(POINT, n)`` stops the n-th (1-based) EHLO greeting, MAIL command, DATA
(the whole message read, no reply yet) or ACCEPTED message (recorded, but the 250
not yet sent) until ``release()``; ``paused`` is set when it is reached, so a test
can ``kill -9`` the client there. Only messages the server accepted are in
``received``.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    """One message the server accepted (answered 250)."""

    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message_id(self) -> str:
        """The message's Message-ID header."""
        return str(message_from_bytes(self.data).get("Message-ID", ""))

    @property
    def subject(self) -> str:
        """The message's Subject header."""
        return str(message_from_bytes(self.data).get("Subject", ""))


@dataclass
class Handler:
    """What the server does, and what it got."""

    rules: dict[str, str] = field(default_factory=dict)
    mail_reply: tuple[int, str] | None = None
    pause_at: tuple[str, int] | None = None
    hang_seconds: float = 30.0
    received: list[Received] = field(default_factory=list)
    ehlo_count: int = 0
    mail_count: int = 0
    data_count: int = 0
    paused: threading.Event = field(default_factory=threading.Event)
    _release: asyncio.Event | None = None

    async def _maybe_pause(self, command: str, count: int) -> None:
        if self.pause_at == (command, count):
            self._release = asyncio.Event()
            self.paused.set()
            await self._release.wait()

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.ehlo_count += 1
        await self._maybe_pause("EHLO", self.ehlo_count)
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.mail_count += 1
        await self._maybe_pause("MAIL", self.mail_count)
        if self.mail_reply is not None and self.mail_count >= self.mail_reply[0]:
            return _closing(server, self.mail_reply[1])
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        rule = self.rules.get(address)
        if rule == "550":
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if rule == "421":
            return _closing(server, "421 4.3.2 Service shutting down, closing channel")
        if rule == "421-open":
            return "421 4.7.0 Try again later"
        if rule == "530":
            return "530 5.7.0 Authentication required"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_count += 1
        await self._maybe_pause("DATA", self.data_count)
        rule = next((self.rules[r] for r in envelope.rcpt_tos if r in self.rules), "accept")
        if rule == "451":
            return "451 4.7.1 Greylisted, please try again later"
        if rule == "554":
            return "554 5.7.1 Message rejected as spam"
        if rule == "drop":
            server.transport.abort()
            return "421 closing"  # never reaches the client: the connection is gone
        if rule == "hang":
            await asyncio.sleep(self.hang_seconds)
            return "451 too late"
        if rule == "421-data":
            return _closing(server, "421 4.3.2 Service shutting down, closing channel")
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        # Accepted and queued, but the client has not heard so yet.
        await self._maybe_pause("ACCEPTED", len(self.received))
        return "250 2.0.0 Ok: queued"


def _closing(server: Any, reply: str) -> str:
    """``reply``, and the connection closed once it is sent (when it is a 421)."""
    if reply.startswith("421"):
        asyncio.get_running_loop().call_soon(server.transport.close)
    return reply


def self_signed(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 with a fresh self-signed certificate, and its file."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


# How long a client waits for this server, in seconds. PATIENT (the product's default
# [smtp] timeout) is met by a loaded 2-core CI machine; a test that needs a timeout to
# fire uses IMPATIENT with a server that hangs far longer (hang_seconds, 30 s by default;
# stop() cancels it), so the replies before the hang still come in time.
PATIENT = 30
IMPATIENT = 5


def free_port() -> int:
    """A port nobody listens on right now (aiosmtpd's Controller can't take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 in a thread: ``with SmtpServer() as s: s.port``."""

    def __init__(
        self,
        handler: Handler | None = None,
        *,
        password: str | None = None,
        user: str = "pat@example.com",
        starttls: ssl.SSLContext | None = None,
        implicit_tls: ssl.SSLContext | None = None,
        auth_required: bool = False,
        require_starttls: bool = False,
        smtputf8: bool = False,
    ) -> None:
        self.handler = handler or Handler()
        kwargs: dict[str, Any] = {}
        if password is not None:

            def authenticate(
                server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
            ) -> AuthResult:
                ok = (
                    isinstance(auth_data, LoginPassword)
                    and auth_data.login.decode() == user
                    and auth_data.password.decode() == password
                )
                return AuthResult(success=ok, handled=False)

            kwargs = {"authenticator": authenticate, "auth_require_tls": False}
        if starttls is not None:
            kwargs["tls_context"] = starttls
        kwargs.update(
            auth_required=auth_required, require_starttls=require_starttls, enable_SMTPUTF8=smtputf8
        )
        self.port = free_port()
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            ssl_context=implicit_tls,
            server_hostname="127.0.0.1",
            **kwargs,
        )

    @property
    def received(self) -> list[Received]:
        """Messages accepted so far."""
        return self.handler.received

    def release(self) -> None:
        """Let a paused message carry on."""
        release = self.handler._release
        if release is not None:
            self.controller.loop.call_soon_threadsafe(release.set)

    def start(self) -> SmtpServer:
        """Start listening."""
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stop listening; paused or hanging sessions are cancelled."""
        self.release()
        self.controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
