"""`campaign report`, naively: read every table, draw five matplotlib charts, write one page."""

import base64
import html
import io
import sqlite3
import sys
from collections import Counter
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

home, today = sys.argv[1], date.fromisoformat(sys.argv[2])
db = sqlite3.connect(f"{home}/campaign.db")
people = db.execute("SELECT id, company, contact, priority, status FROM prospects").fetchall()
sends = db.execute("SELECT prospect_id, letter, state, week, sent_on FROM sends").fetchall()
calls = db.execute("SELECT prospect_id, called_on, outcome FROM calls").fetchall()
tasks = db.execute("SELECT prospect_id, due, kind FROM tasks WHERE state = 'open'").fetchall()


def week(day: str) -> str:
    return "{}-W{:02d}".format(*date.fromisoformat(day).isocalendar()[:2])


def svg(fig) -> str:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


charts = []
per_week = Counter(week(s[4]) for s in sends if s[2] == "sent" and s[4])
weeks = sorted(per_week)
fig, ax = plt.subplots(figsize=(9, 3.2))
ax.bar(range(len(weeks)), [per_week[w] for w in weeks], color="#8c8c8c", edgecolor="black")
charts.append(svg(fig))
outcomes = sorted({c[2] for c in calls})
by_week = Counter((week(c[1]), c[2]) for c in calls)
call_weeks = sorted({week(c[1]) for c in calls})
fig, ax = plt.subplots(figsize=(9, 3.4))
bottom = [0] * len(call_weeks)
hatches = ["", "///", "\\\\\\", "xxx", "...", "ooo", "+++"]
for i, outcome in enumerate(outcomes):
    values = [by_week[(w, outcome)] for w in call_weeks]
    ax.bar(range(len(call_weeks)), values, bottom=bottom, hatch=hatches[i % 7], label=outcome)
    bottom = [b + v for b, v in zip(bottom, values, strict=True)]
ax.legend()
charts.append(svg(fig))
stages = Counter(p[4] for p in people)
fig, ax = plt.subplots(figsize=(9, 3))
ax.barh(list(stages), list(stages.values()), hatch="..")
charts.append(svg(fig))
sent_to = {s[0] for s in sends if s[2] == "sent"}
spoke = {c[0] for c in calls if c[2] in ("reached", "meeting", "declined", "hired", "offer")}
fig, ax = plt.subplots(figsize=(9, 2.8))
ax.barh(["all"], [100 * len(sent_to & spoke) / max(len(sent_to), 1)], hatch="\\\\")
charts.append(svg(fig))
load = Counter(t[1] for t in tasks if t[2] in ("call", "status_call"))
days = [today + timedelta(days=i) for i in range(28)]
fig, ax = plt.subplots(figsize=(9, 3))
ax.bar(range(len(days)), [load[d.isoformat()] for d in days], hatch="xxx")
charts.append(svg(fig))
rows = "".join(
    f"<tr><td>{p[0]}</td><td>{html.escape(p[1])}</td><td>{html.escape(p[2])}</td>"
    f"<td>{p[3] or ''}</td><td>{p[4]}</td></tr>"
    for p in people
)
images = "".join(f'<img src="{c}">' for c in charts)
page = f"<html><body><h1>Report {today}</h1>{images}<table>{rows}</table></body></html>"
with open(f"{home}/output/naive-report.html", "w", encoding="utf-8") as out:
    out.write(page)
print(f"wrote {home}/output/naive-report.html")
