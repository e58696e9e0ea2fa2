"""`campaign status`, naively: a handful of counts straight from the SQLite file."""

import sqlite3
import sys
from datetime import date

home, today = sys.argv[1], date.fromisoformat(sys.argv[2])
db = sqlite3.connect(f"{home}/campaign.db")
week = "{}-W{:02d}".format(*today.isocalendar()[:2])
print(f"Campaign status, {today:%A %d %B %Y} (week {week})")
for status, n in db.execute("SELECT status, count(*) FROM prospects GROUP BY status"):
    print(f"  {status:<12} {n}")
for channel, n in db.execute(
    "SELECT channel, count(*) FROM sends WHERE state = 'sent' GROUP BY channel"
):
    print(f"  sent by {channel:<6} {n}")
(this_week,) = db.execute(
    "SELECT count(*) FROM sends WHERE week = ? AND state != 'failed'", (week,)
).fetchone()
print(f"  this week    {this_week}")
(calls,) = db.execute("SELECT count(*) FROM calls").fetchone()
print(f"  calls made   {calls}")
(spoken,) = db.execute(
    "SELECT count(DISTINCT prospect_id) FROM calls "
    "WHERE outcome IN ('reached', 'meeting', 'declined', 'hired', 'offer')"
).fetchone()
print(f"  spoken with  {spoken}")
for kind, n in db.execute(
    "SELECT kind, count(*) FROM tasks WHERE state = 'open' AND due <= ? GROUP BY kind",
    (today.isoformat(),),
):
    print(f"  due: {kind:<10} {n}")
(waiting,) = db.execute(
    "SELECT count(*) FROM prospects p WHERE status = 'active' AND NOT EXISTS "
    "(SELECT 1 FROM sends s WHERE s.prospect_id = p.id AND s.letter = 'marketing')"
).fetchone()
print(f"  still to write to {waiting}")
