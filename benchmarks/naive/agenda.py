"""`campaign agenda`, naively: every open task due by today with whoever it is for."""

import sqlite3
import sys

home, today = sys.argv[1], sys.argv[2]
db = sqlite3.connect(f"{home}/campaign.db")
rows = db.execute(
    "SELECT t.id, t.due, t.kind, t.attempt, coalesce(c.name, p.contact, ''), "
    "coalesce(p.company, c.company, ''), coalesce(c.phone, p.phone, ''), t.reason "
    "FROM tasks t LEFT JOIN prospects p ON p.id = t.prospect_id "
    "LEFT JOIN contacts c ON c.id = t.contact_id "
    "WHERE t.state = 'open' AND t.due <= ? ORDER BY t.due, t.id",
    (today,),
).fetchall()
posts = db.execute(
    "SELECT s.id, s.sent_on, p.contact, p.company FROM sends s JOIN prospects p "
    "ON p.id = s.prospect_id WHERE s.channel = 'post' AND s.state = 'sent' AND s.sent_on = ?",
    (today,),
).fetchall()
for task, due, kind, attempt, who, company, phone, reason in rows:
    print(f"{task:>6} {due} {kind:<16} #{attempt} {who:<24} {company:<24} {phone:<16} {reason}")
for _send, day, who, company in posts:
    print(f"       {day} post_letter       {who:<24} {company}")
print(f"{len(rows) + len(posts)} things to do")
