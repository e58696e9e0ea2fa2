"""SMTP delivery against a real aiosmtpd server on 127.0.0.1: every reply classified."""

from __future__ import annotations

import socket
from email.message import EmailMessage
from pathlib import Path

import pytest

from campaign.config import Smtp
from campaign.errors import DeliveryError
from campaign.mailer import message_bytes, open_smtp, smtp_password
from campaign.models import SendState
from tests.smtp_server import IMPATIENT, PATIENT, Handler, SmtpServer, free_port, self_signed


def message(to: str, bcc: str = "") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Pat Example <pat@example.com>"
    msg["To"] = f"Someone <{to}>"
    if bcc:
        msg["Bcc"] = bcc
    msg["Subject"] = "A letter"
    msg["Message-ID"] = f"<{to.replace('@', '.')}@campaign.test>"
    msg.set_content("Dear someone,\n.\nA line that starts with a dot, above.\n")
    return msg


def local(port: int, timeout: int = PATIENT) -> Smtp:
    return Smtp(host="127.0.0.1", port=port, security="none", user="", timeout=timeout)


def test_every_reply_is_classified_and_the_server_agrees() -> None:
    rules = {"b@x.org": "451", "c@x.org": "550", "d@x.org": "554", "e@x.org": "drop"}
    with SmtpServer(Handler(rules=rules)) as server:
        mailer = open_smtp(local(server.port), None)
        results = {
            to: mailer.send(message(to))
            for to in ("a@x.org", "b@x.org", "c@x.org", "d@x.org", "a2@x.org", "e@x.org", "f@x.org")
        }
        mailer.close()
    assert {to: r.state for to, r in results.items()} == {
        "a@x.org": SendState.SENT,
        "b@x.org": SendState.DEFERRED,
        "c@x.org": SendState.FAILED,
        "d@x.org": SendState.FAILED,
        "a2@x.org": SendState.SENT,
        "e@x.org": SendState.UNKNOWN,
        "f@x.org": SendState.DEFERRED,  # never tried: the connection was gone
    }
    assert results["b@x.org"].detail == "451 4.7.1 Greylisted, please try again later"
    assert results["c@x.org"].detail == (
        "550 5.1.1 <c@x.org>: Recipient address rejected: User unknown"
    )
    assert results["d@x.org"].detail == "554 5.7.1 Message rejected as spam"
    assert results["e@x.org"].detail.startswith("connection lost while the message was being")
    assert results["f@x.org"].detail == "not attempted: the connection was lost"
    assert [r.recipients for r in server.received] == [["a@x.org"], ["a2@x.org"]]
    first = server.received[0]
    assert first.message_id == "<a.x.org@campaign.test>"
    assert b"\r\n..\r\n" not in first.data and b"\n.\n" in first.data.replace(b"\r\n", b"\n")


def test_bcc_is_delivered_but_never_shown() -> None:
    with SmtpServer() as server:
        mailer = open_smtp(local(server.port), None)
        assert mailer.send(message("a@x.org", bcc="me@example.com")).state == SendState.SENT
        mailer.close()
    (got,) = server.received
    assert got.recipients == ["a@x.org", "me@example.com"]
    assert b"Bcc" not in got.data


def test_a_server_that_hangs_during_data_leaves_the_message_in_doubt() -> None:
    with SmtpServer(Handler(rules={"h@x.org": "hang"})) as server:
        mailer = open_smtp(local(server.port, timeout=IMPATIENT), None)
        result = mailer.send(message("h@x.org"))
        mailer.close()
    assert result.state == SendState.UNKNOWN
    assert result.detail.endswith("timed out (no reply within [smtp] timeout)")
    assert not result.connected
    assert server.received == []


def test_login_is_checked_before_anything_is_sent() -> None:
    with SmtpServer(password="right") as server:
        smtp = Smtp(host="127.0.0.1", port=server.port, security="none", user="pat@example.com")
        with pytest.raises(DeliveryError, match=r"login as pat@example.com refused: 535"):
            open_smtp(smtp, "wrong")
        mailer = open_smtp(smtp, "right")
        assert mailer.send(message("a@x.org")).state == SendState.SENT
        mailer.close()
    assert len(server.received) == 1


def test_an_unreachable_server_is_a_setup_error() -> None:
    port = free_port()
    with pytest.raises(DeliveryError, match=rf"^127.0.0.1:{port}: can't connect: "):
        open_smtp(local(port), None)


def test_a_server_that_never_greets_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(DeliveryError, match="can't connect: timed out"):
            open_smtp(local(port, timeout=1), None)


def test_starttls_is_verified_and_refused_by_a_plain_server() -> None:
    with SmtpServer() as server:
        smtp = Smtp(
            host="127.0.0.1", port=server.port, security="starttls", user="", timeout=PATIENT
        )
        with pytest.raises(DeliveryError, match="STARTTLS extension not supported"):
            open_smtp(smtp, None)


def test_password_comes_from_the_environment_never_a_prompt_without_a_terminal() -> None:
    smtp = Smtp(host="h", user="pat@example.com")
    assert smtp_password(smtp, {"CAMPAIGN_SMTP_PASSWORD": "s3cret"}) == "s3cret"
    assert smtp_password(Smtp(host="h", user=""), {}) is None
    assert smtp_password(smtp, {}, prompt=lambda text: f"typed for {text}") == (
        "typed for SMTP password for pat@example.com at h"
    )


def test_no_password_anywhere_says_how_to_set_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with pytest.raises(DeliveryError) as info:
        smtp_password(Smtp(host="h", user="pat@example.com"), {})
    assert str(info.value) == (
        "no SMTP password for pat@example.com: set CAMPAIGN_SMTP_PASSWORD, or store it "
        "with `keyring set campaign pat@example.com`"
    )


def test_wire_form_uses_crlf() -> None:
    data = message_bytes(message("a@x.org"))
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_verifies_the_servers_certificate(
    security: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context, cert = self_signed(tmp_path)
    tls = {"starttls": context} if security == "starttls" else {"implicit_tls": context}
    with SmtpServer(**tls) as server:  # type: ignore[arg-type]
        smtp = Smtp(host="127.0.0.1", port=server.port, security=security, user="", timeout=PATIENT)
        with pytest.raises(DeliveryError, match="TLS failed: CERTIFICATE_VERIFY_FAILED"):
            open_smtp(smtp, None)
        # Trusted (as a company's own CA would be): the same server is fine.
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        mailer = open_smtp(smtp, None)
        assert mailer.send(message("a@x.org")).state == SendState.SENT
        mailer.close()
    assert len(server.received) == 1
