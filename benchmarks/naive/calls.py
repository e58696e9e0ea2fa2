"""`campaign calls`, naively: today's open calls joined with their prospects, one per line."""

import sqlite3
import sys

home, today = sys.argv[1], sys.argv[2]
db = sqlite3.connect(f"{home}/campaign.db")
rows = db.execute(
    "SELECT p.id, p.contact, p.company, p.phone, t.due, t.attempt, t.reason FROM tasks t "
    "JOIN prospects p ON p.id = t.prospect_id "
    "WHERE t.state = 'open' AND t.kind IN ('call', 'status_call') AND t.due <= ? "
    "ORDER BY t.due, t.id",
    (today,),
).fetchall()
for pid, contact, company, phone, due, attempt, reason in rows:
    last = db.execute(
        "SELECT called_on, outcome, note FROM calls WHERE prospect_id = ? "
        "ORDER BY called_on DESC, id DESC LIMIT 1",
        (pid,),
    ).fetchone()
    history = f"last call {last[0]}: {last[1]}" if last else "first call"
    print(f"{pid:>5}  {contact:<24} {company:<24} {phone:<16} {due} #{attempt} {reason}; {history}")
print(f"{len(rows)} calls")
