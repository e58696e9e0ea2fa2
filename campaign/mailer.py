"""The SMTP transport: one connection per run, each reply classified for the ledger.

``Mailer`` is the small protocol the send run talks to. ``open_smtp`` connects and
logs in through yagmail (its TLS and login handling) and then speaks SMTP itself over
yagmail's smtplib connection, one MAIL/RCPT/DATA per message. We do not call
``yagmail.Client.send``: it opens a new connection and logs in again for every message,
builds its own MIME message (we need the letter's stable Message-ID), and on a dropped
connection it silently reconnects and transmits again up to three times, sleeping in
between, then returns False: a message the server may already have accepted would go
out twice. Here a drop after DATA began is reported as UNKNOWN and never retried.

A refusal of the session rather than of a recipient (a login required or refused, TLS
required, a 421 at any stage, the sender address refused at MAIL) stops the run
(``Delivery.stop``): the connection is closed and the letters stay waiting. Only a
recipient's refusal (RCPT or DATA 5xx) fails a letter. Addresses go on the wire as SMTP
needs them: an internationalised domain as its A-label (``xn--...``), a non-ASCII name
before the @ with SMTPUTF8 when the server offers it (else that letter is refused, saying
why); a non-ASCII password is sent as UTF-8 with AUTH PLAIN (RFC 4616).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import re
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy, default
from email.utils import getaddresses
from typing import Any, Protocol

from campaign import passwords
from campaign.config import Smtp
from campaign.errors import ConfigError, DeliveryError
from campaign.models import SendState
from campaign.people import ascii_domain, check_email

PASSWORD_VARIABLE = passwords.SMTP.variable


@dataclass(frozen=True)
class Delivery:
    """What became of one message: SENT, DEFERRED (4xx), FAILED (5xx) or UNKNOWN."""

    state: str
    detail: str = ""
    # False once the connection is gone: the run stops using this mailer.
    connected: bool = True
    # The server refused the session, not this letter: the run stops, and this letter
    # (state CLAIMED: nothing was taken) and the rest go back to waiting.
    stop: bool = False


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
    found = passwords.find_password(passwords.SMTP, smtp.user, smtp.host, env, prompt)
    if found is None:
        raise DeliveryError(passwords.SMTP.missing(smtp.user))
    return found


def check_password(password: str | None) -> None:
    """A password SMTP can carry (any text as UTF-8, no NUL), or DeliveryError saying why."""
    if password is None:
        return
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise DeliveryError(
            f"the SMTP password ({PASSWORD_VARIABLE} or the keyring) is not valid text; "
            "set it again"
        ) from None
    if "\0" in password:
        raise DeliveryError(f"the SMTP password ({PASSWORD_VARIABLE} or the keyring) holds a NUL")


def check_sender_address(email: str, where: str = "campaign.toml") -> str:
    """The ``[sender] email`` as MAIL FROM carries it (domain as A-label), or ConfigError.

    A non-ASCII name before the @ is refused: few servers take one as a sender.
    """
    local, _, domain = email.strip().rpartition("@")
    if not local.isascii():
        raise ConfigError(
            f"{where}: [sender] email {email!r} has non-ASCII letters before the @, which "
            "most mail servers refuse in a sender; use an ASCII address"
        )
    normalised, why = check_email(email)
    if not normalised:
        raise ConfigError(f"{where}: [sender] email {email!r} is not an email address: {why}")
    return f"{local}@{ascii_domain(domain) or domain}"


def open_smtp(smtp: Smtp, password: str | None) -> SmtpMailer:
    """Connect and log in now (before any message), or raise DeliveryError saying why."""
    import yagmail

    check_password(password)
    where = f"{smtp.host}:{smtp.port}"
    # smtplib encodes a login as ASCII: anything else we send ourselves, as UTF-8 PLAIN.
    by_hand = bool(smtp.user) and not (smtp.user + (password or "")).isascii()
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
        smtp_skip_login=not smtp.user or by_hand,
        soft_email_validation=False,
        **options,
    )
    client.set_logging(None)  # yagmail would log addresses; we report ourselves
    try:
        client.login()
        client.smtp.ehlo_or_helo_if_needed()  # yagmail greets only when it starts TLS
        if by_hand:
            _login_utf8(client.smtp, smtp.user, password or "", where)
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


def _login_utf8(connection: smtplib.SMTP, user: str, password: str, where: str) -> None:
    if not connection.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    if "PLAIN" not in connection.esmtp_features["auth"].upper().split():
        raise DeliveryError(
            f"{where}: the user or password has non-ASCII characters, which only AUTH PLAIN "
            "carries, and this server does not offer it"
        )
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = connection.docmd("AUTH", f"PLAIN {token}")
    if code == 334:  # no initial response taken: the server asks, we answer
        code, reply = connection.docmd(token)
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, reply)


# Replies about the session, not the letter, whatever the stage: a login required,
# too weak or refused, encryption required, the service closing.
SESSION_CODES = frozenset({421, 454, 530, 534, 535, 538})


class _Unsendable(Exception):
    """This message can't go on the wire as it is (said before anything is sent)."""


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
        try:
            sender, recipients, options, payload = self._prepare(message)
        except _Unsendable as exc:
            return Delivery(SendState.FAILED, str(exc))
        stage = "MAIL"
        try:
            code, reply = self._smtp.mail(sender, options)
            if code != 250:
                # The sender refused is the session's problem: every letter has this sender.
                return self._refused(code, reply, stage, session=code >= 500)
            stage = "RCPT"
            for recipient in recipients:
                code, reply = self._smtp.rcpt(recipient)
                if code not in (250, 251):
                    return self._refused(code, reply, stage)
            stage = "DATA"
            self._smtp.putcmd("data")
            code, reply = self._smtp.getreply()
            if code != 354:  # refused before a byte of the message went
                return self._refused(code, reply, stage)
            stage = "during DATA"
            self._smtp.send(_dot_stuffed(payload))
            code, reply = self._smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            # Disconnected, reset, timed out: after DATA began the server may have it all.
            return self._lost(stage, _describe(exc))
        if code == 250:
            return Delivery(SendState.SENT, _reply(code, reply))
        # A reply other than 250 after the message: it was not taken (a 421 neither).
        return self._refused(code, reply, "the end of DATA")

    def _prepare(self, message: EmailMessage) -> tuple[str, list[str], list[str], bytes]:
        """The envelope and the wire bytes, or _Unsendable before anything is sent."""
        sender = _addresses(message, "Sender") or _addresses(message, "From")
        recipients = [a for field in ("To", "Cc", "Bcc") for a in _addresses(message, field) if a]
        if not sender or not recipients:
            raise _Unsendable("the message has no sender or no recipient")
        envelope = [_on_the_wire(a) for a in (sender[0], *recipients)]
        utf8 = any(needs for _, needs in envelope)
        options: list[str] = []
        if utf8:
            if not self._smtp.has_extn("smtputf8"):
                names = ", ".join(a for a, needs in envelope if needs)
                raise _Unsendable(
                    f"{names} has non-ASCII letters before the @, and {self.where} does not "
                    "offer SMTPUTF8 to carry them; ask them for an ASCII address"
                )
            options = ["SMTPUTF8"] + (["BODY=8BITMIME"] if self._smtp.has_extn("8bitmime") else [])
        try:
            payload = _wire_bytes(_ascii_domains(message), utf8=utf8)
        except (ValueError, TypeError, LookupError) as exc:
            raise _Unsendable(f"the message can't be encoded for SMTP: {exc}") from None
        return envelope[0][0], [a for a, _ in envelope[1:]], options, payload

    def _refused(
        self, code: int, reply: bytes | str, stage: str, *, session: bool = False
    ) -> Delivery:
        words = _reply(code, reply)
        if session or code in SESSION_CODES:
            # Not this letter's fault: stop here, close, and leave every letter waiting.
            self.connected = False
            self._quit()
            advice = _session_advice(code, words)
            return Delivery(
                SendState.CLAIMED, f"{self.where}: {words} (at {stage}): {advice}", False, True
            )
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
        if stage != "during DATA":  # not a byte of the message was sent
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


def _session_advice(code: int, words: str) -> str:
    if code == 421:
        return "the server closed the session; try again later"
    if code in SESSION_CODES:
        if "tls" in words.lower() or code == 538:
            return "the server wants an encrypted connection; check [smtp] security and port"
        return "the server wants a login; check [smtp] user and the password"
    return "the server refused the sender; check [sender] email"


def _wire_bytes(message: EmailMessage, utf8: bool = False) -> bytes:
    # As smtplib.send_message does: Bcc never leaves the machine.
    if "Bcc" in message:
        message = copy.copy(message)  # __delitem__ rebuilds the header list: the original keeps it
        del message["Bcc"]
    return message_bytes(message, utf8)


def message_bytes(message: EmailMessage, utf8: bool = False) -> bytes:
    """The message as it goes on the wire (CRLF line ends; raw UTF-8 headers for SMTPUTF8)."""
    policy = message.policy if isinstance(message.policy, EmailPolicy) else default
    return message.as_bytes(policy=policy.clone(linesep="\r\n", utf8=utf8))


def _dot_stuffed(payload: bytes) -> bytes:
    # What smtplib's data() does: a line's leading dot doubled, the message ended by CRLF.CRLF.
    quoted = re.sub(rb"(?m)^\.", b"..", payload)
    if not quoted.endswith(b"\r\n"):
        quoted += b"\r\n"
    return quoted + b".\r\n"


def _on_the_wire(address: str) -> tuple[str, bool]:
    """``address`` as the envelope carries it, and whether that needs SMTPUTF8."""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        raise _Unsendable(f"{address!r} is not an email address")
    if any(c in address for c in "\r\n\0<>") or any(ord(c) < 32 for c in address):
        raise _Unsendable(f"{address!r} holds characters no address may hold")
    wire_domain = ascii_domain(domain)
    if wire_domain is None:
        raise _Unsendable(f"{address}: {domain!r} is not a valid internationalised domain name")
    return f"{local}@{wire_domain}", not local.isascii()


def _ascii_domains(message: EmailMessage) -> EmailMessage:
    """A copy whose address headers give every domain as its A-label (bücher.de -> xn--...)."""
    fields = [f for f in ("From", "Sender", "To", "Cc") if f in message]
    if all(str(message[f]).isascii() for f in fields):
        return message
    copied = copy.deepcopy(message)  # replace_header works in place: the original keeps its own
    for name in fields:
        people = getattr(message[name], "addresses", None)
        if people:
            copied.replace_header(  # where it stood: the headers keep their order
                name,
                tuple(
                    Address(p.display_name, p.username, ascii_domain(p.domain) or p.domain)
                    for p in people
                ),
            )
    return copied


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
