"""A private, throwaway Dovecot IMAP server for the inbox tests (Debian's dovecot-imapd).

Started once per test session from its own configuration in a temporary folder, listening
on 127.0.0.1 only: plain IMAP with STARTTLS on ``port``, implicit TLS on ``ssl_port``, both
with a certificate signed by a throwaway CA (``ca_file``, made with the ``openssl`` CLI).
Stopped at the end. Tests that need it are skipped, saying why, where Dovecot or openssl is
not installed; with ``CI=true`` they fail instead.

As root, Dovecot's own accounts run it (``dovecot``, ``dovenull``) and mail belongs to
``nobody``; as a normal user, everything runs as that user. Each test takes a fresh
account (the ``imap_user`` fixture, or ``imap_server.new_user()``), so tests sharing the
session's server never see each other's mail.

    def test_x(imap_server, imap_user):
        uid = imap_server.append(imap_user, "INBOX", b"Subject: hi\\r\\n\\r\\nbody\\r\\n")
        assert "\\\\Seen" not in imap_server.flags(imap_user, "INBOX", uid)
        with imap_server.down():
            ...  # connections to imap_server.port are refused here
"""

from __future__ import annotations

import base64
import contextlib
import grp
import imaplib
import itertools
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
HOST = "127.0.0.1"
START_TIMEOUT = 20.0  # seconds, generous for a loaded CI machine
SEPARATOR = "/"  # the hierarchy separator the server announces in LIST


@dataclass(frozen=True)
class ImapUser:
    """An account on the server: log in with ``name`` and ``password``."""

    name: str
    password: str

    def __str__(self) -> str:
        return self.name


User = ImapUser | str


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> None:
    """Skip the test saying why, or fail it under CI=true (CI must really run it)."""
    if _ci():
        pytest.fail(f"{reason} (CI=true: the IMAP tests must run here)", pytrace=False)
    pytest.skip(reason)


def missing_reason() -> str | None:
    """Why this machine can't run the server, or None."""
    if not Path(DOVECOT).exists():
        return f"Dovecot is not installed ({DOVECOT}; apt-get install dovecot-imapd)"
    if not Path(DOVEADM).exists():
        return f"doveadm is not installed ({DOVEADM}; apt-get install dovecot-core)"
    libexec = Path("/usr/lib/dovecot")
    for program in ("imap", "imap-login"):
        if not (libexec / program).exists():
            return f"Dovecot's IMAP server is not installed ({libexec / program}; dovecot-imapd)"
    if shutil.which("openssl") is None:
        return "the openssl command is not installed (needed for the test certificate)"
    if os.geteuid() == 0:
        for account in ("dovecot", "dovenull", "nobody"):
            try:
                pwd.getpwnam(account)
            except KeyError:
                return f"running as root, Dovecot needs the system account {account!r}"
    else:
        try:
            pwd.getpwuid(os.geteuid())
            grp.getgrgid(os.getegid())
        except KeyError:
            return f"uid {os.geteuid()} or gid {os.getegid()} has no name (Dovecot needs them)"
    return None


def free_port() -> int:
    """A port nobody listens on right now (Dovecot can't be told to take port 0)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _quote(text: str) -> str:
    """An IMAP quoted string (imaplib sends mailbox names as they are)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mutf7(name: str) -> str:
    """A mailbox name as IMAP sends it: modified UTF-7 (RFC 3501 5.1.3), "Réponses" ->
    "R&AOk-ponses"."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            packed = base64.b64encode("".join(pending).encode("utf-16-be")).decode()
            out.append("&" + packed.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def from_mutf7(name: str) -> str:
    """The inverse of mutf7()."""

    def decode(match: re.Match[str]) -> str:
        packed = match.group(1).replace(",", "/")
        if not packed:
            return "&"
        return base64.b64decode(packed + "=" * (-len(packed) % 4)).decode("utf-16-be")

    return re.sub(r"&([^-]*)-", decode, name)


def _mailbox(name: str) -> str:
    return _quote(mutf7(name))


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1/localhost it signed.

    Returns (ca_file, cert_file, key_file). A real CA + leaf (rather than one self-signed
    certificate) passes strict verification too (Python 3.13's VERIFY_X509_STRICT).
    """
    ca, ca_key = folder / "ca.pem", folder / "ca.key"
    cert, key, csr = folder / "server.pem", folder / "server.key", folder / "server.csr"
    ext = folder / "server.ext"
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl("req", "-x509", *ec, "-days", "3", "-subj", "/CN=campaign test CA",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-keyout", str(ca_key), "-out", str(ca))  # fmt: skip
    _openssl("req", "-new", *ec, "-subj", "/CN=127.0.0.1",
             "-keyout", str(key), "-out", str(csr))  # fmt: skip
    ext.write_text(
        "basicConstraints = critical,CA:FALSE\n"
        "keyUsage = critical,digitalSignature\n"
        "extendedKeyUsage = serverAuth\n"
        "subjectAltName = IP:127.0.0.1,DNS:localhost\n"
        "subjectKeyIdentifier = hash\n"
        "authorityKeyIdentifier = keyid\n",
        encoding="ascii",
    )
    _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
             "-set_serial", str(secrets.randbits(63)), "-days", "2", "-extfile", str(ext),
             "-out", str(cert))  # fmt: skip
    return ca, cert, key


class DovecotServer:
    """One Dovecot instance: its folder, config, ports, accounts and mail helpers."""

    def __init__(self) -> None:
        # Its own folder under /tmp: as root, Dovecot's users must get through every
        # parent, which pytest's private tmp_path (0700) would not let them.
        self.root = root = Path(tempfile.mkdtemp(prefix="campaign-imap-"))
        self.host = HOST
        self.port = 0  # plain IMAP; STARTTLS offered
        self.ssl_port = 0  # implicit TLS (imaps)
        self.separator = SEPARATOR
        self.config = root / "dovecot.conf"
        self.log_file = root / "dovecot.log"
        self._stderr_file = root / "dovecot.stderr"
        self._passwd = root / "users"  # one passwd-file per account
        self._mail = root / "mail"
        self._process: subprocess.Popen[bytes] | None = None
        self._log_offset = 0
        self._users: dict[str, str] = {}
        self._serial = itertools.count(1)
        try:
            self.ca_file, self.cert_file, self.key_file = make_certificates(root)
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        if os.geteuid() == 0:
            internal, login, mail = "dovecot", "dovenull", pwd.getpwnam("nobody")
            group = grp.getgrgid(pwd.getpwnam("dovecot").pw_gid).gr_name
        else:
            # Not root: every process runs as this user, and the sockets Dovecot
            # would give to its own group (default_internal_group) go to ours.
            mail = pwd.getpwuid(os.geteuid())
            internal = login = mail.pw_name
            group = grp.getgrgid(os.getegid()).gr_name
        self._mail_uid, self._mail_gid = mail.pw_uid, mail.pw_gid
        self._internal_user, self._login_user, self._internal_group = internal, login, group
        self._mail.mkdir()
        self._passwd.mkdir()
        if os.geteuid() == 0:
            # The auth process (user dovecot) reads the users' files, mail processes
            # (nobody) write under mail/: let them through the private folder.
            root.chmod(0o755)
            self._passwd.chmod(0o755)
            os.chown(self._mail, self._mail_uid, self._mail_gid)

    # ----------------------------------------------------------------- running

    def _write_config(self) -> None:
        r = self.root
        self.config.write_text(
            f"""# A throwaway Dovecot for the campaign test suite (tests/imap_server.py).
protocols = imap
listen = {HOST}
base_dir = {r}/run
state_dir = {r}/state
instance_name = campaign-test-{os.getpid()}
log_path = {self.log_file}
info_log_path = {self.log_file}
debug_log_path = {self.log_file}
default_internal_user = {self._internal_user}
default_login_user = {self._login_user}
default_internal_group = {self._internal_group}
first_valid_uid = 1
first_valid_gid = 1
# No stats process: nothing for the other processes to wait for.
stats_writer_socket_path =
ssl = yes
ssl_cert = <{self.cert_file}
ssl_key = <{self.key_file}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
mail_max_userip_connections = 100
mail_location = maildir:{self._mail}/%u/Maildir
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self._passwd}/%u
}}
userdb {{
  driver = static
  args = uid={self._mail_uid} gid={self._mail_gid} home={self._mail}/%u
}}
namespace inbox {{
  inbox = yes
  separator = {SEPARATOR}
  mailbox Sent {{
    auto = subscribe
    special_use = \\Sent
  }}
  mailbox Drafts {{
    auto = subscribe
    special_use = \\Drafts
  }}
  mailbox Trash {{
    auto = subscribe
    special_use = \\Trash
  }}
}}
# No chroot (only root may chroot; it protects nothing in a test).
service imap-urlauth-login {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {HOST}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {self.ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # No socket for the auth penalty: a wrong password is not punished by seconds
  # of delay on the next login from 127.0.0.1.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
""",
            encoding="utf-8",
        )

    @property
    def running(self) -> bool:
        """Whether the server process is up."""
        return self._process is not None and self._process.poll() is None

    def _stderr(self) -> str:
        with contextlib.suppress(OSError):
            return self._stderr_file.read_text(encoding="utf-8", errors="replace")
        return ""

    def log(self) -> str:
        """Dovecot's log so far (and what it printed before its log process was up)."""
        parts = []
        for path in (self._stderr_file, self.log_file):
            with contextlib.suppress(OSError):
                text = path.read_text(encoding="utf-8", errors="replace").strip()
                if text:
                    parts.append(f"--- {path.name}\n{text}")
        return "\n".join(parts) or "(Dovecot wrote no log)"

    def start(self) -> None:
        """Start (or restart, on the same ports) and wait until it greets; no-op if up."""
        if self.running:
            return
        fresh = self.port == 0
        for attempt in range(3):
            if fresh:
                self.port, self.ssl_port = free_port(), free_port()
            self._write_config()
            self._spawn()
            try:
                self._wait_until_ready()
                return
            except RuntimeError as exc:
                self._kill()
                in_use = "Address already in use" in self._new_log() + self._stderr()
                if not (fresh and in_use and attempt < 2):
                    raise RuntimeError(f"{exc}\n{self.log()}") from None

    def _new_log(self) -> str:
        """What Dovecot logged since the last _spawn()."""
        with contextlib.suppress(OSError), self.log_file.open("rb") as log:
            log.seek(self._log_offset)
            return log.read().decode("utf-8", "replace")
        return ""

    def _spawn(self) -> None:
        self._stderr_file.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self._log_offset = self.log_file.stat().st_size
        with self._stderr_file.open("wb") as stderr:
            self._process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(self.config)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,  # its own process group: stop() takes all of it
            )

    def _check_alive(self) -> None:
        assert self._process is not None
        if self._process.poll() is not None:
            raise RuntimeError(f"Dovecot exited with status {self._process.returncode}")
        if "Fatal:" in self._new_log():
            raise RuntimeError("Dovecot logged a fatal error")  # it would retry slowly

    def _wait_until_ready(self) -> None:
        """Wait for the ``* OK`` greeting on the plain port, watching the process too."""
        deadline = time.monotonic() + START_TIMEOUT
        last_error = "no attempt"
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                conn = socket.create_connection((HOST, self.port), timeout=1)
            except OSError as exc:
                last_error = repr(exc)
                time.sleep(0.02)
                continue
            greeting = b""
            with conn:
                conn.settimeout(0.1)  # short reads, so a dead server is noticed soon
                while b"\n" not in greeting and time.monotonic() < deadline:
                    self._check_alive()
                    try:
                        chunk = conn.recv(4096)
                    except TimeoutError:
                        continue
                    except OSError as exc:
                        last_error = repr(exc)
                        break
                    if not chunk:
                        break
                    greeting += chunk
            # Ours (not some other server on the port) once our master says it is up;
            # it binds every listener before it logs that.
            if greeting.startswith(b"* OK") and "starting up" in self._new_log():
                self._check_alive()
                return
            last_error = f"greeting {greeting!r}"
            time.sleep(0.02)
        raise RuntimeError(
            f"Dovecot did not greet on {HOST}:{self.port} within {START_TIMEOUT:.0f} s "
            f"(last: {last_error})"
        )

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        # SIGKILL to the whole group (start_new_session: its id is the master's pid).
        # A graceful SIGTERM takes Dovecot 1-6 s (children finishing, stats timeouts);
        # maildir is crash-safe, and "the server died" is what the tests want anyway.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        (self.root / "run" / "master.pid").unlink(missing_ok=True)

    def stop(self) -> None:
        """Stop the server; connections are refused until start()."""
        self._kill()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.02)
        raise RuntimeError(f"{HOST}:{self.port} still accepts connections after stop()")

    @contextlib.contextmanager
    def down(self) -> Iterator[None]:
        """``with server.down():`` the server is stopped inside, started again after."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """``with server.frozen():`` connections are accepted but nothing is answered.

        Every Dovecot process is SIGSTOPped: the kernel still completes TCP handshakes
        into the listen backlog, so a client connects and then waits for a greeting
        (or a reply) that only comes after the block: a hung server, for timeouts.
        """
        assert self._process is not None and self.running, "the server is not running"
        pgid = self._process.pid
        os.killpg(pgid, signal.SIGSTOP)
        try:
            yield
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGCONT)

    def close(self) -> None:
        """Stop for good and remove the folder."""
        self._kill()
        shutil.rmtree(self.root, ignore_errors=True)

    # ---------------------------------------------------------------- accounts

    def add_user(self, name: str, password: str) -> ImapUser:
        """Create an account (or change its password); it can log in at once.

        Dovecot takes login names of letters, digits and ``.-_@`` only.
        """
        for text in (name, password):
            if not text or any(c in text for c in ":/\n\r\t\0") or text.startswith("."):
                raise ValueError(f"not allowed in a passwd-file account: {text!r}")
        known = name in self._users
        self._users[name] = password
        # One passwd-file per account (the passdb path has %u): a new account's file is
        # read on its first login. Dovecot looks at a file it knows at most once a
        # second, so a changed password is waited for below.
        fresh = self._passwd / f".{name}.new"
        fresh.write_text(f"{name}:{{PLAIN}}{password}::::::\n", encoding="utf-8")
        fresh.chmod(0o644)
        fresh.replace(self._passwd / name)
        if known and self.running:
            self._wait_for_password(name, password)
        return ImapUser(name, password)

    def _wait_for_password(self, name: str, password: str) -> None:
        deadline = time.monotonic() + 10
        while True:
            client = self.connect()
            try:
                client.login(name, password)
                return
            except imaplib.IMAP4.error:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
            finally:
                with contextlib.suppress(imaplib.IMAP4.error, OSError):
                    client.logout()

    def new_user(self, prefix: str = "user") -> ImapUser:
        """A fresh account with an empty mailbox and a random password."""
        name = f"{prefix}{next(self._serial)}@example.test"
        return self.add_user(name, "pw-" + secrets.token_urlsafe(9))

    def password(self, user: User) -> str:
        """The account's password."""
        return self._users[str(user)]

    # ------------------------------------------------------------ mail helpers
    # Folder names are given as text ("Réponses", "Campaign/Replies"); the helpers quote
    # them and encode them to modified UTF-7 for the wire.

    def connect(
        self, *, tls: str | None = None, timeout: float = 30
    ) -> imaplib.IMAP4 | imaplib.IMAP4_SSL:
        """A new, not logged-in imaplib connection: tls None, "starttls" or "ssl"."""
        context = self.ssl_context()
        if tls == "ssl":
            return imaplib.IMAP4_SSL(HOST, self.ssl_port, ssl_context=context, timeout=timeout)
        client = imaplib.IMAP4(HOST, self.port, timeout=timeout)
        if tls == "starttls":
            client.starttls(context)
        elif tls is not None:
            raise ValueError(f"tls must be None, 'starttls' or 'ssl', not {tls!r}")
        return client

    @contextlib.contextmanager
    def session(self, user: User, *, tls: str | None = None) -> Iterator[imaplib.IMAP4]:
        """``with server.session(user) as imap:`` logged in, logged out after."""
        client = self.connect(tls=tls)
        try:
            client.login(str(user), self.password(user))
            yield client
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                client.logout()

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts the server's CA (and nothing else)."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def create_folder(self, user: User, name: str) -> None:
        """Create a mailbox (and subscribe to it); ``"A/B"`` makes a child folder."""
        with self.session(user) as imap:
            _ok(imap.create(_mailbox(name)), f"CREATE {name}")
            _ok(imap.subscribe(_mailbox(name)), f"SUBSCRIBE {name}")

    def folders(self, user: User) -> list[str]:
        """Every mailbox name of the account (decoded: "Réponses", not "R&AOk-ponses")."""
        with self.session(user) as imap:
            lines = _ok(imap.list(), "LIST")
        names = []
        for line in lines:
            assert isinstance(line, bytes)
            match = re.match(rb'\((?P<flags>[^)]*)\) (?:"[^"]*"|NIL) (?P<name>.*)$', line)
            assert match, line
            name = match["name"].decode()
            if name.startswith('"'):
                name = re.sub(r"\\(.)", r"\1", name[1:-1])
            names.append(from_mutf7(name))
        return names

    def append(
        self,
        user: User,
        folder: str,
        raw: bytes,
        flags: Iterable[str] = (),
        date: datetime | None = None,
    ) -> int:
        """IMAP APPEND a raw message; returns its UID. ``date`` (aware) is INTERNALDATE."""
        flag_list = "(" + " ".join(flags) + ")"
        when = imaplib.Time2Internaldate(date) if date is not None else None
        with self.session(user) as imap:
            reply = _ok(imap.append(_mailbox(folder), flag_list, when, raw), "APPEND")
        match = re.search(rb"\[APPENDUID \d+ (\d+)\]", _first(reply))
        assert match, reply
        return int(match.group(1))

    def status(self, user: User, folder: str) -> dict[str, int]:
        """STATUS: messages, uidnext, uidvalidity, unseen."""
        with self.session(user) as imap:
            reply = _ok(
                imap.status(_mailbox(folder), "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)"), "STATUS"
            )
        pairs = re.findall(rb"([A-Z]+) (\d+)", _first(reply).rsplit(b"(", 1)[-1])
        return {key.decode().lower(): int(value) for key, value in pairs}

    def uidvalidity(self, user: User, folder: str) -> int:
        """The folder's UIDVALIDITY."""
        return self.status(user, folder)["uidvalidity"]

    def uids(self, user: User, folder: str) -> list[int]:
        """The UIDs of the folder's messages, ascending."""
        with self.session(user) as imap:
            _ok(imap.select(_mailbox(folder), readonly=True), f"EXAMINE {folder}")
            found = _ok(imap.uid("SEARCH", "ALL"), "UID SEARCH")
        return sorted(int(uid) for uid in _first(found).split())

    def flags(self, user: User, folder: str, uid: int) -> set[str]:
        """The message's flags, read without changing them (EXAMINE, FETCH FLAGS)."""
        with self.session(user) as imap:
            _ok(imap.select(_mailbox(folder), readonly=True), f"EXAMINE {folder}")
            reply = _ok(imap.uid("FETCH", str(uid), "(FLAGS)"), "UID FETCH")
        if not reply or reply[0] is None:
            raise KeyError(f"no message with UID {uid} in {folder!r}")
        match = re.search(rb"FLAGS \(([^)]*)\)", _first(reply))
        assert match, reply
        return set(match.group(1).decode().split())

    def doveadm(self, *args: str) -> str:
        """Run ``doveadm -c CONFIG ARGS`` against this server (it must be running)."""
        done = subprocess.run(
            [DOVEADM, "-c", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if done.returncode != 0:
            raise RuntimeError(f"doveadm {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def change_uidvalidity(
        self, user: User, folder: str, *, renumber: bool = False, value: int | None = None
    ) -> int:
        """Give the folder a new UIDVALIDITY (``value`` or old + 1); returns it.

        ``renumber=False``: the messages keep their UIDs, as after a server restore
        (``doveadm mailbox update --uid-validity``). ``renumber=True``: every message is
        also expunged and appended again (flags and dates kept) so it gets a new, higher
        UID, as after a migration. Either way a client's saved UIDs mean nothing now.
        """
        old = self.uidvalidity(user, folder)
        new = value if value is not None else old + 1
        if new == old or not 0 < new < 2**32:
            raise ValueError(f"a new UIDVALIDITY must differ from {old} and fit 32 bits")
        if renumber:
            with self.session(user) as imap:
                _ok(imap.select(_mailbox(folder)), f"SELECT {folder}")
                reply = _ok(imap.uid("FETCH", "1:*", "(FLAGS INTERNALDATE BODY.PEEK[])"), "FETCH")
                messages = []
                for item in reply:
                    if isinstance(item, tuple):
                        head, body = item
                        flags = re.search(rb"FLAGS \(([^)]*)\)", head)
                        date = re.search(rb'INTERNALDATE ("[^"]+")', head)
                        assert flags and date, head
                        kept = [f for f in flags.group(1).decode().split() if f != "\\Recent"]
                        messages.append((kept, date.group(1).decode(), body))
                if messages:
                    _ok(imap.uid("STORE", "1:*", "+FLAGS.SILENT", "(\\Deleted)"), "STORE")
                    _ok(imap.expunge(), "EXPUNGE")
                for kept, date, body in messages:
                    flag_list = "(" + " ".join(kept) + ")"
                    _ok(imap.append(_mailbox(folder), flag_list, date, body), "APPEND")
        self.doveadm("mailbox", "update", "-u", str(user), "--uid-validity", str(new), folder)
        return new


def _ok(reply: tuple[str, list], what: str) -> list:
    status, data = reply
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what}: {status} {data!r}")
    return data


def _first(data: list) -> bytes:
    item = data[0] if data else b""
    return item[0] if isinstance(item, tuple) else (item or b"")


@pytest.fixture(scope="session")
def imap_server() -> Iterator[DovecotServer]:
    """A running private Dovecot on 127.0.0.1 for the whole session (see the module doc)."""
    reason = missing_reason()
    if reason is not None:
        unavailable(reason)
    try:
        server = DovecotServer()
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", None) or b""
        pytest.fail(f"could not make the test certificates: {exc} {detail!r}")
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        server.close()
        pytest.fail(f"could not start the private Dovecot IMAP server: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def imap_user(imap_server: DovecotServer) -> ImapUser:
    """A fresh account on the running server (started again if a test left it down)."""
    imap_server.start()
    return imap_server.new_user()
