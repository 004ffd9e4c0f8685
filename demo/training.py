"""A year of the 头雁工程 in the demo district (提能提质, training/).

The secretaries and the calendar decide most figures (the org tree is not scaled); --scale
multiplies only the consultations and the coachings (never below scale 1's). At scale 1:

- the last twelve months' classes: each month its cohort in classes of at most MAX_CLASS on
  consecutive working days from around the 8th, as month_plan splits them (36 classes); the
  classes over are held (about nine in ten present, ratings from many), this month's still ahead
  planned, the `secretary` login's at least two days ahead and waiting for her reply; five
  secretaries (one of 国奥社区's street) missed their last two sessions;
- the last four quarters' themed sessions for everybody, held, and the next one planned, each
  with its materials (small PDFs, stored as any upload);
- the cohorts, the mentor panel, pairings, consultations and coachings: demo/training_people.py.

Rows are written straight through the ORM, like the rest of the demo, which records no user action
(no audit rows, no notifications). Bulk writes send no signals: the mentors' cached facts are
forgotten at the end (training/access.py).
"""

import datetime
import math
from collections import defaultdict

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Upload
from core.uploads import store_upload
from core.workdays import is_working_day
from publications.services import add_months
from training.access import forget_mentor
from training.models import (
    MAX_CLASS,
    Attendance,
    Consultation,
    Kind,
    Material,
    Reply,
    Session,
    SessionStatus,
    cohort_number_for,
)

from . import training_people
from . import training_texts as texts

MONTHS_BACK, QUARTERS_HELD = 12, 4
# Who stays away: a class's and a quarterly session's share absent; the share of those present
# who rate it; how many secretaries missed their last two sessions.
CLASS_ABSENT, QUARTERLY_ABSENT, RATED, MISSED_TWICE = 0.10, 0.15, 0.6, 5
DAY, HOUR = datetime.timedelta(days=1), datetime.timedelta(hours=1)
LENGTH = datetime.timedelta(hours=2, minutes=30)
WAITING = Consultation.Status.WAITING


def build(tree, rng, now, projects, scale: float) -> dict:
    """The programme's year; its counts for the summary."""
    cohorts, members = training_people.cohorts(tree, now)
    mentors = training_people.mentors(tree, now)
    workday = _workdays()
    invited = _classes(tree, rng, now, cohorts, members, mentors, workday)
    everybody = [person for number in sorted(members) for person in members[number]]
    everybody.sort(key=lambda person: person[2])  # street order, as quarterly_create invites
    quarterly = _quarterly(tree, rng, now, mentors, everybody, workday)
    invited += quarterly
    Session.objects.bulk_create([session for session, _ in invited])
    attendance = _attendance(tree, rng, now, invited, mentors)
    materials = _materials(tree, now, [session for session, _ in quarterly])
    pairings = training_people.pairings(tree, rng, now, mentors, everybody)
    consultations = training_people.consultations(tree, rng, now, mentors, pairings, scale)
    coachings = training_people.coachings(tree, rng, now, mentors, projects, scale)
    for mentor in mentors.values():
        forget_mentor(mentor.user_id)  # bulk writes send no signals
    classes = [s for s, _ in invited if s.kind == Kind.CLASS]
    return {
        "training_trainees": len(everybody),
        "training_classes": len(classes),
        "training_classes_held": sum(1 for s in classes if s.status == SessionStatus.HELD),
        "training_quarterly": len(quarterly),
        "training_attendance": len(attendance),
        "training_present": sum(1 for a in attendance if a.present),
        "training_materials": len(materials),
        "training_mentors": len(mentors),
        "training_pairings": len(pairings),
        "training_consultations": len(consultations),
        "training_waiting": sum(1 for c in consultations if c.status == WAITING),
        "training_coachings": len(coachings),
    }


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _workdays():
    """is_working_day, asked once per day (inside the load's transaction it reads the database)."""
    known = {}

    def workday(day: datetime.date) -> bool:
        if day not in known:
            known[day] = is_working_day(day)
        return known[day]

    return workday


def _days_from(day: datetime.date, count: int, workday) -> list[datetime.date]:
    """`count` consecutive working days from `day` on."""
    days = []
    while len(days) < count:
        if workday(day):
            days.append(day)
        day += DAY
    return days


# --- sessions ------------------------------------------------------------------------------------
def _classes(tree, rng, now, cohorts, members, mentors, workday) -> list[tuple[Session, list]]:
    """(class, the people invited) for each of the last twelve months, this month's included."""
    today = timezone.localdate(now)
    this_month = today.replace(day=1)
    district = tree.logins["district"]
    secretary = tree.logins["secretary"].pk
    street_of = {
        c.pk: next(s.name for s in tree.streets if s.pk == c.street_id) for c in tree.communities
    }
    invited = []
    for back in range(MONTHS_BACK - 1, -1, -1):
        month = add_months(this_month, -back)
        number = cohort_number_for(month)
        group = members[number]
        count = math.ceil(len(group) / MAX_CLASS)
        size = math.ceil(len(group) / count)
        topic, title, key, trainer, description = texts.CLASSES[month.month]
        mentor = mentors[key] if key else None
        if mentor is not None and mentor.user_id in {user for user, _, _ in group}:
            # An outstanding secretary teaches other cohorts than her own.
            mentor = next(
                mentors[k]
                for k in texts.SECRETARY_MENTORS
                if mentors[k].user_id not in {user for user, _, _ in group}
            )
        hour, minute = rng.choice([(9, 0), (14, 30)])
        days = _days_from(month.replace(day=rng.randint(6, 12)), count, workday)
        for index in range(count):
            people = group[index * size : (index + 1) * size]
            day = days[index]
            if back == 0 and secretary in {user for user, _, _ in people} and day < today + 2 * DAY:
                # The `secretary` login's class is still ahead (the district moved it).
                day = _days_from(today + 2 * DAY, 1, workday)[0]
            starts = _at(day, hour, minute)
            held = starts + LENGTH <= now
            place, url = rng.choice(texts.CLASS_PLACES).format(street=street_of[people[0][1]]), ""
            if rng.random() < 0.12:  # online
                place, url = "", texts.ONLINE_URL.format(code=rng.randrange(10**8, 10**9))
            session = Session(
                district=tree.district,
                kind=Kind.CLASS,
                cohort=cohorts[number],
                month=month,
                title=f"{title}({index + 1}班)"[:80] if count > 1 else title,
                topic=topic,
                starts_at=starts,
                ends_at=starts + LENGTH,
                place=place,
                online_url=url,
                trainer=str(mentor) if mentor else trainer,
                mentor=mentor,
                description=description,
                status=SessionStatus.HELD if held else SessionStatus.PLANNED,
                status_changed_at=starts + LENGTH + HOUR if held else None,
                created_by=district,
                created_at=_at(add_months(month, -1).replace(day=20), 10),
            )
            invited.append((session, people))
    return invited


def _quarterly(tree, rng, now, mentors, everybody, workday) -> list[tuple[Session, list]]:
    """The themed session of each of the last four quarters (held, on the first working day from
    the 18th of a quarter's middle month) and the next one, planned."""
    today = timezone.localdate(now)
    quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    dates = []
    for n in range(-QUARTERS_HELD - 1, 2):
        first = add_months(quarter, 3 * n)
        dates.append((first, _days_from(add_months(first, 1).replace(day=18), 1, workday)[0]))
    held = [d for d in dates if d[1] < today][-QUARTERS_HELD:]
    ahead = next(d for d in dates if d[1] >= today)
    rows = []
    for first, day in [*held, ahead]:
        number = (first.month - 1) // 3 + 1
        topic, title, key, trainer, description, _ = texts.QUARTERLY[number]
        mentor = mentors[key] if key else None
        starts = _at(day, 9)
        past = starts + LENGTH <= now
        session = Session(
            district=tree.district,
            kind=Kind.QUARTERLY,
            month=day.replace(day=1),
            title=f"{day.year}年第{number}季度专题培训:{title}"[:80],
            topic=topic,
            starts_at=starts,
            ends_at=starts + LENGTH,
            place=texts.QUARTERLY_PLACE,
            online_url=texts.LIVE_URL.format(code=f"{day:%Y}q{number}"),
            trainer=str(mentor) if mentor else trainer,
            mentor=mentor,
            description=f"{description}各街道分管领导线上同步收看。",
            status=SessionStatus.HELD if past else SessionStatus.PLANNED,
            status_changed_at=starts + LENGTH + HOUR if past else None,
            created_by=tree.logins["district"],
            created_at=min(starts - 30 * DAY, now - 2 * DAY),
        )
        rows.append((session, everybody))
    return rows


# --- who came ------------------------------------------------------------------------------------
def _attendance(tree, rng, now, invited, mentors) -> list[Attendance]:
    """Every person invited, in the order the sessions happened: about one in ten absent (a
    person absent once comes the next time), some on leave; ratings from many of those present.
    The `secretary` login came every time and has not rated her last class yet; MISSED_TWICE
    secretaries missed their last two sessions."""
    secretary = tree.logins["secretary"].pk
    held = sorted((pair for pair in invited if pair[0].status == SessionStatus.HELD), key=_start)
    forced = _missed_twice(tree, rng, held, mentors)
    mine = [
        s for s, people in held if s.kind == Kind.CLASS and any(p[0] == secretary for p in people)
    ]
    unrated = mine[-1].pk
    rows, last_absent = [], {}
    for session, people in held:
        share = CLASS_ABSENT if session.kind == Kind.CLASS else QUARTERLY_ABSENT
        for user, community, _ in people:
            if user == secretary:
                absent = False
            elif (session.pk, user) in forced:
                absent = True
            else:
                absent = not last_absent.get(user) and rng.random() < share
            last_absent[user] = absent
            row = Attendance(session=session, user_id=user, community_id=community)
            if absent:
                _absent(rng, row)
            else:
                row.present = True
                row.reply = Reply.CONFIRMED if rng.random() < 0.85 else Reply.PENDING
                rate = rng.random() < RATED if user != secretary else session.pk != unrated
                if rate:
                    row.rating = rng.choice((3, 4, 4, 5, 5, 5))
                    row.comment = rng.choice(texts.COMMENTS[row.rating])
                    row.rated_at = min(now, session.ends_at + rng.randint(1, 48) * HOUR)
            if row.reply == Reply.CONFIRMED:
                row.replied_at = session.starts_at - rng.randint(2, 6) * DAY
            if row.reply != Reply.LEAVE:
                row.reminded_at = _at(timezone.localdate(session.starts_at) - DAY, 8)
            rows.append(row)
    for session, people in invited:
        if session.status != SessionStatus.PLANNED:
            continue
        for user, community, _ in people:
            row = Attendance(session=session, user_id=user, community_id=community)
            if user != secretary and rng.random() < 0.4:
                row.reply = Reply.CONFIRMED
                row.replied_at = now - rng.randint(2, 40) * HOUR  # after it was planned
            rows.append(row)
    Attendance.objects.bulk_create(rows, batch_size=1000)
    return rows


def _start(pair) -> datetime.datetime:
    return pair[0].starts_at


def _absent(rng, row: Attendance) -> None:
    """Absent: on leave with a reason, or confirmed and did not come, or never replied."""
    row.present = False
    chance = rng.random()
    if chance < 0.5:
        row.reply = Reply.LEAVE
        row.leave_reason = rng.choice(texts.LEAVE_REASONS)
        row.replied_at = row.session.starts_at - rng.randint(1, 3) * DAY
    elif chance < 0.8:
        row.reply = Reply.CONFIRMED


def _missed_twice(tree, rng, held, mentors) -> set[tuple[int, int]]:
    """(session id, user id) of the last two held sessions of MISSED_TWICE secretaries: one of
    国奥社区's street (not the `secretary` login), the others of other streets (not `secretary2`)."""
    spared = {tree.logins["secretary"].pk, tree.logins["secretary2"].pk}
    spared |= {mentor.user_id for mentor in mentors.values()}
    home = {c.pk for c in tree.communities if c.street_id == tree.guoao.street_id}
    near, far = set(), set()
    for _, people in held:
        for user, community, _ in people:
            if user not in spared:
                (near if community in home else far).add(user)
    chosen = rng.sample(sorted(near), 1) + rng.sample(sorted(far), MISSED_TWICE - 1)
    sessions = defaultdict(list)
    for session, people in held:
        for user, _, _ in people:
            if user in chosen:
                sessions[user].append(session.pk)
    return {(pk, user) for user in chosen for pk in sessions[user][-2:]}


# --- materials -----------------------------------------------------------------------------------
def _materials(tree, now, sessions: list[Session]) -> list[Material]:
    """Each quarterly session's handouts: small PDFs, stored and served like any upload (the
    session owns them, so whoever sees the session may download them)."""
    district = tree.logins["district"]
    rows = []
    for session in sessions:
        number = (session.month.month - 1) // 3 + 1
        added = max(session.created_at + HOUR, min(now - HOUR, session.starts_at - 3 * DAY))
        for title in texts.QUARTERLY[number][5]:
            data = _pdf(title, [session.title, f"授课人:{session.trainer}", *texts.MATERIAL_LINES])
            upload = store_upload(
                uploaded_file=SimpleUploadedFile(f"{title}.pdf", data),
                kind=Upload.Kind.DOCUMENT,
                by=district,
                owner=session,
            )
            Upload.objects.filter(pk=upload.pk).update(created_at=added)
            rows.append(
                Material(
                    session=session,
                    title=title[:80],
                    upload=upload,
                    added_by=district,
                    added_at=added,
                )
            )
    Material.objects.bulk_create(rows)
    return rows


def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF in Chinese, made by hand: Adobe's STSong-Light, which every PDF reader
    knows without an embedded font, with the text written as UTF-16 (the UniGB-UCS2-H encoding)."""

    def text(value: str) -> str:
        return f"<{value.encode('utf-16-be').hex().upper()}> Tj"

    ops = ["BT", "/F1 18 Tf", "72 760 Td", text(title), "/F1 11 Tf", "0 -40 Td"]
    for line in lines:
        for start in range(0, len(line), 38):
            ops += [text(line[start : start + 38]), "0 -22 Td"]
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
