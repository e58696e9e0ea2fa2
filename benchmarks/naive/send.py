"""`campaign send`, naively: one SMTP connection, one message per prospect with an email.

No ledger and no follow-up calls: what a user's own loop over the list would do.
"""

import smtplib
import sqlite3
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

home, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = sqlite3.connect(f"{home}/campaign.db")
people = db.execute(
    "SELECT contact, company, email FROM prospects WHERE email != '' ORDER BY id"
).fetchall()
body = "Dear {contact},\n\nI admire what {company} does, and I would like to help.\n\nPat\n"
with smtplib.SMTP(host, port) as smtp:
    for contact, company, email in people:
        message = EmailMessage()
        message["From"] = "Pat Example <pat@example.com>"
        message["To"] = f"{contact} <{email}>"
        message["Subject"] = f"Twenty minutes for {company}?"
        message["Date"] = formatdate()
        message["Message-ID"] = make_msgid()
        message.set_content(body.format(contact=contact, company=company))
        smtp.send_message(message)
print(f"sent {len(people)}")
