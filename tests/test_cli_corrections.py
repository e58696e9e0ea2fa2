"""``campaign show``, ``edit``, ``contact edit``, ``meeting edit`` and ``meeting remove``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from campaign.models import Channel, SendState
from tests.factories import add_prospect, store_at
from tests.history import add_send

HEADER = "Company,Hiring Manager,Title,Email,Phone,Address,City,State,Zip\n"


def _list(path: Path, body: str) -> Path:
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_show_tells_the_whole_story_in_date_order(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(
        store,
        company="Acme",
        contact="Capt. Marie Landry",
        honorific="Capt.",
        first_name="Marie",
        last_name="Landry",
        title="COO",
        suffix="PhD",
    )
    add_send(store, acme.id, date(2026, 11, 9), channel=Channel.EMAIL)
    store.close()
    logged = run("log", str(acme.id), "--outcome", "voicemail", "--note", "left a message")
    assert logged.exit_code == 0, logged.output
    shown = run("show", str(acme.id))
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0] == f"#{acme.id} Acme: Capt. Marie Landry (active)"
    assert "  Letters write: Capt. Marie Landry, PhD" in lines
    assert "  Salutation:    Dear Captain Landry:" in lines
    history = lines[lines.index("History and plan (date order):") + 1 :]
    assert history[0] == "  2026-11-09  letter 'marketing' by email: sent"
    assert '  2026-11-16  call 1: voicemail: "left a message"' in history
    assert lines[-1].startswith("Next step: ") and "\u27e8" not in shown.stdout
    document = json.loads(run("show", str(acme.id), "--format", "json").stdout)
    assert {"prospect", "sends", "calls", "meetings", "tasks", "next_step"} <= set(document)
    assert document["prospect"]["company"] == "Acme"
    assert [s["state"] for s in document["sends"]] == ["sent"]
    assert [c["note"] for c in document["calls"]] == ["left a message"]
    assert document["next_step"]["kind"] == "call"
    missing = run("show", "99")
    assert (missing.exit_code, missing.stderr) == (
        1,
        "Error: no prospect with id 99 (see `campaign prospects`)\n",
    )


def test_edit_checks_like_import_and_says_what_changed_in_one_line(
    run, campaign_home: Path, tmp_path: Path
) -> None:
    _list(tmp_path / "l.csv", "Acme,Ada Okafor,CTO,ada@acme.test,(312) 555-0110,,,,\n")
    assert run("import", str(tmp_path / "l.csv")).exit_code == 0
    edited = run("edit", "1", "--phone", "312 555 0199", "--title", "CEO", "--priority", "high")
    assert edited.stdout == (
        "#1 Acme (Ada Okafor): title: CTO -> CEO; phone: (312) 555-0110 -> (312) 555-0199; "
        "priority: (blank) -> 1\n"
    )
    same = run("edit", "1", "--title", "CEO")
    assert same.stdout == "#1 Acme (Ada Okafor): nothing changed\n"
    for args, message in [
        (["--email", "ada@"], "--email 'ada@': There must be something after the @-sign."),
        (["--email", "jürgen@acme.test"], "--email 'jürgen@acme.test': the part before the @ is "
         "not plain ASCII, which needs SMTPUTF8; ask for an ASCII address"),
        (["--priority", "soon"], "--priority 'soon': a whole number >= 1 (1 = best) or "
         "high/medium/low"),
        (["--title", ""], "--title is blank; to empty a field use --clear title"),
        (["--title", "a\nb"], "--title 'a\\nb': one line, please (no line breaks)"),
    ]:  # fmt: skip
        result = run("edit", "1", *args)
        assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n"), args
    cleared = run("edit", "1", "--clear", "phone")
    assert cleared.stdout == "#1 Acme (Ada Okafor): phone: (312) 555-0199 -> (blank)\n"
    # An international domain is stored as it is sent (its A-label).
    idn = run("edit", "1", "--email", "ada@bücher.de")
    assert idn.stdout == "#1 Acme (Ada Okafor): email: ada@acme.test -> ada@xn--bcher-kva.de\n"
    shown = json.loads(run("show", "1", "--format", "json").stdout)
    assert shown["email_shown"] == "ada@bücher.de"
    assert shown["former_emails"] == [{"email": "ada@acme.test", "until": "2026-11-16"}]


def test_edit_refuses_an_email_a_delivery_in_doubt_depends_on(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme", email="ana@acme.test")
    send_id = add_send(store, acme.id, date(2026, 11, 16), channel=Channel.EMAIL,
                       state=SendState.UNKNOWN)  # fmt: skip
    store.close()
    result = run("edit", str(acme.id), "--email", "ana.lima@acme.test")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: prospect {acme.id}'s letter 'marketing' to ana@acme.test is unknown (send "
        f"{send_id}): its email can't change under it; settle the send first (`campaign send "
        f"--settle {send_id} --sent` or `--not-sent`)\n",
    )
    assert run("edit", str(acme.id), "--phone", "217 555 0100").exit_code == 0


def test_a_prospect_without_an_address_waits_for_edit_and_its_research_task_closes(
    run, campaign_home: Path, sender_config: Path, tmp_path: Path
) -> None:
    _list(tmp_path / "l.csv", "Acme,Ada Okafor,CTO,,,,,,\n")
    assert "1 prospect needs an address or email" in run("import", str(tmp_path / "l.csv")).stdout
    agenda = json.loads(run("agenda", "--format", "json").stdout)
    assert [(a["kind"], a["reason"]) for a in agenda] == [
        ("research", "find a mailing address or email for Ada Okafor at Acme")
    ]
    assert json.loads(run("prospects", "--batch", "all", "--format", "json").stdout) == []
    incomplete = json.loads(run("prospects", "--incomplete", "--format", "json").stdout)
    assert [p["id"] for p in incomplete] == [1]
    edited = run("edit", "1", "--street", "1 Main St", "--city", "Boston", "--state", "MA",
                 "--zip", "2110")  # fmt: skip
    assert edited.stdout.splitlines()[1] == (
        "Research task closed: a letter can reach them now (in the next wave)."
    )
    assert "postal_code: (blank) -> 02110" in edited.stdout
    assert [p["id"] for p in json.loads(run("prospects", "--batch", "all", "--format",
                                           "json").stdout)] == [1]  # fmt: skip
    assert json.loads(run("agenda", "--format", "json").stdout) == []


def test_contact_edit(run, campaign_home: Path) -> None:
    assert run("contact", "add", "Dana Lee", "--company", "Lee & Co").exit_code == 0
    edited = run("contact", "edit", "1", "--email", "Dana@Lee.test", "--title", "Partner")
    assert edited.stdout == (
        "contact 1 (Dana Lee): title: (blank) -> Partner; email: (blank) -> dana@lee.test\n"
    )
    bad = run("contact", "edit", "1", "--email", "dana@")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Error: contact edit --email 'dana@': ")


def test_meeting_edit_moves_the_thank_yous_and_remove_takes_it_back(
    run, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    store.close()
    recorded = run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Ms. Ana Ruiz")
    assert recorded.exit_code == 0, recorded.output
    moved = run("meeting", "edit", "1", "--on", "2026-11-13")
    assert moved.exit_code == 0, moved.output
    assert moved.stdout.splitlines() == [
        f"Meeting 1 (prospect {acme.id}): held on changed.",
        "  task T1: Send thank-you email due 2026-11-13 for Ms. Ana Ruiz",
        "  task T2: Write note by hand due 2026-11-16 for Ms. Ana Ruiz",
        "  task T3: Status call due 2026-11-20",
    ]
    agenda = json.loads(run("agenda", "--due", "all", "--format", "json").stdout)
    assert "after the meeting of 13 Nov 2026" in agenda[0]["reason"]
    future = run("meeting", "edit", "1", "--on", "2026-12-01")
    assert future.exit_code == 1
    removed = run("meeting", "remove", "1")
    assert removed.stdout.splitlines()[0] == (
        f"Removed meeting 1 of prospect {acme.id}; 3 open tasks cancelled."
    )
    assert removed.stdout.splitlines()[1].startswith("Back to prospecting: a follow-up call on ")
    shown = json.loads(run("show", str(acme.id), "--format", "json").stdout)
    assert (shown["prospect"]["status"], shown["meetings"]) == ("active", [])
