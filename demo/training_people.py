"""Who takes part in the demo's 头雁工程 (demo/training.py): the secretaries in their cohorts, the
mentor panel, its pairings with secretaries, their consultations and the coaching of projects
that need help (一项目一方案).

- The three cohorts (第一组/第二组/第三组) of the 100 secretaries, in street order as
  trainees_enrol spreads them, so that the `secretary` login (国奥社区) trains this month and the
  `secretary2` login (悦海社区) in another month.
- Twelve mentors: the `expert` login (鲁东大学法学院), three more scholars and four professionals
  with accounts of their own (`mentor01`…`mentor07`, experts of streets other than 国奥社区's,
  the demo password) and four outstanding secretaries of other communities.
- Each mentor paired with three to six secretaries (an outstanding secretary with those of her
  street): the `secretary` login with `expert`, `secretary2` with 望海社区's secretary.
- Thirty consultations over the year, most answered or closed, a few waiting; the `secretary`
  login's two with `expert`: one answered, one waiting for him.
- Eight coachings of running projects, with their notes and the matching timeline entries (as
  training/workflow.py's coaching_timeline writes them): 国奥社区's 邻居节 coached by `expert` with
  a plan, and another project of 国奥社区's street coached by him, no plan yet.
"""

import datetime
from collections import defaultdict

from django.utils import timezone

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from projects.models import Project, ProjectEvent, Status
from training.models import (
    COHORTS,
    Coaching,
    CoachingNote,
    CoachingStatus,
    Cohort,
    Consultation,
    ConsultationMessage,
    ConsultationStatus,
    Mentor,
    MentorKind,
    Pairing,
    Topic,
    Trainee,
    cohort_number_for,
)
from training.services import COHORT_NAMES

from . import catalog
from . import training_texts as texts
from .streetwork import scaled

CONSULTATIONS, COACHINGS = 30, 8
DAY, HOUR = datetime.timedelta(days=1), datetime.timedelta(hours=1)
RUNNING = (Status.APPROVED, Status.ANNOUNCED, Status.IN_PROGRESS)
WAITING, ANSWERED, CLOSED = (
    ConsultationStatus.WAITING,
    ConsultationStatus.ANSWERED,
    ConsultationStatus.CLOSED,
)


# --- the rotation --------------------------------------------------------------------------------
def cohorts(tree, now) -> tuple[dict[int, Cohort], dict[int, list[tuple]]]:
    """The three cohorts and their members, (user id, community id, street order) in street order:
    every secretary, one after the other in turn as trainees_enrol places them, starting so that
    the `secretary` login's cohort trains this month; `secretary2` swaps with a neighbour if
    that puts her in the same cohort."""
    made = {n: Cohort(district=tree.district, number=n, name=COHORT_NAMES[n]) for n in (1, 2, 3)}
    Cohort.objects.bulk_create(made.values())
    rows = list(
        RoleAssignment.objects.filter(
            role=Role.SECRETARY, community__street__district=tree.district, user__is_active=True
        )
        .order_by("community__street__name", "community__name", "user_id")
        .values_list("user_id", "community_id")
    )
    users = [user for user, _ in rows]
    mine = users.index(tree.logins["secretary"].pk)
    other = users.index(tree.logins["secretary2"].pk)
    current = cohort_number_for(timezone.localdate(now))
    numbers = [(current - 1 + index - mine) % COHORTS + 1 for index in range(len(rows))]
    if numbers[other] == current:
        swap = other + 1 if other + 1 < len(rows) else other - 1
        numbers[other], numbers[swap] = numbers[swap], numbers[other]
    members, joined = defaultdict(list), now - datetime.timedelta(days=400)
    for order, ((user, community), number) in enumerate(zip(rows, numbers, strict=True)):
        members[number].append((user, community, order))
    Trainee.objects.bulk_create(
        Trainee(cohort=made[n], user_id=u, community_id=c, joined_at=joined)
        for n, people in members.items()
        for u, c, _ in people
    )
    return made, members


def mentors(tree, now) -> dict[str, Mentor]:
    """The panel, by key (texts.TOPICS): the accounts it needs are made here."""
    district = tree.logins["district"]
    streets = [s for s in tree.streets if s.pk != tree.guoao.street_id]
    joined = now - datetime.timedelta(days=420)
    users, roles, rows = [], [], {}
    for index, (key, kind, name, organisation, expertise, bio) in enumerate(texts.MENTORS):
        user = User(
            username=key,
            display_name=name,
            email=f"{key}@{catalog.EMAIL_DOMAIN}",
            password=district.password,  # the demo's one password hash
            date_joined=joined,
        )
        users.append(user)
        roles.append(
            RoleAssignment(user=user, role=Role.EXPERT, street=streets[index % len(streets)])
        )
        rows[key] = Mentor(
            user=user, kind=kind, organisation=organisation, expertise=expertise, bio=bio
        )
    User.objects.bulk_create(users)
    RoleAssignment.objects.bulk_create(roles)
    organisation, expertise, bio = texts.EXPERT
    rows["expert"] = Mentor(
        user=tree.logins["expert"],
        kind=MentorKind.SCHOLAR,
        organisation=organisation,
        expertise=expertise,
        bio=bio,
    )
    for key, (name, expertise, bio) in texts.SECRETARY_MENTORS.items():
        community = tree.by_name[name]
        rows[key] = Mentor(
            user=tree.secretary_of[community.pk],
            kind=MentorKind.OUTSTANDING,
            organisation=f"{name}党委",
            expertise=expertise,
            bio=bio,
        )
    for row in rows.values():
        row.district, row.added_by, row.added_at = tree.district, district, joined
    Mentor.objects.bulk_create(rows.values())
    return rows


def pairings(tree, rng, now, panel, everybody) -> list[Pairing]:
    """Three to six secretaries for each mentor, each secretary with one mentor at most."""
    today = now.date()
    community_of = {user: community for user, community, _ in everybody}
    street_of = {c.pk: c.street_id for c in tree.communities}
    secretary, secretary2 = tree.logins["secretary"].pk, tree.logins["secretary2"].pk
    taken = {mentor.user_id for mentor in panel.values()} | {secretary, secretary2}
    chosen = {"expert": [secretary], "sec2": [secretary2]}
    # Outstanding secretaries and the `expert` login take secretaries of their own street.
    homes = {"expert": tree.guoao.street_id}
    homes.update({k: tree.by_name[v[0]].street_id for k, v in texts.SECRETARY_MENTORS.items()})
    for key, street in homes.items():
        near = [u for u, c in community_of.items() if street_of[c] == street and u not in taken]
        wanted = rng.randint(3, 6) - len(chosen.get(key, []))
        picked = rng.sample(near, min(wanted, len(near)))
        chosen.setdefault(key, []).extend(picked)
        taken.update(picked)
    free = sorted(u for u in community_of if u not in taken)
    rng.shuffle(free)
    for key in panel:
        while len(chosen.setdefault(key, [])) < 3 or (
            len(chosen[key]) < 6 and key not in texts.SECRETARY_MENTORS and rng.random() < 0.5
        ):
            chosen[key].append(free.pop())
    rows = [
        Pairing(
            mentor=panel[key],
            mentee_id=user,
            community_id=community_of[user],
            started_on=today - datetime.timedelta(days=rng.randint(200, 330)),
            created_by=tree.logins["district"],
        )
        for key, users in chosen.items()
        for user in users
    ]
    Pairing.objects.bulk_create(rows)
    return rows


def consultations(tree, rng, now, panel, rows: list[Pairing], scale) -> list[Consultation]:
    """The threads: the `secretary` login's two with `expert`, then the others, by the topics
    their mentor answers best."""
    secretary = tree.logins["secretary"].pk
    mine = next(p for p in rows if p.mentee_id == secretary)
    threads = [
        (mine, texts.CONSULTATIONS[texts.SECRETARY_ANSWERED], ANSWERED, 4, 40),
        (mine, texts.CONSULTATIONS[texts.SECRETARY_WAITING], WAITING, 1, 2),
    ]
    others = [p for p in rows if p.mentee_id != secretary]
    keys = {id(mentor): key for key, mentor in panel.items()}
    count = scaled(CONSULTATIONS, scale) - len(threads)
    waiting, answered = round(count * 0.1), round(count * 0.3)
    statuses = [WAITING] * waiting + [ANSWERED] * answered
    statuses += [CLOSED] * (count - len(statuses))
    rng.shuffle(statuses)
    for status in statuses:
        pairing = rng.choice(others)
        topics = texts.TOPICS[keys[id(pairing.mentor)]]
        subjects = [s for s in texts.CONSULTATIONS if s[0] in topics] or texts.CONSULTATIONS
        subject = rng.choice(subjects)
        longer = bool(subject[4]) and rng.random() < 0.4
        size = (1 if status == WAITING else 2) + 2 * longer
        age = rng.uniform(0.2, 5) if status == WAITING else rng.uniform(8, 330)
        age = min(age, (now.date() - pairing.started_on).days - 1)  # once they were paired
        threads.append((pairing, subject, status, size, age))
    made, messages = [], []
    for pairing, subject, status, size, age in threads:
        asker, mentor = pairing.mentee_id, pairing.mentor.user_id
        compound = tree.compounds_of[pairing.community_id][0].name
        lines = [
            (asker, subject[2].format(compound=compound)),
            (mentor, subject[3]),
            (asker, subject[4]),
            (mentor, subject[5]),
        ][:size]
        if status == CLOSED and rng.random() < 0.5:
            lines.append((asker, rng.choice(texts.THANKS)))
        when = now - datetime.timedelta(days=age)
        thread = []
        for author, text in lines:
            thread.append(ConsultationMessage(author_id=author, text=text, created_at=when))
            when += rng.uniform(3, 40) * HOUR
        # Waiting threads are recent: the whole thread moves back to end before now.
        shift = max(datetime.timedelta(0), thread[-1].created_at - now + HOUR)
        for message in thread:
            message.created_at -= shift
        last = thread[-1].created_at
        closed = min(now, last + rng.randint(1, 5) * DAY)
        consultation = Consultation(
            mentor=pairing.mentor,
            asker_id=asker,
            community_id=pairing.community_id,
            subject=subject[1],
            status=status,
            status_changed_at=closed if status == CLOSED else last,
            created_at=thread[0].created_at,
            last_message_at=last,
        )
        made.append(consultation)
        messages.append(thread)
    Consultation.objects.bulk_create(made)
    for consultation, thread in zip(made, messages, strict=True):
        for message in thread:
            message.consultation = consultation
    ConsultationMessage.objects.bulk_create([m for thread in messages for m in thread])
    return made


# --- 一项目一方案 ---------------------------------------------------------------------------------
def coachings(tree, rng, now, panel, projects, scale) -> list[Coaching]:
    """Mentors attached to running projects: 国奥社区's 邻居节 and another project of its street
    by `expert`, the others by a mentor whose topics fit; each with its notes and timeline."""
    created = dict(
        ProjectEvent.objects.filter(
            project__in=[p.pk for p in projects], kind=ProjectEvent.Kind.CREATED
        ).values_list("project_id", "at")
    )
    running = list(
        Project.objects.filter(
            pk__in=[p.pk for p in projects], status__in=RUNNING, deleted_at__isnull=True
        )
        .select_related("community")
        .order_by("pk")
    )
    running = [p for p in running if created[p.pk] <= now - 20 * DAY]
    guoao, street = tree.guoao.pk, tree.guoao.street_id
    home = [p for p in running if p.community_id == guoao]
    festival = next((p for p in home if p.title == "邻居节"), home[0])
    near = [p for p in running if p.community.street_id == street and p.community_id != guoao]
    second = rng.choice(near or [p for p in home if p != festival])
    # (project, mentor, with a plan / open without one / done, topic)
    plan = [
        (festival, "expert", "plan", Topic.PROPERTY),
        (second, "expert", "open", Topic.DISPUTES),
    ]
    # The others elsewhere: 国奥社区's and 悦海社区's projects stay as the demo tells them.
    named = {guoao, tree.yuehai.pk}
    others = [p for p in running if p.community_id not in named and p != second]
    keys = [k for k in panel if k != "expert"]
    shapes = ["plan", "open", "done"]
    for index, project in enumerate(rng.sample(others, scaled(COACHINGS, scale) - len(plan))):
        works = any(word in project.title for word in texts.WORKS)
        topic = rng.choice([t for t in texts.COACHING if works or t != Topic.MAINTENANCE_FUND])
        key = rng.choice([k for k in keys if topic in texts.TOPICS[k]])
        plan.append((project, key, shapes[index % len(shapes)], topic))
    rows, notes, events = [], [], []
    for index, (project, key, shape, topic) in enumerate(plan):
        mentor = panel[key]
        problem, lines, text = texts.COACHING[topic]
        start = max(created[project.pk] + DAY, now - rng.randint(25, 70) * DAY)
        if index == 1:  # 邻居节's is the expert's first (the scale test opens it as `secretary`)
            start = min(max(start, rows[0].created_at + DAY), now - 19 * DAY)
        assigner = (
            tree.logins["district"] if index % 2 else tree.leader_of[project.community.street_id]
        )
        coaching = Coaching(
            project=project,
            mentor=mentor,
            topic=topic,
            problem=problem.format(project=project.title, community=project.community.name),
            assigned_by=assigner,
            created_at=start,
        )
        rows.append(coaching)
        events.append(
            _event(
                project,
                ProjectEvent.Kind.COACHING_ASSIGNED,
                assigner,
                start,
                f"导师:{mentor}({coaching.get_topic_display()}):{coaching.problem[:200]}",
            )
        )
        count = rng.randint(2, len(lines)) if shape != "open" else rng.randint(1, 2)
        span = (now - start).days - 3
        days = sorted(rng.sample(range(1, span), count))
        for day, line in zip(days, lines, strict=False):  # the first `count` notes
            note = CoachingNote(
                coaching=coaching,
                author=mentor.user,
                date=timezone.localdate(start + day * DAY),
                mode=CoachingNote.Mode.ONLINE if rng.random() < 0.3 else CoachingNote.Mode.OFFLINE,
                text=line,
                created_at=start + day * DAY + rng.randint(1, 8) * HOUR,
            )
            notes.append(note)
            events.append(
                _event(
                    project,
                    ProjectEvent.Kind.COACHING_NOTE,
                    mentor.user,
                    note.created_at,
                    f"{note.date:%Y-%m-%d} {note.get_mode_display()}指导:{line[:200]}",
                )
            )
        last = notes[-1].created_at
        if shape in ("plan", "done"):
            coaching.plan, coaching.plan_at = text, min(now - HOUR, last + DAY)
            events.append(
                _event(
                    project,
                    ProjectEvent.Kind.COACHING_PLAN,
                    mentor.user,
                    coaching.plan_at,
                    f"导师{mentor}形成指导方案(一项目一方案)",
                )
            )
        if shape == "done":
            coaching.status = CoachingStatus.DONE
            coaching.status_changed_at = min(now - HOUR, coaching.plan_at + rng.randint(1, 3) * DAY)
            events.append(
                _event(
                    project,
                    ProjectEvent.Kind.COACHING_DONE,
                    mentor.user,
                    coaching.status_changed_at,
                    f"导师:{mentor}({coaching.get_topic_display()})",
                )
            )
    Coaching.objects.bulk_create(rows)
    CoachingNote.objects.bulk_create(notes)  # each takes its coaching's new id
    ProjectEvent.objects.bulk_create(events)
    return rows


def _event(project, kind, actor, at, note) -> ProjectEvent:
    return ProjectEvent(project=project, kind=kind, actor=actor, at=at, note=note[:2000])
