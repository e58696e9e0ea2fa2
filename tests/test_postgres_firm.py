"""A counselling firm on one PostgreSQL database: the database itself keeps seekers apart.

Each campaign is a schema owned by its seeker's role, and nobody else's role is granted
anything on it: these tests connect as one seeker and try, with hand-written SQL, to read,
change and delete another's rows; add campaigns through the real CLI with and without the
rights to; list them; and read the worded errors of a database that can't be reached.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from campaign.store import open_store
from tests.pg_firm import FirmDatabase, prospect_list, seeker_folder

pytestmark = pytest.mark.slow


def add(run, home: Path, name: str, role: str):
    return run("--home", str(home), "campaigns", "add", name, "--role", role)


@pytest.fixture
def counsellor_home(tmp_path: Path, firm: FirmDatabase) -> Path:
    home = tmp_path / "counsellor"
    home.mkdir()
    (home / "campaign.toml").write_text(f'[store]\nurl = "{firm.url()}"\n', encoding="utf-8")
    return home


def test_adding_a_campaign_makes_its_schema_role_and_tables(
    run, firm: FirmDatabase, counsellor_home: Path
) -> None:
    zoe = firm.role("zoe")
    result = add(run, counsellor_home, "zoe-mueller", zoe)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Added the campaign zoe-mueller: schema zoe_mueller, owned by the role {zoe} "
        "(created now); no other seeker's role can read it.",
        f"Give the role a password: psql -d {firm.database} -c '\\password {zoe}' "
        "(the seeker keeps it in PGPASSWORD or ~/.pgpass, never in campaign.toml).",
        f"In the seeker's folder, campaign.toml: [store] url = \"postgresql+psycopg://"
        f'{zoe}@HOST/{firm.database}" and campaign = "zoe-mueller".',
    ]
    owners = firm.sql("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'zoe_mueller'")
    assert owners == [(zoe,)]  # the tables are the seeker's own, not the counsellor's
    assert firm.sql("SELECT nspacl::text FROM pg_namespace WHERE nspname = 'zoe_mueller'") == [
        (f"{{{zoe}=UC/{zoe}}}",)  # the owner alone: nothing for PUBLIC, nothing for others
    ]
    again = add(run, counsellor_home, "zoe-mueller", zoe)
    assert (again.exit_code, again.stderr) == (
        1,
        f"Error: the campaign 'zoe-mueller' exists already in "
        f"{make_url(firm.url()).render_as_string()} (schema zoe_mueller)\n",
    )


def test_a_seekers_role_cannot_read_change_or_delete_another_seekers_rows(
    run, firm: FirmDatabase, counsellor_home: Path, tmp_path: Path
) -> None:
    zoe, ben = firm.role("zoe"), firm.role("ben")
    assert add(run, counsellor_home, "zoe-mueller", zoe).exit_code == 0
    assert add(run, counsellor_home, "ben-okafor", ben).exit_code == 0
    home = seeker_folder(tmp_path, "zoe", firm.url(zoe), "zoe-mueller")
    imported = run("--home", str(home), "import", str(prospect_list(tmp_path / "z.csv", "zoe", 3)))
    assert imported.exit_code == 0, imported.output

    attempts = [
        "SELECT * FROM zoe_mueller.prospects",
        "UPDATE zoe_mueller.prospects SET company = 'mine now'",
        "DELETE FROM zoe_mueller.sends",
        "INSERT INTO zoe_mueller.locks VALUES ('send', 'x', 1, 'h', now())",
        "DROP TABLE zoe_mueller.tasks",
        "ALTER SCHEMA zoe_mueller RENAME TO stolen",
        f"SET ROLE {zoe}",
    ]
    engine = create_engine(firm.url(ben))
    refused = []
    for statement in attempts:
        with engine.connect() as conn, pytest.raises(ProgrammingError) as caught:
            conn.execute(text(statement))
        refused.append(str(caught.value.orig).splitlines()[0])
    with engine.connect() as conn:
        # Ben's own registry row is all the registry shows Ben's role.
        seen = conn.execute(text("SELECT name FROM campaign_registry.campaigns")).scalars()
        assert list(seen) == ["ben-okafor"]
        # And searching Zoe's schema finds nothing: search_path skips what a role can't use.
        conn.execute(text("SET search_path TO zoe_mueller"))
        with pytest.raises(ProgrammingError, match='relation "prospects" does not exist'):
            conn.execute(text("SELECT * FROM prospects"))
    engine.dispose()
    assert refused == [
        "permission denied for schema zoe_mueller",
        "permission denied for schema zoe_mueller",
        "permission denied for schema zoe_mueller",
        "permission denied for schema zoe_mueller",
        "permission denied for schema zoe_mueller",
        "must be owner of schema zoe_mueller",
        f'permission denied to set role "{zoe}"',
    ]
    assert firm.sql("SELECT count(*), min(company) FROM zoe_mueller.prospects") == [
        (3, "Zoe Employer 1 Inc.")
    ]
    # Through the CLI: Ben's folder pointed at Zoe's campaign is refused, saying why.
    wrong = seeker_folder(tmp_path, "ben", firm.url(ben), "zoe-mueller")
    result = run("--home", str(wrong), "status")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: can't open the store: {make_url(firm.url(ben)).render_as_string()}: role "
        f"'{ben}' has no rights on the campaign 'zoe-mueller' (schema zoe_mueller belongs to "
        f"role '{zoe}'): connect as '{zoe}', or ask the database's administrator to grant "
        f"{zoe} to {ben}\n"
    )


def test_a_campaign_not_added_yet_says_how_to_add_it(
    run, firm: FirmDatabase, tmp_path: Path
) -> None:
    home = seeker_folder(tmp_path, "zoe", firm.url(), "zoe-mueller")
    result = run("--home", str(home), "import", str(prospect_list(tmp_path / "z.csv", "zoe", 1)))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no campaign 'zoe-mueller' in {make_url(firm.url()).render_as_string()} yet "
        "(no schema zoe_mueller): its counsellor adds it with `campaign campaigns add "
        "zoe-mueller --role ROLE`; `campaign campaigns` lists those there are\n"
    )
    assert firm.sql("SELECT count(*) FROM pg_namespace WHERE nspname = 'zoe_mueller'") == [(0,)]


def test_adding_a_campaign_without_the_rights_says_which_and_changes_nothing(
    run, firm: FirmDatabase, tmp_path: Path
) -> None:
    clerk = firm.role("clerk")
    firm.sql(f"CREATE ROLE {clerk} LOGIN")  # neither CREATEROLE nor CREATE on the database
    home = tmp_path / "clerk"
    home.mkdir()
    (home / "campaign.toml").write_text(f'[store]\nurl = "{firm.url(clerk)}"\n', encoding="utf-8")
    result = add(run, home, "zoe-mueller", firm.role("zoe"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: role '{clerk}' may not create the registry schema campaign_registry "
        f"(permission denied for database {firm.database}); nothing was changed. It needs "
        f"CREATE on the database (GRANT CREATE ON DATABASE {firm.database} TO {clerk}), "
        "from the database's administrator; then add the campaign again\n"
    )
    firm.sql(f'GRANT CREATE ON DATABASE "{firm.database}" TO {clerk}')
    result = add(run, home, "zoe-mueller", firm.role("zoe"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: role '{clerk}' may not create the role {firm.role('zoe')} (permission denied "
        f"to create role); nothing was changed. It needs CREATEROLE (ALTER ROLE {clerk} "
        "CREATEROLE), from the database's administrator; then add the campaign again\n"
    )
    firm.sql(f"CREATE ROLE {firm.role('zoe')} LOGIN")  # made by the administrator instead
    result = add(run, home, "zoe-mueller", firm.role("zoe"))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: role '{clerk}' may not make itself a member of the role {firm.role('zoe')} "
    )
    assert "GRANT " + firm.role("zoe") + f" TO {clerk} WITH ADMIN OPTION" in result.stderr
    assert firm.sql(
        "SELECT count(*) FROM pg_namespace WHERE nspname IN ('zoe_mueller', 'campaign_registry')"
    ) == [(0,)]
    firm.sql(f"GRANT {firm.role('zoe')} TO {clerk}")  # as a DBA would
    assert add(run, home, "zoe-mueller", firm.role("zoe")).exit_code == 0


def test_campaigns_lists_every_campaign_with_its_pace(
    run, firm: FirmDatabase, counsellor_home: Path, tmp_path: Path
) -> None:
    zoe, ben = firm.role("zoe"), firm.role("ben")
    add(run, counsellor_home, "zoe-mueller", zoe)
    add(run, counsellor_home, "ben-okafor", ben)
    empty = json.loads(run("--home", str(counsellor_home), "campaigns", "--format", "json").stdout)
    assert [(c["name"], c["prospects"], c["weekly_cap"]) for c in empty] == [
        ("ben-okafor", 0, None),  # no command of Ben's has noted his cap yet
        ("zoe-mueller", 0, None),
    ]
    home = seeker_folder(
        tmp_path, "zoe", firm.url(zoe), "zoe-mueller", extra="[schedule]\nweekly_cap = 2\n"
    )
    run(
        "--home", str(home), "import", str(prospect_list(tmp_path / "z.csv", "zoe", 3, email=False))
    )
    assert run("--home", str(home), "send").exit_code == 0  # printed: no SMTP needed
    listed = json.loads(run("--home", str(counsellor_home), "campaigns", "--format", "json").stdout)
    assert [{k: c[k] for k in list(c)[:9]} for c in listed] == [
        {
            "name": "ben-okafor",
            "prospects": 0,
            "sent_this_week": 0,
            "weekly_cap": None,
            "calls_due": 0,
            "calls_overdue": 0,
            "meetings": 0,
            "offers": 0,
            "last_activity": None,
        },
        {
            "name": "zoe-mueller",
            "prospects": 3,
            "sent_this_week": 2,
            "weekly_cap": 2,
            "calls_due": 0,
            "calls_overdue": 0,
            "meetings": 0,
            "offers": 0,
            "last_activity": "2026-11-16",
        },
    ]
    assert listed[1]["role"] == zoe and listed[1]["waiting"] == 1
    later = {"CAMPAIGN_TODAY": "2026-12-07"}  # three weeks on: her calls are overdue
    table = run("--home", str(counsellor_home), "campaigns", env=later)
    assert table.exit_code == 0
    rows = [line.replace("│", " ").replace("|", " ").split() for line in table.stdout.splitlines()]
    assert ["zoe-mueller", "3", "0/2", "2", "2", "0", "0", "2026-11-16"] in rows
    # Zoe's own role sees her campaign, and only that others exist.
    own = run("--home", str(home), "campaigns", env=later)
    assert "zoe-mueller" in own.stdout and "ben-okafor" not in own.stdout
    assert own.stdout.endswith("1 more campaign in this database is not this role's to read.\n")


def test_the_default_campaign_is_the_public_schema_as_before(
    run, firm: FirmDatabase, counsellor_home: Path, tmp_path: Path
) -> None:
    home = tmp_path / "solo"
    home.mkdir()
    url = firm.url(make_url(firm.server_url).username)  # one user, no campaign named
    (home / "campaign.toml").write_text(f'[store]\nurl = "{url}"\n', encoding="utf-8")
    run("--home", str(home), "import", str(prospect_list(tmp_path / "s.csv", "solo", 2)))
    assert firm.sql("SELECT count(*) FROM public.prospects") == [(2,)]
    listed = json.loads(run("--home", str(home), "campaigns", "--format", "json").stdout)
    assert [(c["name"], c["prospects"]) for c in listed] == [("default", 2)]


def test_report_all_shows_who_is_behind_who_has_not_sent_and_interviews_to_come(
    run, firm: FirmDatabase, counsellor_home: Path, tmp_path: Path
) -> None:
    zoe, ben = firm.role("zoe"), firm.role("ben")
    add(run, counsellor_home, "zoe-mueller", zoe)
    add(run, counsellor_home, "ben-okafor", ben)
    zoe_home = seeker_folder(tmp_path, "zoe", firm.url(zoe), "zoe-mueller")
    ben_home = seeker_folder(tmp_path, "ben", firm.url(ben), "ben-okafor")
    for who, home in (("zoe", zoe_home), ("ben", ben_home)):
        csv = prospect_list(tmp_path / f"{who}.csv", who, 2, email=False)
        assert run("--home", str(home), "import", str(csv)).exit_code == 0
    assert run("--home", str(zoe_home), "send").exit_code == 0  # Ben sends nothing
    week3 = {"CAMPAIGN_TODAY": "2026-12-07"}
    logged = run("--home", str(zoe_home), "log", "1", "--outcome", "meeting", env=week3)
    assert logged.exit_code == 0, logged.output
    result = run("--home", str(counsellor_home), "report", "--all", env=week3)
    assert result.exit_code == 0, result.output
    path = counsellor_home / "output" / "firm-report-2026-12-07.html"
    assert result.stdout == f"Report written: {path}\n"
    page = path.read_text(encoding="utf-8")
    behind = re.search(r'<ul id="behind">(.*?)</ul>', page, re.S)
    assert behind and "zoe-mueller</strong>: 1 call overdue, the oldest due" in behind[1]
    not_sent = re.search(r'<ul id="not-sent">(.*?)</ul>', page, re.S)
    assert not_sent and "ben-okafor</strong>: nothing sent in 2026-W50, 2 prospects" in not_sent[1]
    assert "zoe-mueller" not in not_sent[1]
    assert re.search(
        r'<ul id="interviews">\s*<li><strong>zoe-mueller</strong>: Zoe Employer 1 Inc.', page
    )
    # The seekers' own prospects appear nowhere on it but as counts and company names.
    assert "Alex Zoe" not in page and "Main Street" not in page


def test_connection_errors_are_worded_and_the_password_is_masked(
    run, firm: FirmDatabase, tmp_path: Path
) -> None:
    socket_dir = make_url(firm.server_url).query["host"]
    pw = firm.role("pw")
    firm.sql(f"CREATE ROLE {pw} LOGIN PASSWORD 'right-one'")
    hba = Path(str(socket_dir)) / "data" / "pg_hba.conf"
    hba.write_text(f"local all {pw} scram-sha-256\n" + hba.read_text(), encoding="utf-8")
    firm.sql("SELECT pg_reload_conf()")

    def status(url: str) -> str:
        home = seeker_folder(tmp_path, "x", url, "default")
        result = run("--home", str(home), "status")
        assert result.exit_code == 1
        return result.stderr

    base = make_url(firm.url(pw))
    wrong = base.set(password="s3cret-wrong").render_as_string(hide_password=False)
    said = status(wrong)
    assert "s3cret-wrong" not in said
    assert said == (
        f"Error: can't open the store: {make_url(wrong).render_as_string()}: the server "
        f'refused the password of "{pw}" (the password comes from the URL, PGPASSWORD or '
        "~/.pgpass; never from campaign.toml)\n"
    )
    assert "***" in said
    assert status(base.render_as_string(hide_password=False)).endswith(
        ": the server wants a password and none was given (put it in PGPASSWORD or ~/.pgpass)\n"
    )
    missing = make_url(firm.url()).set(database="no_such_db").render_as_string()
    assert status(missing).endswith(
        ': the database "no_such_db" does not exist on the server (create it, e.g. '
        "`createdb no_such_db`, or correct the database name in the URL)\n"
    )
    down = make_url(firm.url()).update_query_dict({"host": str(tmp_path)}).render_as_string()
    assert status(down).endswith(
        f': the database server is not answering (nothing is listening on socket "{tmp_path}'
        '/.s.PGSQL.5432"): is it running, and are the host and port in the URL right?\n'
    )
    nobody = make_url(firm.url()).set(username="nobody_at_all").render_as_string()
    assert status(nobody).endswith(
        ': the server has no role "nobody_at_all" (correct the user name in the URL, or ask '
        "the database's administrator to create it)\n"
    )
    firm.sql(f'REVOKE CONNECT ON DATABASE "{firm.database}" FROM PUBLIC')
    assert status(firm.url(firm.counsellor)).endswith(
        f': the role in the URL may not connect to the database "{firm.database}" (its '
        f"administrator grants it with GRANT CONNECT ON DATABASE {firm.database} TO the role)\n"
    )


def test_open_store_keeps_each_campaign_to_its_schema(firm: FirmDatabase) -> None:
    for schema in ("zoe_mueller", "ben"):
        firm.sql(f"CREATE SCHEMA {schema}")
    zoe = open_store(firm.url(make_url(firm.server_url).username), "zoe-mueller")
    ben = open_store(firm.url(make_url(firm.server_url).username), "ben")
    with zoe.write() as conn:
        conn.execute(text("INSERT INTO locks VALUES ('send', 'z', 1, 'h', now())"))
    with ben.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM locks")).scalar() == 0
        assert conn.execute(text("SHOW search_path")).scalar() == "ben"
    zoe.close()
    ben.close()


def test_the_view_reads_of_a_campaign_see_its_schema_alone(firm: FirmDatabase) -> None:
    """On PostgreSQL the sqlite3 fast path is never taken: the reads of status, the call
    sheet and the report go through the engine that searches the campaign's schema only."""
    from datetime import date

    from campaign.clock import iso_week
    from tests.factories import add_prospect

    for schema in ("zoe_mueller", "ben"):
        firm.sql(f"CREATE SCHEMA {schema}")
    url = firm.url(make_url(firm.server_url).username)
    zoe, ben = open_store(url, "zoe-mueller"), open_store(url, "ben")
    for store, count in ((zoe, 3), (ben, 1)):
        for n in range(count):
            add_prospect(store, company=f"C{n}")
    today = date(2026, 11, 16)
    assert (zoe.fast, zoe.dialect, ben.fast) == (False, "postgresql", False)
    assert zoe.status_figures(today, iso_week(today)).by_status == {"active": 3}
    assert ben.status_figures(today, iso_week(today)).by_status == {"active": 1}
    assert len(zoe.report_history().prospects) == 3
    with ben.transaction() as tx:  # a unit of work's reads: the same schema
        assert [p.company for p in tx.report_history().prospects] == ["C0"]
        assert tx.next_in_line("marketing", 10) == tx.report_history().prospects
    zoe.close()
    ben.close()
