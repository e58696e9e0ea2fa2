"""The private Dovecot of tests/imap_server.py does what the inbox tests will rely on."""

from __future__ import annotations

import imaplib
import socket
import ssl
import time
from datetime import UTC, datetime

import pytest

from tests.imap_server import (
    DovecotServer,
    ImapUser,
    from_mutf7,
    make_certificates,
    mutf7,
    unavailable,
)

pytestmark = pytest.mark.slow

MESSAGE = (
    b"From: Ann Reply <ann@example.org>\r\n"
    b"To: pat@example.com\r\n"
    b"Subject: Re: your letter\r\n"
    b"Message-ID: <reply-1@example.org>\r\n"
    b"\r\n"
    b"Thanks, let's talk on Monday.\r\n"
)


def test_login_takes_the_right_password_only(imap_server: DovecotServer, imap_user) -> None:
    client = imap_server.connect()
    assert client.login(imap_user.name, imap_user.password)[0] == "OK"
    client.logout()
    for name, password in ((imap_user.name, "wrong"), ("nobody@example.test", "wrong")):
        client = imap_server.connect()
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            client.login(name, password)
        client.logout()


def test_each_test_gets_its_own_empty_account(imap_server: DovecotServer, imap_user) -> None:
    other = imap_server.new_user()
    imap_server.append(other, "INBOX", MESSAGE)
    assert imap_server.uids(imap_user, "INBOX") == []
    assert imap_server.uids(other, "INBOX") == [1]
    assert {"INBOX", "Sent", "Drafts", "Trash"} <= set(imap_server.folders(imap_user))


def test_append_then_peek_leaves_the_message_unseen(imap_server: DovecotServer, imap_user) -> None:
    uid = imap_server.append(imap_user, "INBOX", MESSAGE)
    with imap_server.session(imap_user) as imap:
        imap.select("INBOX")  # read-write, as a client would
        status, data = imap.uid("FETCH", f"{uid}:*", "(UID FLAGS BODY.PEEK[])")
    assert status == "OK"
    head, body = data[0]
    assert body == MESSAGE
    assert b"\\Seen" not in head
    assert "\\Seen" not in imap_server.flags(imap_user, "INBOX", uid)
    # The helper does see \Seen when a client sets it (FETCH BODY[] without PEEK).
    with imap_server.session(imap_user) as imap:
        imap.select("INBOX")
        imap.uid("FETCH", str(uid), "(BODY[])")
    assert "\\Seen" in imap_server.flags(imap_user, "INBOX", uid)


def test_append_keeps_flags_and_date_in_a_new_folder(imap_server: DovecotServer, imap_user) -> None:
    imap_server.create_folder(imap_user, "Campaign/Replies")
    assert "Campaign/Replies" in imap_server.folders(imap_user)
    when = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    uid = imap_server.append(
        imap_user, "Campaign/Replies", MESSAGE, flags=("\\Flagged", "$Hot"), date=when
    )
    assert imap_server.flags(imap_user, "Campaign/Replies", uid) >= {"\\Flagged", "$Hot"}
    with imap_server.session(imap_user) as imap:
        imap.select('"Campaign/Replies"', readonly=True)
        _, data = imap.uid("FETCH", str(uid), "(INTERNALDATE)")
    assert b'INTERNALDATE "02-Nov-2026 09:30:00 +0000"' in data[0]
    status = imap_server.status(imap_user, "Campaign/Replies")
    assert status["messages"] == 1 and status["uidnext"] == uid + 1 and status["unseen"] == 1


def test_folder_names_beyond_ascii(imap_server: DovecotServer, imap_user) -> None:
    assert mutf7("Réponses & Co") == "R&AOk-ponses &- Co"
    assert from_mutf7("R&AOk-ponses &- Co") == "Réponses & Co"
    assert from_mutf7(mutf7("日本語 Bewerbung/Ärger")) == "日本語 Bewerbung/Ärger"
    imap_server.create_folder(imap_user, "Réponses/2026")
    assert {"Réponses", "Réponses/2026"} <= set(imap_server.folders(imap_user))
    with imap_server.session(imap_user) as imap:
        _, data = imap.list()
    assert any(line.endswith(b" R&AOk-ponses/2026") for line in data)  # on the wire
    uid = imap_server.append(imap_user, "Réponses/2026", MESSAGE)
    before = imap_server.uidvalidity(imap_user, "Réponses/2026")
    assert imap_server.change_uidvalidity(imap_user, "Réponses/2026") == before + 1
    assert imap_server.uids(imap_user, "Réponses/2026") == [uid]


def test_append_to_sent_as_seen(imap_server: DovecotServer, imap_user) -> None:
    uid = imap_server.append(imap_user, "Sent", MESSAGE, flags=("\\Seen",))
    assert "\\Seen" in imap_server.flags(imap_user, "Sent", uid)
    with imap_server.session(imap_user) as imap:
        _, data = imap.list('""', "Sent")
    assert b"\\Sent" in data[0]  # SPECIAL-USE, so a client can find it by role


def test_uidvalidity_changes_and_uids_may_stay(imap_server: DovecotServer, imap_user) -> None:
    uids = [imap_server.append(imap_user, "INBOX", MESSAGE) for _ in range(2)]
    before = imap_server.uidvalidity(imap_user, "INBOX")
    after = imap_server.change_uidvalidity(imap_user, "INBOX")
    assert after != before
    assert imap_server.uidvalidity(imap_user, "INBOX") == after
    assert imap_server.uids(imap_user, "INBOX") == uids
    with imap_server.session(imap_user) as imap:
        imap.select("INBOX")
        assert imap.response("UIDVALIDITY") == ("UIDVALIDITY", [str(after).encode()])


def test_uidvalidity_change_with_renumbering(imap_server: DovecotServer, imap_user) -> None:
    imap_server.create_folder(imap_user, "Replies")
    first = imap_server.append(imap_user, "Replies", MESSAGE, flags=("\\Seen",))
    second = imap_server.append(imap_user, "Replies", MESSAGE.replace(b"Monday", b"Friday"))
    before = imap_server.uidvalidity(imap_user, "Replies")
    after = imap_server.change_uidvalidity(imap_user, "Replies", renumber=True, value=before + 7)
    assert after == before + 7 == imap_server.uidvalidity(imap_user, "Replies")
    new_uids = imap_server.uids(imap_user, "Replies")
    assert len(new_uids) == 2 and min(new_uids) > second > first
    assert "\\Seen" in imap_server.flags(imap_user, "Replies", new_uids[0])
    assert "\\Seen" not in imap_server.flags(imap_user, "Replies", new_uids[1])
    with imap_server.session(imap_user) as imap:
        imap.select("Replies", readonly=True)
        _, data = imap.uid("FETCH", str(new_uids[1]), "(BODY.PEEK[])")
    assert data[0][1] == MESSAGE.replace(b"Monday", b"Friday")


def test_down_refuses_connections_then_comes_back(imap_server: DovecotServer, imap_user) -> None:
    imap_server.append(imap_user, "INBOX", MESSAGE)
    port = imap_server.port
    with imap_server.down():
        assert not imap_server.running
        for target in (imap_server.port, imap_server.ssl_port):
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", target), timeout=2)
        with pytest.raises(OSError):
            imaplib.IMAP4("127.0.0.1", port, timeout=2)
    assert imap_server.port == port  # same address after the restart
    assert imap_server.uids(imap_user, "INBOX") == [1]  # and the same mail


def test_frozen_server_accepts_but_never_answers(imap_server: DovecotServer, imap_user) -> None:
    with imap_server.frozen():
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            imaplib.IMAP4("127.0.0.1", imap_server.port, timeout=0.5)
        assert time.monotonic() - started < 5
    assert imap_server.uids(imap_user, "INBOX") == []


@pytest.mark.parametrize("tls", ["ssl", "starttls"])
def test_tls_login_with_the_exposed_ca(imap_server: DovecotServer, imap_user, tls: str) -> None:
    client = imap_server.connect(tls=tls)
    assert client.login(imap_user.name, imap_user.password)[0] == "OK"
    assert client.sock.version() in {"TLSv1.2", "TLSv1.3"}  # type: ignore[attr-defined]
    client.logout()


def test_ssl_cert_file_makes_the_default_context_trust_the_server(
    imap_server: DovecotServer, imap_user: ImapUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(imap_server.ca_file))
    context = ssl.create_default_context()  # what a product that verifies would build
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    with imaplib.IMAP4_SSL("127.0.0.1", imap_server.ssl_port, ssl_context=context) as imap:
        assert imap.login(imap_user.name, imap_user.password)[0] == "OK"
    for host in ("127.0.0.1", "localhost"):
        client = imaplib.IMAP4(host, imap_server.port, timeout=30)
        client.starttls(ssl.create_default_context())
        client.logout()


def test_another_ca_is_refused(imap_server: DovecotServer, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    other_ca, _, _ = make_certificates(tmp_path)
    context = ssl.create_default_context(cafile=str(other_ca))
    with pytest.raises(ssl.SSLCertVerificationError):
        imaplib.IMAP4_SSL("127.0.0.1", imap_server.ssl_port, ssl_context=context, timeout=30)


def test_missing_dovecot_skips_locally_but_fails_under_ci(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        unavailable("Dovecot is not installed")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        unavailable("Dovecot is not installed")


def test_a_taken_port_is_retried_with_another(monkeypatch) -> None:
    import tests.imap_server as module

    reason = module.missing_reason()
    if reason is not None:
        unavailable(reason)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports = iter([taken, module.free_port()])
        real_free_port = module.free_port
        monkeypatch.setattr(module, "free_port", lambda: next(ports, None) or real_free_port())
        server = DovecotServer()
        try:
            server.start()
            assert server.port != taken
            assert "Address already in use" in server.log()
            user = server.new_user()
            assert server.uids(user, "INBOX") == []
        finally:
            server.close()
