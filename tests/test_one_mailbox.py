"""Never the same letter to the same mailbox, whichever prospect row carries the address now."""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from campaign import ledger
from campaign.errors import LedgerConflict
from campaign.models import Claim, SendState
from campaign.people import mailbox
from campaign.store import Store, open_store
from tests.factories import TODAY, add_prospect, store_at
from tests.smtp_server import SmtpServer
from tests.test_cli_send import configure
from tests.test_migrations import v1_database


def write(folder: Path, name: str, rows: str) -> Path:
    path = folder / name
    path.write_text("Company,Hiring Manager,Email,Street,City,State,Zip\n" + rows, encoding="utf-8")
    return path


def test_a_corrected_email_and_a_new_list_dont_mail_the_old_address_again(
    run, sender_config: Path, server: SmtpServer, campaign_home: Path
) -> None:
    configure(sender_config, server.port)
    first = write(
        campaign_home, "l1.csv", "Acme,Ana Smith,ana@acme.test,1 Main St,Springfield,IL,62701\n"
    )
    assert run("import", str(first)).exit_code == 0
    assert run("send").exit_code == 0
    # A re-import corrects her email; another list brings the old address as a new prospect.
    fixed = write(
        campaign_home,
        "l2.csv",
        "Acme,Ana Smith,ana.smith@acme.test,1 Main St,Springfield,IL,62701\n",
    )
    assert "updated #1 Acme (Ana Smith): email" in run("import", str(fixed)).output
    other = write(campaign_home, "l3.csv", "Acme Corporation,Ana Smith,ANA@acme.test,,,,\n")
    assert run("import", str(other)).exit_code == 0

    dry = run("send", "--dry-run")
    result = run("send")
    assert result.exit_code == 0, result.output
    expected = (
        "Not sent (their address already had the marketing letter):\n"
        "  Acme Corporation - Ana Smith <ana@acme.test> (prospect 2; it went to prospect 1)\n"
    )
    assert expected in dry.stdout and expected in result.stdout
    assert Counter(r.recipients[0] for r in server.received) == {"ana@acme.test": 1}
    store = store_at(campaign_home)
    assert [(s.prospect_id, s.address, s.state) for s in store.list_sends()] == [
        (1, "ana@acme.test", SendState.SENT)
    ]
    store.close()


def test_an_idn_domain_and_its_a_label_are_one_mailbox(
    run, sender_config: Path, server: SmtpServer, campaign_home: Path
) -> None:
    configure(sender_config, server.port)
    store = store_at(campaign_home)
    add_prospect(store, email="bob@bücher.de", company="Bücher GmbH")
    assert run("send").exit_code == 0
    add_prospect(store, email="Bob@XN--BCHER-KVA.de", company="Buecher AG")
    result = run("send")
    assert result.exit_code == 0, result.output
    assert "(prospect 2; it went to prospect 1)" in result.stdout
    assert [r.recipients for r in server.received] == [["bob@xn--bcher-kva.de"]]
    store.close()


def test_two_prospects_sharing_an_address_in_one_wave_get_one_letter(
    run, sender_config: Path, server: SmtpServer, campaign_home: Path
) -> None:
    configure(sender_config, server.port)
    store = store_at(campaign_home)
    add_prospect(store, email="hr@acme.test", company="Acme", identity="a")
    add_prospect(store, email="HR@acme.test", company="Acme East", identity="b")
    result = run("send")
    assert result.exit_code == 0, result.output
    assert "Acme East - Ms. Alex Person2 <HR@acme.test> (prospect 2; it went to prospect 1)" in (
        result.stdout
    )
    assert len(server.received) == 1
    store.close()


def test_the_ledger_itself_refuses_a_second_claim_on_a_mailbox(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    a = add_prospect(store, email="ana@acme.test")
    b = add_prospect(store, email="ana.smith@acme.test")
    claim = {"week": "2026-W47", "today": TODAY, "run_id": "r", "cap": None}
    ledger.claim(store, [Claim(a.id, "marketing", "email", address="ana@acme.test")], **claim)
    with pytest.raises(LedgerConflict) as err:
        ledger.claim(store, [Claim(b.id, "marketing", "email", address="ana@acme.test")], **claim)
    assert str(err.value) == (
        "ana@acme.test already has the marketing letter (send 1, prospect 1); "
        "a letter is never sent twice to one mailbox"
    )
    # Another letter may go there; and a refused (failed) send leaves the mailbox free.
    ledger.claim(store, [Claim(b.id, "cover", "email", address="ana@acme.test")], **claim)
    store.mark_transmitting(1)
    store.mark_failed(1, "550 no such user")
    ledger.claim(store, [Claim(b.id, "marketing", "email", address="ana@acme.test")], **claim)
    assert store.mailed_addresses("marketing") == {"ana@acme.test": b.id}
    store.close()


def test_a_claim_released_leaves_no_trace_and_a_retry_gets_its_state_back(
    tmp_path: Path,
) -> None:
    store: Store = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    a, b = add_prospect(store), add_prospect(store)
    claim = {"today": TODAY, "run_id": "r", "cap": None}
    (old,) = ledger.claim(store, [Claim(a.id, "marketing", "email")], week="2026-W46", **claim)
    store.mark_transmitting(old.id)
    store.mark_deferred(old.id, "451 greylisted")
    before = store.get_send(old.id)
    rows = ledger.claim(
        store,
        [Claim(a.id, "marketing", "email", old.id), Claim(b.id, "marketing", "email")],
        week="2026-W47",
        **claim,
    )
    assert [r.state for r in rows] == [SendState.CLAIMED] * 2
    ledger.release(store, [(rows[0].id, before), (rows[1].id, None)])
    assert store.list_sends() == [before]
    assert store.cap_used("2026-W47") == 0
    store.close()


def test_sends_from_before_the_address_column_get_their_prospects_email(tmp_path: Path) -> None:
    path = v1_database(tmp_path)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE prospects SET email = ' MBrennan@Keystone-Health.example' WHERE id = 1")
    store = open_store(f"sqlite:///{path}")
    assert [(s.prospect_id, s.address) for s in store.list_sends()] == [
        (1, "mbrennan@keystone-health.example"),
        (2, ""),  # no email: nothing to refuse by
    ]
    store.close()


def test_mailbox_is_case_blind_and_knows_a_labels() -> None:
    assert mailbox(" Ana@Bücher.DE ") == "ana@xn--bcher-kva.de"
    assert mailbox("ana@xn--bcher-kva.de") == "ana@xn--bcher-kva.de"
    assert mailbox("no-at-sign") == "no-at-sign"
