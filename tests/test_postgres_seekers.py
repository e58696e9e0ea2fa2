"""Two job seekers on one PostgreSQL database, end to end through the real CLI.

Zoe and Ben each have a folder and a campaign (a schema and a role of their own), the
same SMTP server, and a prospect in common. Each imports, merges, sends, calls, logs and
reports; nothing of one ever shows in, counts against, or changes the other's: the ids
start at 1 for both, his cap is not hers, his import does not merge into hers, his call
log does not move her calls, and the server gets one copy of each letter from each.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.pg_firm import FirmDatabase, prospect_list, seeker_folder
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.slow

SHARED = "Shared Employer Inc.,Ms. Sam Both,CEO,sam@shared.example,+1 217 555 9999,1 Common Road,Springfield,IL,62701,1\n"  # noqa: E501 - one CSV line


def test_two_seekers_end_to_end_with_nothing_crossing(
    run, firm: FirmDatabase, server: SmtpServer, tmp_path: Path
) -> None:
    counsellor = tmp_path / "counsellor"
    counsellor.mkdir()
    (counsellor / "campaign.toml").write_text(f'[store]\nurl = "{firm.url()}"\n', encoding="utf-8")
    zoe, ben = firm.role("zoe"), firm.role("ben")
    for name, role in (("zoe-mueller", zoe), ("ben-okafor", ben)):
        added = run("--home", str(counsellor), "campaigns", "add", name, "--role", role)
        assert added.exit_code == 0, added.output
    homes = {
        "zoe": seeker_folder(
            tmp_path, "zoe", firm.url(zoe), "zoe-mueller", server.port,
            "[schedule]\nweekly_cap = 3\n",
        ),
        "ben": seeker_folder(tmp_path, "ben", firm.url(ben), "ben-okafor", server.port),
    }  # fmt: skip

    def cli(who: str, *args: str, today: str = "2026-11-16"):
        result = run("--home", str(homes[who]), *args, env={"CAMPAIGN_TODAY": today})
        assert result.exit_code == 0, f"{who}: campaign {' '.join(args)}: {result.output}"
        return result

    def as_json(who: str, *args: str, today: str = "2026-11-16"):
        return json.loads(cli(who, *args, "--format", "json", today=today).stdout)

    # -- import: each list into its own campaign; the prospect in common twice, unmerged
    for who, count in (("zoe", 5), ("ben", 4)):
        csv = prospect_list(tmp_path / f"{who}.csv", who, count)
        with csv.open("a", encoding="utf-8") as out:
            out.write(SHARED)
        said = cli(who, "import", str(csv)).stdout
        assert f"{count + 1} new, 0 updated" in said
    zoe_prospects = as_json("zoe", "prospects")
    ben_prospects = as_json("ben", "prospects")
    assert sorted(p["id"] for p in zoe_prospects) == [1, 2, 3, 4, 5, 6]
    assert sorted(p["id"] for p in ben_prospects) == [1, 2, 3, 4, 5]
    assert {p["company"] for p in zoe_prospects} & {p["company"] for p in ben_prospects} == {
        "Shared Employer Inc."
    }
    assert all("Ben" not in p["company"] for p in zoe_prospects)
    assert all("Zoe" not in p["company"] for p in ben_prospects)

    # -- merge: each folder gets its own letters, written by its own sender
    for who, waiting in (("zoe", 3), ("ben", 5)):
        cli(who, "merge", "--to", "email")
        emails = sorted((homes[who] / "output").rglob("*.eml"))
        assert len(emails) == waiting, emails
        assert all(who in e.name or "shared" in e.name for e in emails), emails
        assert all(f"{who}@seeker.example" in e.read_text(encoding="utf-8") for e in emails)

    # -- send: her cap is 3, his 20; the dry run lists only his own
    dry = cli("ben", "send", "--dry-run").stdout
    assert "Would send 5 by email" in dry and "Zoe" not in dry
    assert "Sent 3 by email" in cli("zoe", "send").stdout
    assert "Sent 5 by email" in cli("ben", "send").stdout  # her full week is no cap of his
    received = Counter(r.recipients[0] for r in server.received)
    assert received == Counter(
        [f"zoe{n}@zoe-employer{n}.example" for n in (1, 2)]
        + [f"ben{n}@ben-employer{n}.example" for n in (1, 2, 3, 4)]
        + ["sam@shared.example"] * 2  # one letter from each seeker
    )
    senders = Counter(r.sender for r in server.received if r.recipients == ["sam@shared.example"])
    assert senders == Counter(["zoe@seeker.example", "ben@seeker.example"])
    assert "Nothing to send: this week's cap is used (3 of 3" in cli("zoe", "send").stdout

    # -- a week on: each seeker's calls, her log moves only hers
    week2 = "2026-11-23"
    zoe_calls = as_json("zoe", "calls", "--due", "all", today=week2)
    ben_calls = as_json("ben", "calls", "--due", "all", today=week2)
    assert sorted(c["prospect_id"] for c in zoe_calls) == [1, 2, 6]
    assert sorted(c["prospect_id"] for c in ben_calls) == [1, 2, 3, 4, 5]
    assert {c["company"] for c in zoe_calls} == {
        "Shared Employer Inc.", "Zoe Employer 1 Inc.", "Zoe Employer 2 Inc."
    }  # fmt: skip
    logged = cli("zoe", "log", "1", "--outcome", "meeting", today=week2)
    assert "prospect 1 (Zoe Employer 1 Inc.)" in logged.stdout
    assert as_json("ben", "calls", "--due", "all", today=week2) == ben_calls
    assert len(as_json("zoe", "calls", "--due", "all", today=week2)) == 2

    # -- status and report: each its own
    zoe_status = as_json("zoe", "status", today=week2)
    ben_status = as_json("ben", "status", today=week2)
    assert (zoe_status["prospects"], zoe_status["sent"], zoe_status["weekly_cap"]) == (6, 3, 3)
    assert (ben_status["prospects"], ben_status["sent"], ben_status["weekly_cap"]) == (5, 5, 20)
    assert zoe_status["funnel"]["meetings"] == 1 and ben_status["funnel"]["meetings"] == 0
    for who in ("zoe", "ben"):
        cli(who, "report", today=week2)
        page = next((homes[who] / "output").glob("report-*.html")).read_text(encoding="utf-8")
        other = "Ben" if who == "zoe" else "Zoe"
        assert f"{who.title()} Employer 1 Inc." in page and f"{other} Employer" not in page

    # -- the counsellor sees both, each with its own pace
    listed = as_json_of(run, counsellor, week2)
    assert {c["name"]: (c["prospects"], c["sent_this_week"], c["weekly_cap"]) for c in listed} == {
        "ben-okafor": (5, 0, 20),
        "zoe-mueller": (6, 0, 3),
    }
    assert {c["name"]: c["meetings"] for c in listed} == {"ben-okafor": 0, "zoe-mueller": 1}
    # And nothing was ever written outside the two campaigns' schemas.
    assert firm.sql(
        "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
        "('zoe_mueller', 'ben_okafor', 'campaign_registry', 'pg_catalog', 'information_schema')"
    ) == [(0,)]


def as_json_of(run, home: Path, today: str) -> list[dict[str, object]]:
    result = run(
        "--home", str(home), "campaigns", "--format", "json", env={"CAMPAIGN_TODAY": today}
    )
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))
