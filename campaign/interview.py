"""After a meeting: a distinct thank-you to everyone met, then calls until a decision.

``plan_meeting`` turns what the job seeker recorded into the people met, their drafts
(one thank-you email and one handwritten note each, from Jinja2 templates that treat
every recorded value as plain text) and the tasks that follow; ``record_meeting``
writes it all in one unit of work. The rules: the interview follow-up replaces
prospecting (its open calls go), the latest meeting's status call is the prospect's one
follow-up call, and the same person met again keeps one contact row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from campaign.clock import BusinessCalendar
from campaign.config import Settings
from campaign.errors import InputError, arg
from campaign.followup import call_load, check_in_play
from campaign.models import (
    Contact,
    ContactKind,
    MeetingPlan,
    Person,
    PlannedMeeting,
    PlannedTask,
    Prospect,
    ProspectStatus,
    SavedMeeting,
    Task,
    TaskKind,
    TaskState,
)
from campaign.people import (
    contact_card,
    is_hiring_authority,
    meeting_salutations,
    name_key,
    one_line,
    parse_person,
)
from campaign.store import Store, Transaction
from campaign.templating import environment, find_template, render, where_of

EMAIL_TEMPLATE = "thank_you_email.txt"
NOTE_TEMPLATE = "thank_you_note.txt"

# Words that say a problem came up: the follow-up then proposes another meeting.
PROBLEM_WORDS = re.compile(
    r"\b(problem|challenge|issue|struggl|difficult|pain|bottleneck|backlog|"
    r"shortfall|behind|losing|churn|delay)",
    re.IGNORECASE,
)


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
    at: str = ""  # "10:00": the hour of a meeting still to come


@dataclass(frozen=True)
class Draft:
    """A thank-you to one person: its subject (emails only) and text."""

    kind: str
    person: str
    subject: str
    text: str


def assign(people: Sequence[Person], values: Iterable[str], option: str) -> dict[int, str]:
    """Match ``"Name: value"`` values of argument ``option`` to people met.

    A bare value is fine when one person was met.
    """
    found: dict[int, str] = {}
    for raw in values:
        key, sep, rest = raw.partition(":")
        index = _match(people, key, raw, option) if sep else None
        if index is None and sep and rest.strip() and looks_like_name(key):
            # "Anne: golf" with only Tom met: Anne's interest must not land on Tom's note.
            met = ", ".join(p.name for p in people)
            raise InputError(
                f"{arg(option)} {raw!r}: {key.strip()!r} is not someone met (met: {met}); "
                "start it with the name of someone met"
                + (", or leave the name out" if len(people) == 1 else "")
            )
        if index is None:
            if len(people) != 1:
                met = ", ".join(p.name for p in people)
                raise InputError(
                    f"{arg(option)} {raw!r}: start it with the name of someone met, "
                    f"e.g. {arg(option)} "
                    f'"{people[0].name if people else "Ana Ruiz"}: ..." (met: {met})'
                )
            index, rest = 0, raw
        value = one_line(rest)
        if not value:
            raise InputError(f"{arg(option)} {raw!r}: nothing after the name")
        found[index] = f"{found[index]}; {value}" if index in found else value
    return found


def looks_like_name(text: str) -> bool:
    """Whether ``text`` (before a colon) reads as someone's name: 1-3 capitalised words."""
    words = text.split()
    return (
        0 < len(words) <= 3
        and all(re.fullmatch(r"[^\W\d_][\w.'’-]*", w) for w in words)
        and all(w[0].isupper() for w in words)
    )


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
            f"{arg(option)} {raw!r}: {key.strip()!r} is ambiguous: it could be "
            f"{', '.join(named[:-1])} or {named[-1]}; use the full name, e.g. "
            f'{arg(option)} "{named[0]}: ..."'
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
                f"{arg(option)} {raw!r}: {key.strip()!r} is not someone met (met: {met}); start it "
                f"with their name, or leave the name out for one raised by the whole meeting"
            )
        elif one_line(raw):
            shared.append(one_line(raw))
        else:
            raise InputError(f"{arg(option)} {raw!r}: nothing to record")
    return assign(people, mine, option), "; ".join(shared)


@dataclass(frozen=True)
class Concern:
    """A concern raised by the meeting at large (not by one person), and the answer to it."""

    objection: str = ""
    answer: str = ""


def meet(request: MeetingRequest) -> tuple[tuple[Person, ...], Concern]:
    """The people met with their ``Name: value`` options, and the meeting's own concern."""
    if not request.people:
        # A meeting with nobody would leave everyone met without a thank-you.
        raise InputError(
            f'{arg("people")}: name everyone met, e.g. {arg("people")} "Ms. Ana Ruiz, VP Sales"'
        )
    people = [parse_person(text) for text in request.people]
    names = [p.name.lower() for p in people]
    for p in people:
        if names.count(p.name.lower()) > 1:
            raise InputError(f"{arg('people')} {p.name!r} is given twice")
    for option, values, attr in (
        ("interest", request.interests, "interest"),
        ("discussed", request.discussed, "discussed"),
        ("gift", request.gifts, "gift"),
        ("email", request.emails, "email"),
        ("phone", request.phones, "phone"),
    ):
        for index, value in assign(people, values, option).items():
            people[index] = replace(people[index], **{attr: value})
    objections, shared = assign_or_meeting(people, request.objections, "objections")
    for index, value in objections.items():
        people[index] = replace(people[index], objection=value)
    answers, answer = assign_or_meeting(people, request.answers, "answers")
    for index, value in answers.items():
        if not (people[index].objection or shared):
            raise InputError(
                f"{arg('answers')} for {people[index].name}: they raised no "
                f"{arg('objections')}; give it as "
                f'{arg("objections")} "{people[index].name}: ..."'
            )
        people[index] = replace(people[index], answer=value)
    if answer and not shared:
        raise InputError(
            f"{arg('answers')} {answer!r}: with several people met, start it with the name "
            f"of the person whose {arg('objections')} it answers"
        )
    return tuple(people), Concern(shared, answer)


def objection_record(people: Sequence[Person], concern: Concern) -> str:
    """The objections as the meeting keeps them: ``Ann Lee: no WMS; too senior``."""
    own = [f"{p.name}: {p.objection}" for p in people if p.objection]
    return "; ".join([*own, *([concern.objection] if concern.objection else [])])


def _bad_card_email(name: str) -> Callable[[str, str], str]:
    return lambda bad, why: f"{arg('email')} for {name}: {bad!r} is not a valid email ({why})"


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
        email, phone = contact_card(
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
            f"{arg('held_on')} {request.held_on.isoformat()} is after today ({today.isoformat()}); "
            f"a meeting still to come is planned, not recorded"
        )
    if request.decision_by is not None and request.decision_by < request.held_on:
        raise InputError(
            f"{arg('decision_by')} {request.decision_by.isoformat()} is before the meeting "
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
                TaskKind.THANK_YOU_EMAIL,
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
                TaskKind.NOTE,
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
    planned.append(PlannedTask(TaskKind.STATUS_CALL, call_on, reason))
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
    env = environment(user_dir=settings.templates_dir)
    email_t = find_template(env, EMAIL_TEMPLATE)
    note_t = find_template(env, NOTE_TEMPLATE)
    # The signature shows the phone as the letters do: "(217) 555-0100", not "+1 217 ...".
    sender = settings.sender.as_written() if settings.sender else None
    base = {
        "company": prospect.company,
        "meeting_day": _prose_day(request.held_on),
        "next_steps": one_line(request.next_steps),
        "meeting_objection": concern.objection,
        "meeting_answer": concern.answer,
        "fit": one_line(request.fit),
        "sender_name": sender.name if sender else "",
        "sender_phone": sender.phone if sender else "",
        "sender_email": sender.email if sender else "",
    }
    drafts = []
    greetings = meeting_salutations(list(people))
    for person, greeting in zip(people, greetings, strict=True):
        context = {**_draft_context(request, base, person, person), "salutation": greeting}
        subject, email_text = _split_subject(
            render(email_t, where_of(email_t, EMAIL_TEMPLATE), context)
        )
        note_text = render(note_t, where_of(note_t, NOTE_TEMPLATE), context).strip() + "\n"
        drafts.append(
            (
                Draft(TaskKind.THANK_YOU_EMAIL, person.name, subject, email_text),
                Draft(TaskKind.NOTE, person.name, "", note_text),
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
        body = render(note_t, where_of(note_t, NOTE_TEMPLATE), context) + render(
            email_t, where_of(email_t, EMAIL_TEMPLATE), context
        )
        # "Golf" and "golf." read the same to the people who compare their notes.
        body = " ".join(re.sub(r"[\W_]+", " ", body.casefold()).split())
        twin = seen.get(body)
        if twin is not None:
            raise InputError(
                f"the thank-yous to {twin.name} and {person.name} would read the same; tell "
                f"them apart with {arg('interest')}, {arg('discussed')} or {arg('gift')}, e.g. "
                f'{arg("interest")} "{person.name}: ..." or {arg("discussed")} "{person.name}: ..."'
            )
        seen[body] = person


def _split_subject(text: str) -> tuple[str, str]:
    first, _, rest = text.lstrip().partition("\n")
    if first.lower().startswith("subject:"):
        return one_line(first[len("subject:") :]), rest.strip() + "\n"
    return "Thank you", text.strip() + "\n"


# -- a meeting still to come ------------------------------------------------------------

# What only a meeting that has been held can say: its request field and argument name.
HELD_ONLY = (
    ("interests", "interest"),
    ("discussed", "discussed"),
    ("gifts", "gift"),
    ("emails", "email"),
    ("phones", "phone"),
    ("objections", "objections"),
    ("answers", "answers"),
    ("next_steps", "next_steps"),
    ("decision_by", "decision_by"),
    ("standing", "standing"),
    ("fit", "fit"),
)


def is_planned(request: MeetingRequest, today: date) -> bool:
    """A meeting still to come: on a later day, or later today at an hour, no one met yet."""
    if request.held_on > today:
        return True
    return request.held_on == today and bool(request.at) and not request.people


def plan_ahead(
    store: Store, settings: Settings, today: date, request: MeetingRequest
) -> PlannedMeeting:
    """Put a meeting agreed for a later day (and hour) on the agenda and in the calendar.

    One planned meeting per prospect: planning it again moves it (same calendar UID).
    The meeting is agreed, so prospecting calls stop, as after a call that agreed one.
    Its thank-yous come once it is held and recorded (``record_meeting``).
    """
    prospect = store.get_prospect(request.prospect_id)
    check_in_play(prospect)
    for field_name, option in HELD_ONLY:
        if getattr(request, field_name):
            raise InputError(
                f"{arg(option)} is for a meeting that has been held; this one is on "
                f"{request.held_on.isoformat()}: plan it now, and record what happened then"
            )
    people = [parse_person(text) for text in request.people]
    when = f"{_weekday(request.held_on)}" + (f" at {request.at}" if request.at else "")
    detail: dict[str, Any] = {"at": request.at, "people": list(request.people)}
    if people:
        detail["person"] = "; ".join(p.display for p in people)
    reason = f"agreed on {_day(today)}" + (f": {one_line(request.note)}" if request.note else "")
    with store.transaction() as tx:
        planned = tx.prospect_tasks(prospect.id, (TaskKind.MEETING,), open_only=True)
        if planned and not people:  # moved to another day or hour: the same people
            detail.update(
                {k: planned[0].detail[k] for k in ("people", "person") if k in planned[0].detail}
            )
        tx.cancel_open_tasks(prospect.id, today, f"meeting agreed for {when}", (TaskKind.CALL,))
        if prospect.status == ProspectStatus.ACTIVE:
            tx.update_prospect(prospect.id, status=str(ProspectStatus.INTERVIEW), updated_on=today)
        if planned:
            moved = planned[0]
            task = tx.move_task(moved.id, request.held_on, reason=reason, detail=detail)
            return PlannedMeeting(prospect.company, task, moved.due, str(moved.detail.get("at")))
        task = tx.insert_task(
            kind=TaskKind.MEETING,
            due=request.held_on,
            today=today,
            prospect_id=prospect.id,
            reason=reason,
            detail=detail,
        )
    return PlannedMeeting(prospect.company, task)


def _weekday(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


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
    with store.transaction() as tx:
        saved = save_meeting(tx, settings, plan, today)
    return plan, saved


def save_meeting(
    tx: Transaction, settings: Settings, plan: MeetingPlan, today: date
) -> SavedMeeting:
    """Write a planned meeting, its people and their tasks inside the caller's unit of work."""
    earlier = tx.list_meetings(plan.prospect_id)
    same_day = next((m for m in earlier if m.held_on == plan.held_on), None)
    if same_day is not None:
        raise InputError(
            f"prospect {plan.prospect_id} already has a meeting on "
            f"{plan.held_on.isoformat()} (meeting {same_day.id}); nothing recorded"
        )
    later = any(m.held_on > plan.held_on for m in earlier)
    meeting = tx.insert_meeting(
        plan.prospect_id,
        plan.held_on,
        today,
        note=plan.note,
        next_steps=plan.next_steps,
        decision_by=plan.decision_by,
        standing=plan.standing,
        objection=plan.objection,
    )
    for agreed in tx.prospect_tasks(plan.prospect_id, (TaskKind.MEETING,), open_only=True):
        if agreed.due <= plan.held_on:  # the meeting planned for that day (or before) is held
            tx.close_task(agreed.id, TaskState.DONE, today, f"held on {plan.held_on.isoformat()}")
    people = [_interviewer(tx, plan, person, today) for person in plan.people]
    for person, contact in zip(plan.people, people, strict=True):
        tx.add_meeting_person(meeting.id, contact.id, person.discussed, person.gift)
    # The interview follow-up replaces prospecting: its open calls go.
    tx.cancel_open_tasks(
        plan.prospect_id, today, "replaced by interview follow-up", (TaskKind.CALL,)
    )
    values: dict[str, Any] = {"status": str(ProspectStatus.INTERVIEW), "updated_on": today}
    if plan.referred_by is not None:
        tx.get_contact(plan.referred_by)
        values["referred_by"] = plan.referred_by
    tx.update_prospect(plan.prospect_id, **values)
    written: list[Task] = []
    for planned in plan.tasks:
        if not planned.is_call:
            contact_id = None if planned.person is None else people[planned.person].id
            written.append(
                tx.insert_task(
                    kind=planned.kind,
                    due=planned.due,
                    today=today,
                    prospect_id=plan.prospect_id,
                    contact_id=contact_id,
                    meeting_id=meeting.id,
                    reason=planned.reason,
                    detail=planned.detail,
                )
            )
            continue
        # One follow-up call per prospect: the latest meeting's status call takes the
        # place of the one already open (same task, same calendar UID); a meeting
        # recorded after a later one leaves that one's call alone.
        current = tx.open_call(plan.prospect_id)
        if current is not None and later:
            continue
        load = call_load(tx, settings, planned.due)
        if current is not None:
            due = load.book(planned.due, skip=current.due)
            written.append(
                tx.move_task(
                    current.id,
                    due,
                    meeting_id=meeting.id,
                    attempt=1,
                    reason=planned.reason,
                    note="",
                    detail=planned.detail,
                )
            )
            continue
        written.append(
            tx.insert_task(
                kind=planned.kind,
                due=load.book(planned.due),
                today=today,
                prospect_id=plan.prospect_id,
                meeting_id=meeting.id,
                reason=planned.reason,
                detail=planned.detail,
            )
        )
    return SavedMeeting(meeting, people, sorted(written, key=lambda t: t.id))


def _interviewer(tx: Transaction, plan: MeetingPlan, person: Person, today: date) -> Contact:
    """The contact for a person met: the same person met again keeps one row.

    What is known already stays unless this meeting says something new.
    """
    values = {
        "honorific": person.honorific,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "title": person.title,
        "email": person.email,
        "phone": person.phone,
        "interest": person.interest,
    }
    met = tx.list_contacts(ContactKind.INTERVIEWER, prospect_id=plan.prospect_id)
    found = next((c for c in met if name_key(c.name) == name_key(person.name)), None)
    if found is None:
        return tx.insert_contact(
            ContactKind.INTERVIEWER,
            today,
            prospect_id=plan.prospect_id,
            name=person.name,
            company=plan.company,
            notes="",
            **values,
        )
    changes = {k: v for k, v in values.items() if v}
    tx.update_contact(found.id, **changes)
    return tx.get_contact(found.id)
