"""The SMTP transport: one connection per run, each reply classified for the ledger.

``Mailer`` is the small protocol the send run talks to. ``open_smtp`` connects and
logs in through yagmail (its TLS and login handling) and then speaks SMTP itself over
yagmail's smtplib connection, one MAIL/RCPT/DATA per message. We do not call
``yagmail.Client.send``: it opens a new connection and logs in again for every message,
builds its own MIME message (we need the letter's stable Message-ID), and on a dropped
connection it silently reconnects and transmits again up to three times, sleeping in
between, then returns False: a message the server may already have accepted would go
out twice. Here a drop after DATA began is reported as UNKNOWN and never retried.
"""

from __future__ import annotations

import contextlib
import copy
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any, Protocol

from campaign.config import Smtp
from campaign.errors import DeliveryError
from campaign.models import SendState

KEYRING_SERVICE = "campaign"
PASSWORD_VARIABLE = "CAMPAIGN_SMTP_PASSWORD"


@dataclass(frozen=True)
class Delivery:
    """What became of one message: SENT, DEFERRED (4xx), FAILED (5xx) or UNKNOWN."""

    state: str
    detail: str = ""
    # False once the connection is gone: the run stops using this mailer.
    connected: bool = True


class Mailer(Protocol):
    """Something that delivers prepared messages over one open connection."""

    def send(self, message: EmailMessage) -> Delivery:
        """Hand one message to the server and say what became of it."""
        ...

    def close(self) -> None:
        """Say goodbye to the server (never raises)."""
        ...


class RecordingMailer:
    """A mailer that delivers nothing and keeps every message (previews, rehearsals, tests).

    ``replies`` decides each message's fate (SENT by default), so a caller can rehearse
    what a server would say without one.
    """

    def __init__(self, replies: Callable[[EmailMessage], Delivery] | None = None) -> None:
        self.messages: list[EmailMessage] = []
        self.closed = False
        self._replies = replies

    def send(self, message: EmailMessage) -> Delivery:
        """Keep ``message``; its fate is ``replies``' answer, else accepted."""
        self.messages.append(message)
        if self._replies is not None:
            return self._replies(message)
        return Delivery(SendState.SENT, "250 recorded, not sent")

    def close(self) -> None:
        """Nothing to say goodbye to."""
        self.closed = True


def smtp_password(
    smtp: Smtp,
    env: Mapping[str, str],
    prompt: Callable[[str], str] | None = None,
) -> str | None:
    """The password: CAMPAIGN_SMTP_PASSWORD, else the keyring, else ``prompt`` (a terminal).

    None when ``[smtp] user`` is empty (no login). Never read from a file.
    """
    if not smtp.user:
        return None
    if env.get(PASSWORD_VARIABLE):
        return env[PASSWORD_VARIABLE]
    stored = _keyring_password(smtp.user)
    if stored:
        return stored
    if prompt is not None:
        return prompt(f"SMTP password for {smtp.user} at {smtp.host}")
    raise DeliveryError(
        f"no SMTP password for {smtp.user}: set {PASSWORD_VARIABLE}, or store it with "
        f"`keyring set {KEYRING_SERVICE} {smtp.user}`"
    )


def _keyring_password(user: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception:
        return None


def open_smtp(smtp: Smtp, password: str | None) -> SmtpMailer:
    """Connect and log in now (before any message), or raise DeliveryError saying why."""
    import yagmail

    where = f"{smtp.host}:{smtp.port}"
    options: dict[str, Any] = {"timeout": smtp.timeout}
    if smtp.security == "ssl":
        options["context"] = ssl.create_default_context()
    starttls: bool | dict[str, Any] = (
        {"context": ssl.create_default_context()} if smtp.security == "starttls" else False
    )
    client = yagmail.Client(
        user=smtp.user or "campaign@localhost",
        password=password,
        host=smtp.host,
        port=smtp.port,
        smtp_ssl=smtp.security == "ssl",
        smtp_starttls=starttls,
        smtp_skip_login=not smtp.user,
        soft_email_validation=False,
        **options,
    )
    client.set_logging(None)  # yagmail would log addresses; we report ourselves
    try:
        client.login()
        client.smtp.ehlo_or_helo_if_needed()  # yagmail greets only when it starts TLS
    except smtplib.SMTPAuthenticationError as exc:
        _quietly_close(client)
        raise DeliveryError(
            f"{where}: login as {smtp.user} refused: {_reply(exc.smtp_code, exc.smtp_error)}; "
            f"check the password ({PASSWORD_VARIABLE} or the keyring)"
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        _quietly_close(client)
        raise DeliveryError(f"{where}: {exc} (check [smtp] security and user)") from None
    except smtplib.SMTPResponseException as exc:
        _quietly_close(client)
        raise DeliveryError(f"{where}: {_reply(exc.smtp_code, exc.smtp_error)}") from None
    except ssl.SSLError as exc:
        _quietly_close(client)
        raise DeliveryError(
            f"{where}: TLS failed: {exc.reason or exc} (check [smtp] security and port)"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        _quietly_close(client)
        raise DeliveryError(f"{where}: can't connect: {_describe(exc)}") from None
    return SmtpMailer(client.smtp, client, where)


class SmtpMailer:
    """The real mailer over one logged-in connection (made by ``open_smtp``)."""

    def __init__(self, connection: smtplib.SMTP, owner: Any, where: str) -> None:
        self._smtp = connection
        self._owner = owner  # the yagmail client, kept so it closes with us
        self.where = where
        self.connected = True

    def send(self, message: EmailMessage) -> Delivery:
        """MAIL, RCPT, DATA for one message; a 250 after DATA is the only SENT."""
        if not self.connected:
            return Delivery(SendState.DEFERRED, "not attempted: the connection was lost", False)
        sender = _addresses(message, "Sender") or _addresses(message, "From")
        recipients = [a for field in ("To", "Cc", "Bcc") for a in _addresses(message, field) if a]
        if not sender or not recipients:
            return Delivery(SendState.FAILED, "the message has no sender or no recipient")
        payload = _wire_bytes(message)
        stage = "before DATA"
        try:
            code, reply = self._smtp.mail(sender[0])
            if code != 250:
                return self._refused(code, reply)
            for recipient in recipients:
                code, reply = self._smtp.rcpt(recipient)
                if code not in (250, 251):
                    return self._refused(code, reply)
            stage = "during DATA"
            code, reply = self._smtp.data(payload)
        except smtplib.SMTPDataError as exc:
            # The server refused DATA itself (no 354): nothing was transmitted.
            return self._refused(exc.smtp_code, exc.smtp_error)
        except (OSError, smtplib.SMTPException) as exc:
            # Disconnected, reset, timed out: after DATA began the server may have it all.
            return self._lost(stage, _describe(exc))
        if code == 250:
            return Delivery(SendState.SENT, _reply(code, reply))
        return self._refused(code, reply)

    def _refused(self, code: int, reply: bytes | str) -> Delivery:
        words = _reply(code, reply)
        try:
            self._smtp.rset()  # clear the half-made transaction before the next message
        except (OSError, smtplib.SMTPException):
            self.connected = False
        if 400 <= code < 500:
            return Delivery(SendState.DEFERRED, words, self.connected)
        return Delivery(SendState.FAILED, words, self.connected)

    def _lost(self, stage: str, reason: str) -> Delivery:
        self.connected = False
        self._quit()
        if stage == "before DATA":
            return Delivery(
                SendState.DEFERRED, f"connection lost before the message was sent: {reason}", False
            )
        return Delivery(
            SendState.UNKNOWN,
            f"connection lost while the message was being transmitted: {reason}",
            False,
        )

    def close(self) -> None:
        """QUIT if still connected; never raises."""
        if self.connected:
            self.connected = False
            self._quit()
        self._owner.is_closed = True

    def _quit(self) -> None:
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            with contextlib.suppress(OSError):
                self._smtp.close()


def _wire_bytes(message: EmailMessage) -> bytes:
    # As smtplib.send_message does: Bcc never leaves the machine.
    if "Bcc" in message:
        message = copy.copy(message)  # __delitem__ rebuilds the header list: the original keeps it
        del message["Bcc"]
    return message_bytes(message)


def message_bytes(message: EmailMessage) -> bytes:
    """The message as it goes on the wire (CRLF line ends)."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def _addresses(message: EmailMessage, field: str) -> list[str]:
    return [addr for _, addr in getaddresses(message.get_all(field, [])) if addr]


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}".strip()


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, TimeoutError) or text.endswith("timed out"):
        return "timed out (no reply within [smtp] timeout)"
    return text


def _quietly_close(client: Any) -> None:
    with contextlib.suppress(Exception):
        client.close()
    client.is_closed = True
