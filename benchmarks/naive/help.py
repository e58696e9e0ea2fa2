"""`campaign --help`, naively: a Click group with the same command names and help lines."""

import click

COMMANDS = {
    "init": "Create campaign.toml, templates/, lists/ and output/ where missing.",
    "import": "Import a CSV or XLSX list of employers and their hiring authorities.",
    "prospects": "List prospects in wave order: priority 1 first, then file order.",
    "merge": "Write the batch's letters into output/ for review; records no send.",
    "send": "Deliver this week's letters: email where there is an address, print the rest.",
    "calls": "The follow-up calls due: a call sheet to work from, oldest first.",
    "log": "Record a call's outcome and schedule the next step.",
    "reopen": "Make a declined or closed prospect active again.",
    "meeting": "Record a meeting and schedule a distinct thank-you to everyone met.",
    "contact": "Networking contacts: people who are not hiring authorities.",
    "agenda": "Everything to do: calls, emails to send, notes to write, letters to post.",
    "done": "Mark a task done.",
    "notes": "Print the thank-you notes still to write as note cards.",
    "status": "Where the campaign stands.",
    "report": "Write a self-contained HTML report with charts under output/.",
}


@click.group()
def cli() -> None:
    """Run a job seeker's direct-mail and follow-up campaign."""


for name, text in COMMANDS.items():
    cli.add_command(click.Command(name, help=text, callback=lambda: None))

if __name__ == "__main__":
    cli(["--help"])
