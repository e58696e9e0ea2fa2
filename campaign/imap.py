"""IMAP: the mailbox read without changing it, and a copy of each sent email filed in Sent.

``Mailbox`` is the small protocol ``campaign inbox`` talks to (as the send run talks to a
``Mailer``); ``open_imap`` makes the real one with IMAPClient, which verifies the server's
certificate against the system's trust store (``SSL_CERT_FILE`` honoured), returns a
message's exact bytes by UID and the folder's UIDVALIDITY from the SELECT. Every network
wait is bounded by ``[imap] timeout``. Folders are opened read-only (EXAMINE) and fetched
with ``BODY.PEEK[]``: nothing is ever marked read, flagged, moved or deleted; the only
write is APPEND to ``[imap] sent_folder`` (``FilingMailer``), when one is named.
"""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

from campaign import passwords
from campaign.config import Imap
from campaign.errors import CampaignError, MailboxError
from campaign.mailer import Delivery, Mailer, message_bytes
from campaign.models import SendState

PASSWORD_VARIABLE = passwords.IMAP.variable
FETCH_BATCH = 50  # messages per FETCH: a first run over a big folder stays bounded
LARGE = 5_000_000  # bytes: of a bigger message (attachments) only the headers are read


@dataclass(frozen=True)
class Folder:
    """A folder as SELECT (EXAMINE) reported it."""

    name: str
    uidvalidity: int
    uidnext: int


class Mailbox(Protocol):
    """A mailbox over one logged-in connection: read-only, except filing a sent copy."""

    def examine(self, folder: str) -> Folder:
        """Open ``folder`` read-only; its UIDVALIDITY and UIDNEXT."""
        ...

    def uids(self, after: int, since: date | None = None) -> list[int]:
        """UIDs above ``after`` in the open folder (only mail from ``since`` on, if given)."""
        ...

    def fetch(self, uids: Sequence[int]) -> Iterator[tuple[int, bytes]]:
        """Each message's bytes, without setting \\Seen (headers only for a huge one)."""
        ...

    def append(self, folder: str, raw: bytes, when: datetime | None) -> None:
        """File a copy of a message the campaign sent, marked read."""
        ...

    def close(self) -> None:
        """Log out (never raises)."""
        ...


def imap_password(
    imap: Imap, env: Mapping[str, str], prompt: Callable[[str], str] | None = None
) -> str:
    """CAMPAIGN_IMAP_PASSWORD, else the keyring, else ``prompt`` (a terminal). Never a file."""
    found = passwords.find_password(passwords.IMAP, imap.user, imap.host, env, prompt)
    if found is None:
        raise MailboxError(passwords.IMAP.missing(imap.user))
    return found


def open_imap(imap: Imap, password: str) -> ImapMailbox:
    """Connect, secure and log in now, or raise MailboxError saying why (nothing was read)."""
    from imapclient import IMAPClient, SocketTimeout

    where = f"{imap.host}:{imap.port}"
    context = ssl.create_default_context()
    timeout = SocketTimeout(connect=imap.timeout, read=imap.timeout)
    with _errors(where, imap.user):
        client = IMAPClient(
            imap.host,
            port=imap.port,
            ssl=imap.security == "ssl",
            ssl_context=context,
            timeout=timeout,
        )
    try:
        with _errors(where, imap.user):
            if imap.security == "starttls":
                client.starttls(context)
            client.login(imap.user, password)
    except MailboxError:
        _quietly_close(client)
        raise
    return ImapMailbox(client, where, imap.user)


class ImapMailbox:
    """The real mailbox over IMAPClient (made by ``open_imap``)."""

    def __init__(self, client: Any, where: str, user: str) -> None:
        self._client = client
        self.where = where
        self._user = user

    def examine(self, folder: str) -> Folder:
        """SELECT ... (read-only): the folder's UIDVALIDITY and UIDNEXT."""
        with _errors(self.where, self._user, folder):
            info = self._client.select_folder(folder, readonly=True)
        return Folder(folder, int(info[b"UIDVALIDITY"]), int(info.get(b"UIDNEXT", 0) or 0))

    def uids(self, after: int, since: date | None = None) -> list[int]:
        """``UID after+1:*`` (or ``SINCE`` a day): a server answers ``n:*`` with the last
        message even when every UID is below n, so those are dropped here."""
        criteria: list[Any] = ["UID", f"{after + 1}:*"]
        if since is not None:
            criteria += ["SINCE", since]
        with _errors(self.where, self._user):
            found = self._client.search(criteria)
        return sorted(int(u) for u in found if int(u) > after)

    def fetch(self, uids: Sequence[int]) -> Iterator[tuple[int, bytes]]:
        """BODY.PEEK[] in batches; a message over ``LARGE`` bytes comes as its headers."""
        for start in range(0, len(uids), FETCH_BATCH):
            batch = list(uids[start : start + FETCH_BATCH])
            with _errors(self.where, self._user):
                sizes = self._client.fetch(batch, ["RFC822.SIZE"])
                small = [u for u in batch if int(sizes.get(u, {}).get(b"RFC822.SIZE", 0)) <= LARGE]
                large = [u for u in batch if u not in set(small)]
                found = self._client.fetch(small, ["BODY.PEEK[]"]) if small else {}
                heads = self._client.fetch(large, ["BODY.PEEK[HEADER]"]) if large else {}
            for uid in batch:
                data = found.get(uid, {}).get(b"BODY[]") or heads.get(uid, {}).get(b"BODY[HEADER]")
                if data:
                    yield uid, bytes(data)

    def append(self, folder: str, raw: bytes, when: datetime | None) -> None:
        """APPEND a copy marked \\Seen."""
        with _errors(self.where, self._user, folder):
            self._client.append(folder, raw, flags=[b"\\Seen"], msg_time=when)

    def close(self) -> None:
        """LOGOUT; never raises."""
        _quietly_close(self._client)


@contextlib.contextmanager
def _errors(where: str, user: str, folder: str = "") -> Iterator[None]:
    """Every foreign error of a call as one MailboxError saying what and where."""
    from imapclient.exceptions import IMAPClientError, LoginError

    try:
        yield
    except LoginError as exc:
        raise MailboxError(
            f"{where}: login as {user} refused: {_words(exc)}; check the password "
            f"({PASSWORD_VARIABLE} or the keyring)"
        ) from None
    except TimeoutError:
        raise MailboxError(f"{where}: timed out (no reply within [imap] timeout)") from None
    except ssl.SSLCertVerificationError as exc:
        raise MailboxError(
            f"{where}: TLS failed: {exc.verify_message or exc.reason} (the server's "
            "certificate is not trusted)"
        ) from None
    except ssl.SSLError as exc:
        raise MailboxError(
            f"{where}: TLS failed: {exc.reason or exc} (check [imap] security and port)"
        ) from None
    except imaplib.IMAP4.abort as exc:
        raise MailboxError(f"{where}: connection lost: {_words(exc)}") from None
    except IMAPClientError as exc:
        what = f"folder {folder!r}: " if folder else ""
        raise MailboxError(f"{where}: {what}{_words(exc)}") from None
    except OSError as exc:
        raise MailboxError(f"{where}: can't connect: {exc.strerror or exc}") from None


def _words(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return " ".join(text.split()) or type(exc).__name__


def _quietly_close(client: Any) -> None:
    with contextlib.suppress(Exception):
        client.logout()
    with contextlib.suppress(Exception):
        client.shutdown()


# -- a copy of each sent email in the Sent folder -----------------------------------------


class FilingMailer:
    """A Mailer that files a copy of every accepted message in ``folder`` over IMAP.

    The message went out whatever becomes of its copy: a copy that can't be filed is
    reported (``problem``) once, and the run goes on without filing more.
    """

    def __init__(self, mailer: Mailer, connect: Callable[[], Mailbox], folder: str) -> None:
        self._mailer = mailer
        self._connect = connect
        self._box: Mailbox | None = None
        self.folder = folder
        self.filed = 0
        self.problem = ""

    def send(self, message: EmailMessage) -> Delivery:
        """Deliver; once the server accepted it, file the copy."""
        delivery = self._mailer.send(message)
        if delivery.state == SendState.SENT:
            self._file(message)
        return delivery

    def _file(self, message: EmailMessage) -> None:
        if self.problem:
            return
        try:
            if self._box is None:
                self._box = self._connect()
            self._box.append(self.folder, message_bytes(message), _date_of(message))
            self.filed += 1
        except CampaignError as exc:
            self.problem = str(exc)

    def close(self) -> None:
        """Close the SMTP connection, then the IMAP one."""
        self._mailer.close()
        if self._box is not None:
            self._box.close()


def _date_of(message: EmailMessage) -> datetime | None:
    try:
        return parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return None
