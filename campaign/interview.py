"""After a meeting: a distinct thank-you to everyone met, then calls until a decision.

``plan_meeting`` turns what the job seeker recorded into the people met, their
drafts (one thank-you email and one handwritten note each, from Jinja2 templates
that treat every recorded value as plain text) and the tasks that follow; the store
writes it all in one transaction. Networking contacts and marking tasks done live
here too, since they share the same task list and cadence rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from campaign.clock import BusinessCalendar
from campaign.config import Settings
from campaign.errors import InputError, TemplateError
from campaign.followup import check_in_play, place_call
from campaign.models import CLOSED, DECLINED, INTERVIEW, OFFER, Contact, Prospect, Task

if TYPE_CHECKING:
    from campaign.store import Store
    from campaign.store.meetings import SavedMeeting

THANK_YOU_EMAIL = "thank_you_email"
NOTE = "note"
STATUS_CALL = "status_call"
CONTACT_CALL = "contact_call"
EMAIL_TEMPLATE = "thank_you_email.txt"
NOTE_TEMPLATE = "thank_you_note.txt"
PACKAGE_TEMPLATES = Path(__file__).parent / "templates"

HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"}
# Words that say a problem came up: the follow-up then proposes another meeting.
PROBLEM_WORDS = re.compile(
    r"\b(problem|challenge|issue|struggl|difficult|pain|bottleneck|backlog|"
    r"shortfall|behind|losing|churn|delay)",
    re.IGNORECASE,
)
# How an interview-stage decision closes the company's follow-up.
DECISIONS = {"offer": OFFER, "declined": DECLINED, "closed": CLOSED}


@dataclass(frozen=True)
class Person:
    """Someone met at a meeting, with what the job seeker noted about them."""

    name: str
    honorific: str = ""
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    interest: str = ""
    discussed: str = ""
    gift: str = ""
    objection: str = ""  # a concern this person raised
    answer: str = ""  # the job seeker's answer to it (or to the meeting's concern)

    @property
    def display(self) -> str:
        """``Ms. Ana Ruiz, VP Sales``."""
        named = " ".join(p for p in (self.honorific, self.name) if p)
        return f"{named}, {self.title}" if self.title else named

    @property
    def salutation(self) -> str:
        """``Ms. Ruiz`` when an honorific was given, else the first name (``Ana``).

        Without an honorific there is no title to guess, and a thank-you to someone
        you have just met by name reads naturally on first names ("Dear Ana,").
        """
        if self.honorific and self.last_name:
            return f"{self.honorific} {self.last_name}"
        return self.first_name or self.name


@dataclass(frozen=True)
class MeetingRequest:
    """What the job seeker typed about a meeting (the raw ``Name: value`` options)."""

    prospect_id: int
    held_on: date
    people: Sequence[str] = ()
    interests: Sequence[str] = ()
    discussed: Sequence[str] = ()
    gifts: Sequence[str] = ()
    emails: Sequence[str] = ()
    phones: Sequence[str] = ()
    note: str = ""
    next_steps: str = ""
    decision_by: date | None = None
    standing: str = ""
    objections: Sequence[str] = ()
    answers: Sequence[str] = ()
    fit: str = ""
    referred_by: int | None = None


@dataclass(frozen=True)
class Draft:
    """A thank-you to one person: its subject (emails only) and text."""

    kind: str
    person: str
    subject: str
    text: str


@dataclass(frozen=True)
class PlannedTask:
    """A task to write: ``person`` indexes MeetingPlan.people (None: the whole meeting)."""

    kind: str
    due: date
    reason: str
    person: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def is_call(self) -> bool:
        """Calls are placed under the daily call cap when written."""
        return self.kind == STATUS_CALL


@dataclass(frozen=True)
class MeetingPlan:
    """Everything recording a meeting will write."""

    prospect_id: int
    company: str
    held_on: date
    people: tuple[Person, ...]
    tasks: tuple[PlannedTask, ...]
    note: str = ""
    next_steps: str = ""
    decision_by: date | None = None
    standing: str = ""
    objection: str = ""
    referred_by: int | None = None
    second_meeting: tuple[str, ...] = ()  # whose notes propose a second meeting


def parse_person(text: str) -> Person:
    """``"Ms. Ana Ruiz, VP Sales"`` -> Person(name="Ana Ruiz", honorific="Ms.", title=...)."""
    flat = _one_line(text)
    named, _, title = flat.partition(",")
    words = named.split()
    honorific = ""
    if len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
        honorific, words = words[0], words[1:]
    if not words:
        raise InputError(f'--with {text!r}: give a name, e.g. --with "Ms. Ana Ruiz, VP Sales"')
    return Person(
        name=" ".join(words),
        honorific=honorific,
        first_name=words[0] if len(words) > 1 else "",
        last_name=words[-1],
        title=title.strip(),
    )


def _one_line(text: str) -> str:
    # Recorded values land in subjects and card headers: no line breaks, no runs of spaces.
    return " ".join(text.split())


def assign(people: Sequence[Person], values: Iterable[str], option: str) -> dict[int, str]:
    """Match ``"Name: value"`` options to people; a bare value is fine when one person was met."""
    found: dict[int, str] = {}
    for raw in values:
        key, sep, rest = raw.partition(":")
        index = _match(people, key, raw, option) if sep else None
        if index is None:
            if len(people) != 1:
                met = ", ".join(p.name for p in people)
                raise InputError(
                    f"{option} {raw!r}: start it with the name of someone met, e.g. {option} "
                    f'"{people[0].name if people else "Ana Ruiz"}: ..." (met: {met})'
                )
            index, rest = 0, raw
        value = _one_line(rest)
        if not value:
            raise InputError(f"{option} {raw!r}: nothing after the name")
        found[index] = f"{found[index]}; {value}" if index in found else value
    return found


def _match(people: Sequence[Person], key: str, raw: str, option: str) -> int | None:
    """The person ``key`` names (full name, else first or last); InputError if several."""
    wanted = " ".join(key.split()).lower()
    if not wanted:
        return None
    for i, p in enumerate(people):
        if p.name.lower() == wanted or f"{p.honorific} {p.name}".lower() == wanted:
            return i
    hits = [
        i for i, p in enumerate(people) if wanted in (p.first_name.lower(), p.last_name.lower())
    ]
    if len(hits) > 1:
        named = [people[i].name for i in hits]
        raise InputError(
            f"{option} {raw!r}: {key.strip()!r} is ambiguous: it could be "
            f"{', '.join(named[:-1])} or {named[-1]}; use the full name, e.g. "
            f'{option} "{named[0]}: ..."'
        )
    return hits[0] if hits else None


def assign_or_meeting(
    people: Sequence[Person], values: Iterable[str], option: str
) -> tuple[dict[int, str], str]:
    """Like ``assign``, but with several people met a bare value is the whole meeting's.

    A concern can be raised by one person or come up in the meeting at large; a bare
    value is only refused when it starts with what looks like a name no one met
    ("Anne: ..."), since printing that prefix in every note is the mistake to avoid.
    """
    if len(people) == 1:
        return assign(people, values, option), ""
    mine: list[str] = []
    shared: list[str] = []
    for raw in values:
        key, sep, rest = raw.partition(":")
        if sep and _match(people, key, raw, option) is not None:
            mine.append(raw)
        elif sep and 0 < len(key.split()) <= 3 and rest.strip():
            met = ", ".join(p.name for p in people)
            raise InputError(
                f"{option} {raw!r}: {key.strip()!r} is not someone met (met: {met}); start it "
                f"with their name, or leave the name out for one raised by the whole meeting"
            )
        elif _one_line(raw):
            shared.append(_one_line(raw))
        else:
            raise InputError(f"{option} {raw!r}: nothing to record")
    return assign(people, mine, option), "; ".join(shared)


@dataclass(frozen=True)
class Concern:
    """A concern raised by the meeting at large (not by one person), and the answer to it."""

    objection: str = ""
    answer: str = ""


def build_people(request: MeetingRequest) -> tuple[Person, ...]:
    """The people met, with every ``Name: value`` option attached to its person."""
    return meet(request)[0]


def meet(request: MeetingRequest) -> tuple[tuple[Person, ...], Concern]:
    """The people met with their ``Name: value`` options, and the meeting's own concern."""
    if not request.people:
        # A meeting with nobody would leave everyone met without a thank-you.
        raise InputError('--with: name everyone met, e.g. --with "Ms. Ana Ruiz, VP Sales"')
    people = [parse_person(text) for text in request.people]
    names = [p.name.lower() for p in people]
    for p in people:
        if names.count(p.name.lower()) > 1:
            raise InputError(f"--with {p.name!r} is given twice")
    for option, values, attr in (
        ("--interest", request.interests, "interest"),
        ("--discussed", request.discussed, "discussed"),
        ("--gift", request.gifts, "gift"),
        ("--email", request.emails, "email"),
        ("--phone", request.phones, "phone"),
    ):
        for index, value in assign(people, values, option).items():
            people[index] = replace(people[index], **{attr: value})
    objections, shared = assign_or_meeting(people, request.objections, "--objection")
    for index, value in objections.items():
        people[index] = replace(people[index], objection=value)
    answers, answer = assign_or_meeting(people, request.answers, "--answer")
    for index, value in answers.items():
        if not (people[index].objection or shared):
            raise InputError(
                f"--answer for {people[index].name}: they raised no --objection; give it as "
                f'--objection "{people[index].name}: ..."'
            )
        people[index] = replace(people[index], answer=value)
    if answer and not shared:
        raise InputError(
            f"--answer {answer!r}: with several people met, start it with the name of the "
            f"person whose --objection it answers"
        )
    return tuple(people), Concern(shared, answer)


def objection_record(people: Sequence[Person], concern: Concern) -> str:
    """The objections as the meeting keeps them: ``Ann Lee: no WMS; too senior``."""
    own = [f"{p.name}: {p.objection}" for p in people if p.objection]
    return "; ".join([*own, *([concern.objection] if concern.objection else [])])


def is_hiring_authority(person: Person, prospect: Prospect) -> bool:
    """Whether someone met is the prospect's own contact (``Dr. Ada Okafor`` is ``Ada Okafor``)."""
    if person.first_name and prospect.first_name and prospect.last_name:
        return (person.first_name.casefold(), person.last_name.casefold()) == (
            prospect.first_name.casefold(),
            prospect.last_name.casefold(),
        )
    contact = parse_person(prospect.contact).name if prospect.contact.strip() else ""
    return person.name.casefold() == contact.casefold()


def card(
    email: str, phone: str, region: str, complaint: Callable[[str, str], str]
) -> tuple[str, str]:
    """An email checked and a phone written as import does.

    A bad email is an InputError worded by ``complaint(email, why)``.
    """
    from campaign.intake import check_email, format_phone

    if email:
        valid, why = check_email(email)
        if not valid:
            raise InputError(complaint(email, why))
        email = valid
    return email, format_phone(phone, region) if phone else ""


def _bad_card_email(name: str) -> Callable[[str, str], str]:
    return lambda bad, why: f"--email for {name}: {bad!r} is not a valid email ({why})"


def business_cards(
    people: Sequence[Person], prospect: Prospect, country: str
) -> tuple[Person, ...]:
    """Emails checked and phones formatted as import does; the hiring authority's from the list.

    A business card's details win; the hiring authority met without one keeps the email
    and phone the list has for them, so their thank-you email has an address, and the
    honorific, so the thank-you greets them as the letter did.
    """
    region = prospect.country.upper() if len(prospect.country) == 2 else country
    checked = []
    for person in people:
        email, phone = card(
            person.email,
            person.phone,
            region,
            _bad_card_email(person.name),
        )
        honorific = person.honorific
        if is_hiring_authority(person, prospect):
            email, phone = email or prospect.email, phone or prospect.phone
            # Met as "Jürgen Müller", the list's Dr. Müller is greeted as the letter did.
            honorific = honorific or prospect.honorific
        checked.append(replace(person, email=email, phone=phone, honorific=honorific))
    return tuple(checked)


def plan_meeting(
    request: MeetingRequest,
    prospect: Prospect,
    settings: Settings,
    calendar: BusinessCalendar,
    today: date,
) -> MeetingPlan:
    """The people, drafts and tasks a meeting brings; refuses drafts that read the same."""
    if request.held_on > today:
        raise InputError(
            f"--on {request.held_on.isoformat()} is after today ({today.isoformat()}); "
            f"record a meeting once it has happened"
        )
    if request.decision_by is not None and request.decision_by < request.held_on:
        raise InputError(
            f"--decision-by {request.decision_by.isoformat()} is before the meeting "
            f"({request.held_on.isoformat()})"
        )
    met, concern = meet(request)
    people = business_cards(met, prospect, settings.country)
    drafts = render_drafts(request, prospect, people, settings, concern)
    timing = settings.interview
    planned: list[PlannedTask] = []
    for index, person in enumerate(people):
        email, note = drafts[index]
        planned.append(
            PlannedTask(
                THANK_YOU_EMAIL,
                request.held_on + timedelta(days=timing.thank_you_email_days),
                f"thank-you email after the meeting of {_day(request.held_on)}",
                index,
                {
                    "person": person.display,
                    "to": person.email,
                    "subject": email.subject,
                    "draft": email.text,
                },
            )
        )
        planned.append(
            PlannedTask(
                NOTE,
                calendar.add_business_days(request.held_on, timing.note_days),
                f"handwritten note after the meeting of {_day(request.held_on)}",
                index,
                {"person": person.display, "draft": note.text},
            )
        )
    if request.decision_by is not None:
        call_on = calendar.after(request.decision_by)
        reason = f"decision was due {_day(request.decision_by)}"
    else:
        call_on = request.held_on + timedelta(days=timing.status_call_days)
        reason = f"status: no decision since the meeting of {_day(request.held_on)}"
    planned.append(PlannedTask(STATUS_CALL, call_on, reason))
    return MeetingPlan(
        prospect_id=prospect.id,
        company=prospect.company,
        held_on=request.held_on,
        people=people,
        tasks=tuple(planned),
        note=request.note,
        next_steps=request.next_steps,
        decision_by=request.decision_by,
        standing=request.standing,
        objection=objection_record(people, concern),
        referred_by=request.referred_by,
        second_meeting=tuple(p.name for p in people if raised_problem(request, p)),
    )


def raised_problem(request: MeetingRequest, person: Person) -> bool:
    """Whether the notes say a problem came up with this person (or in the whole meeting)."""
    return bool(PROBLEM_WORDS.search(request.note) or PROBLEM_WORDS.search(person.discussed))


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _prose_day(day: date) -> str:
    # Drafts are US business prose: "November 17", not the task list's "17 Nov 2026".
    return f"{day:%B} {day.day}"


def render_drafts(
    request: MeetingRequest,
    prospect: Prospect,
    people: Sequence[Person],
    settings: Settings,
    concern: Concern = Concern(),
) -> list[tuple[Draft, Draft]]:
    """One (email, note) pair per person; two that differ only by name are refused."""
    env = template_env(settings.templates_dir)
    email_t = _load(env, EMAIL_TEMPLATE)
    note_t = _load(env, NOTE_TEMPLATE)
    from campaign.merge import as_written

    # The signature shows the phone as the letters do: "(217) 555-0100", not "+1 217 ...".
    sender = as_written(settings.sender) if settings.sender else None
    base = {
        "company": prospect.company,
        "meeting_day": _prose_day(request.held_on),
        "next_steps": _one_line(request.next_steps),
        "meeting_objection": concern.objection,
        "meeting_answer": concern.answer,
        "fit": _one_line(request.fit),
        "sender_name": sender.name if sender else "",
        "sender_phone": sender.phone if sender else "",
        "sender_email": sender.email if sender else "",
    }
    drafts = []
    for person in people:
        context = _draft_context(request, base, person, person)
        subject, email_text = _split_subject(_render(email_t, EMAIL_TEMPLATE, context))
        note_text = _render(note_t, NOTE_TEMPLATE, context).strip() + "\n"
        drafts.append(
            (
                Draft(THANK_YOU_EMAIL, person.name, subject, email_text),
                Draft(NOTE, person.name, "", note_text),
            )
        )
    _refuse_lookalikes(request, people, base, email_t, note_t)
    return drafts


def _draft_context(
    request: MeetingRequest, base: Mapping[str, Any], shown: Person, person: Person
) -> dict[str, Any]:
    """What one person's drafts are rendered with (``shown`` may be ``person`` made anonymous)."""
    context = {**base, **_person_context(shown)}
    if person.answer and not person.objection:
        context["meeting_answer"] = person.answer  # their own answer to the meeting's concern
    context["propose_meeting"] = raised_problem(request, person)
    return context


def _person_context(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "honorific": person.honorific,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "title": person.title,
        "salutation": person.salutation,
        "interest": person.interest,
        "discussed": person.discussed,
        "gift": person.gift,
        "email": person.email,
        "objection": person.objection,
        "answer": person.answer,
    }


def _refuse_lookalikes(
    request: MeetingRequest,
    people: Sequence[Person],
    base: Mapping[str, Any],
    email_t: Any,
    note_t: Any,
) -> None:
    """Two notes that would read the same once the names are taken out are refused."""
    seen: dict[str, Person] = {}
    for person in people:
        anonymous = replace(
            person, name="N", honorific="", first_name="N", last_name="N", title="", email=""
        )
        context = _draft_context(request, base, anonymous, person)
        body = _render(note_t, NOTE_TEMPLATE, context) + _render(email_t, EMAIL_TEMPLATE, context)
        # "Golf" and "golf." read the same to the people who compare their notes.
        body = " ".join(re.sub(r"[\W_]+", " ", body.casefold()).split())
        twin = seen.get(body)
        if twin is not None:
            raise InputError(
                f"the thank-yous to {twin.name} and {person.name} would read the same; tell "
                f"them apart with --interest, --discussed or --gift, e.g. "
                f'--interest "{person.name}: ..." or --discussed "{person.name}: ..."'
            )
        seen[body] = person


def template_env(user_dir: Path) -> Any:
    """A strict Jinja2 environment: the user's templates/ first, then the package's."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    from campaign.merge import jinja_environment

    return jinja_environment(
        ChoiceLoader([FileSystemLoader(str(user_dir)), FileSystemLoader(PACKAGE_TEMPLATES)])
    )


def _load(env: Any, name: str) -> Any:
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError

    try:
        return env.get_template(name)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or name}:{exc.lineno}: {exc.message}") from None
    except JinjaError as exc:
        raise TemplateError(f"{name}: {exc}") from None


def _render(template: Any, name: str, context: Mapping[str, Any]) -> str:
    from jinja2 import TemplateError as JinjaError

    try:
        return str(template.render(**context))
    except JinjaError as exc:
        where = template.filename or name
        raise TemplateError(f"{where}: {exc}") from None


def _split_subject(text: str) -> tuple[str, str]:
    first, _, rest = text.lstrip().partition("\n")
    if first.lower().startswith("subject:"):
        return _one_line(first[len("subject:") :]), rest.strip() + "\n"
    return "Thank you", text.strip() + "\n"


def placer(settings: Settings, calendar: BusinessCalendar) -> Any:
    """Place a call on the first business day on or after a date with room under the cap."""
    per_day = settings.schedule.calls_per_day

    def _place(earliest: date, load: Mapping[date, int]) -> date:
        return place_call(calendar, earliest, load, per_day)

    return _place


def record_meeting(
    store: Store, settings: Settings, today: date, request: MeetingRequest
) -> tuple[MeetingPlan, SavedMeeting]:
    """Plan a meeting's follow-up and write it; nothing is written when anything is wrong."""
    prospect = store.get_prospect(request.prospect_id)
    check_in_play(prospect)
    if request.referred_by is not None:
        store.get_contact(request.referred_by)
    calendar = BusinessCalendar(settings.country)
    plan = plan_meeting(request, prospect, settings, calendar, today)
    saved = store.save_meeting(plan, today, placer(settings, calendar))
    return plan, saved


def add_contact(
    store: Store, settings: Settings, today: date, name: str, **fields: Any
) -> tuple[Contact, Task]:
    """A networking contact, with a catch-up call every ``contact_every_days``."""
    flat = _one_line(name)
    if not flat:
        raise InputError("contact add: give the contact's name")
    values: dict[str, Any] = {
        "name": flat,
        **{k: _one_line(v) for k, v in fields.items() if isinstance(v, str)},
    }
    values["referred_by"] = fields.get("referred_by")
    values["email"], values["phone"] = card(
        values.get("email", ""),
        values.get("phone", ""),
        settings.country,
        lambda bad, why: f"contact add --email {bad!r}: {why}",
    )
    twin = _same_contact(store.list_contacts("network"), values)
    if twin is not None:
        raise InputError(
            f"{twin.name}{f' ({twin.company})' if twin.company else ''} is contact {twin.id} "
            "already; `campaign contact list` shows them"
        )
    calendar = BusinessCalendar(settings.country)
    first = today + timedelta(days=settings.schedule.contact_every_days)
    reason = "catch-up: news of the search and of any referral"
    return store.add_contact(values, today, first, placer(settings, calendar), reason)


def _same_contact(known: Sequence[Contact], values: Mapping[str, Any]) -> Contact | None:
    """A networking contact already kept for this person: same email, or same name and company."""

    def key(text: str) -> str:
        return " ".join(text.casefold().split())

    for contact in known:
        if values.get("email") and key(contact.email) == key(values["email"]):
            return contact
        same_name = key(contact.name) == key(values["name"])
        if same_name and key(contact.company) == key(values.get("company", "")):
            return contact
    return None


def finish_task(
    store: Store,
    settings: Settings,
    today: date,
    task_id: int,
    note: str = "",
    decision: str | None = None,
) -> tuple[Task, Task | None]:
    """Mark a task done; a status or catch-up call brings the next one at its cadence.

    A ``decision`` (offer, declined) heard on the call closes the company instead.
    """
    task = store.get_task(task_id)
    if decision is not None and task.prospect_id is None:
        raise InputError(f"task {task_id} is not about a company; a decision needs one")
    if task.state != "open":
        when = f" on {task.closed_on.isoformat()}" if task.closed_on else ""
        raise InputError(f"task {task_id} is already {task.state}{when}; nothing changed")
    if task.kind == "call":
        raise InputError(
            f"task {task_id} is a follow-up call: record what came of it with "
            f"`campaign log {task.prospect_id} --outcome ...`"
        )
    follow: tuple[str, date, str] | None = None
    if task.kind == CONTACT_CALL:
        days = settings.schedule.contact_every_days
        follow = (CONTACT_CALL, today + timedelta(days=days), task.reason)
    elif (
        task.kind == STATUS_CALL
        and task.prospect_id is not None
        and store.get_prospect(task.prospect_id).status == INTERVIEW
    ):
        days = settings.schedule.call_every_days
        follow = (STATUS_CALL, today + timedelta(days=days), "status: still no decision")
    if decision is not None:
        follow = None
        if decision not in DECISIONS:
            raise InputError(f"{decision!r} is not a decision (one of {', '.join(DECISIONS)})")
    calendar = BusinessCalendar(settings.country)
    nxt = store.finish_task(task_id, today, _one_line(note), follow, placer(settings, calendar))
    if decision is not None and task.prospect_id is not None:
        close_company(store, task.prospect_id, decision, today)
    return store.get_task(task_id), nxt


def close_company(store: Store, prospect_id: int, outcome: str, today: date) -> int:
    """An offer (or a no) closes every open task for the company; returns how many."""
    if outcome not in DECISIONS:
        raise InputError(f"{outcome!r} is not a decision (one of {', '.join(DECISIONS)})")
    store.get_prospect(prospect_id)
    return store.close_company(prospect_id, DECISIONS[outcome], outcome, today)
