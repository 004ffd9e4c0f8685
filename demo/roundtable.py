"""A year of 幸福家园圆桌会 in the demo district (issue 15, item 9).

Every community has met on the 17th (or the next working day, where it asked for the holiday
shift) for the last twelve months, and has this month's and next month's meeting ahead, as the
daily job leaves them. Verified residents and each community's property company and owners'
committee (their partner accounts) raised topics, supported each other's and talked them through;
the secretary closed each meeting with minutes, attendance and resolutions. At scale 1:

- 45 topics solved (the seed's figure: every resolution done), 30 set aside (the minutes say why),
  16 followed with resolutions not yet due and 8 with one overdue (3 of them in 国奥社区);
- 40 topics raised for this month's meeting, one of them held by the district's sensitive words
  and one by 悦海社区's 先审后发;
- 6 topics turned into needs, linked both ways;
- the `resident` login a verified participant of 国奥社区, and the `wuye` and `yeweihui` logins
  the property company's and the owners' committee's partner accounts there.

Rows are written straight through the ORM, like the rest of the demo, which records no user action
(no audit rows): the reasons topics were set aside are in their meetings' minutes.
"""

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from needs.models import Category, Need, NeedMention, NeedSource, NeedStatus
from roundtable.followup import DEFAULT_NEED_CATEGORY, ORIGIN_PREFIX
from roundtable.meetings import HOLIDAY, add_months, scheduled_date
from roundtable.models import (
    Attendance,
    AttendanceCapacity,
    CommunitySettings,
    Meeting,
    MeetingStatus,
    ParticipantKind,
    Post,
    PostStatus,
    Reminder,
    ReminderKind,
    Resolution,
    ResolutionStatus,
    SensitiveWord,
    Support,
    Topic,
    TopicStatus,
)
from roundtable.reminders import resolution_key

from . import roundtable_people
from . import roundtable_texts as texts
from .org import person_name
from .records import scaled

MONTHS_BACK = 12
# Topics by where they stand, at scale 1 (SOLVED is the seed's figure).
SOLVED, SET_ASIDE, FOLLOWED, OVERDUE, UPCOMING, TO_NEED = 45, 30, 16, 8, 40, 6
# Of those, 国奥社区's (the demo logins' community): a history to look at, at every scale.
GUOAO = {"solved": 6, "set_aside": 2, "followed": 2, "overdue": 3, "upcoming": 4}
# The district's sensitive words: a text containing one waits for a moderator.
WORDS = ["高利贷", "代开发票", "办证", "赌博", "传销", "套现"]
HELD_TOPIC = (
    "楼道里贴满高利贷小广告",
    "最近各单元楼道、电梯里贴了很多高利贷小广告,撕了又贴,老人容易上当,希望物业和社区管一管。",
)
REVIEWED_TOPIC = (
    "希望增加儿童游乐设施",
    "小区里孩子多,只有一个滑梯,周末排长队,希望在中心绿地增加一些儿童游乐设施。",
)
GUOAO_PLACE = "国奥社区党群服务中心二楼会议室"


def build(tree, rng: random.Random, now, scale: float) -> dict:
    """The round tables of the last year and the next two months; their counts."""
    today = timezone.localdate(now)
    this_month = today.replace(day=1)
    district_user = tree.logins["district"]
    SensitiveWord.objects.bulk_create(
        SensitiveWord(district=tree.district, word=w, created_by=district_user) for w in WORDS
    )
    shifted = _settings(tree, rng)
    meetings = _meetings(tree, now, this_month, shifted)
    people = roundtable_people.build(tree, rng, now, scale)
    plan = _plan(tree, rng, meetings, today, scale, people)
    topics = _topics(tree, rng, now, plan, people)
    posts = _threads(tree, rng, topics, people)
    resolutions = _resolutions(tree, rng, now, today, topics)
    needs = _needs(tree, rng, topics, scale)
    attendance = _close(tree, rng, today, meetings, topics, posts, resolutions)
    _reminded(tree, today, resolutions)
    solved = sum(1 for t, _ in topics if t.status == TopicStatus.SOLVED)
    overdue = sum(1 for r in resolutions if r.status == ResolutionStatus.OPEN and r.due_on < today)
    participants = sum(len(p) for p in people.residents.values())
    return {
        "roundtable_meetings": sum(len(m) for m in meetings.values()),
        "roundtable_meetings_closed": sum(
            1 for ms in meetings.values() for m in ms if m.status == MeetingStatus.CLOSED
        ),
        "roundtable_participants": participants + len(people.pending),
        "roundtable_organisations": sum(len(o) for o in people.organisations.values()),
        "roundtable_topics": len(topics),
        "roundtable_posts": len(posts),
        "roundtable_attendance": attendance,
        "roundtable_resolutions": len(resolutions),
        "roundtable_solved": solved,
        "roundtable_overdue": overdue,
        "roundtable_needs": needs,
    }


# --- settings and meetings -----------------------------------------------------------------------
def _settings(tree, rng) -> set[int]:
    """国奥社区 meets in its hall as well as online; 悦海社区 reviews first; about one community in
    eight moves a holiday 17th to the next working day. Returns those communities' ids."""
    shifted = {c.pk for c in tree.communities if rng.random() < 0.125}
    shifted.add(tree.guoao.pk)
    rows = []
    for community in tree.communities:
        guoao, yuehai = community.pk == tree.guoao.pk, community.pk == tree.yuehai.pk
        if community.pk in shifted or guoao or yuehai:
            rows.append(
                CommunitySettings(
                    community=community,
                    holiday_shift=community.pk in shifted,
                    review_first=yuehai,
                    place=GUOAO_PLACE if guoao else "",
                )
            )
    CommunitySettings.objects.bulk_create(rows)
    return shifted


def _meetings(tree, now, this_month, shifted) -> dict[int, list[Meeting]]:
    """Each community's meetings, oldest first: twelve months gone (closed, later) and two ahead."""
    rows = []
    for community in tree.communities:
        place = GUOAO_PLACE if community.pk == tree.guoao.pk else ""
        for n in range(-MONTHS_BACK, 2):
            month = add_months(this_month, n)
            date, reason = scheduled_date(month, holiday_shift=community.pk in shifted)
            rows.append(
                Meeting(
                    community=community,
                    month=month,
                    date=date,
                    place=place,
                    moved_reason=reason,
                    created_at=min(now, _at(add_months(month, -1).replace(day=2), 7, 50)),
                )
            )
    Meeting.objects.bulk_create(rows, batch_size=1000)
    by_community = defaultdict(list)
    for meeting in rows:
        by_community[meeting.community_id].append(meeting)
    assert all(m.moved_reason in ("", HOLIDAY) for m in rows)
    return by_community


# --- topics --------------------------------------------------------------------------------------
def _plan(tree, rng, meetings, today, scale, people) -> list[tuple[Meeting, str]]:
    """(meeting, what becomes of the topic) for every topic, 国奥社区's first. The upcoming
    topics go to the next meeting not yet held (this month's, or next month's after the 17th)."""
    past = {c: [m for m in ms if m.date < today] for c, ms in meetings.items()}
    upcoming = {c: next(m for m in ms if m.date >= today) for c, ms in meetings.items()}
    # Solved topics met at least two months ago; followed ones in the last two months; overdue
    # ones in the last three (their resolution fell due before today).
    windows = {
        "solved": lambda ms: ms[:-1] or ms,
        "set_aside": lambda ms: ms,
        "followed": lambda ms: ms[-2:],
        "overdue": lambda ms: ms[-3:-1] or ms,
    }
    plan = []
    others = [
        c.pk
        for c in tree.communities
        if c.pk != tree.guoao.pk and past.get(c.pk) and len(people.residents[c.pk]) > 1
    ]
    figures = {
        "solved": SOLVED,
        "set_aside": SET_ASIDE,
        "followed": FOLLOWED,
        "overdue": OVERDUE,
        "upcoming": UPCOMING,
    }
    for fate, figure in figures.items():
        total = scaled(figure, scale)
        mine = min(GUOAO[fate], total)
        for index in range(total):
            community = tree.guoao.pk if index < mine else rng.choice(others)
            if fate == "upcoming":
                plan.append((upcoming[community], fate))
                continue
            choices = windows[fate](past[community])
            # 国奥社区's history spreads over the year, one topic a month.
            meeting = choices[-1 - index % len(choices)] if index < mine else rng.choice(choices)
            plan.append((meeting, fate))
    # 悦海社区 reviews first: its first topic for the next meeting waits for a moderator.
    plan.insert(len(plan) - scaled(UPCOMING, scale), (upcoming[tree.yuehai.pk], "upcoming"))
    return plan


def _topics(tree, rng, now, plan, people) -> list[tuple[Topic, tuple]]:
    """The topics with their subjects ((topic, subject) pairs), and their supports."""
    rows, supports, used = [], [], defaultdict(set)
    first_upcoming = {}
    for meeting, fate in plan:
        residents = people.residents[meeting.community_id]
        subjects = [s for i, s in enumerate(texts.SUBJECTS) if i not in used[meeting.pk]]
        index = texts.SUBJECTS.index(rng.choice(subjects or texts.SUBJECTS))
        used[meeting.pk].add(index)
        subject = texts.SUBJECTS[index]
        title, body = subject[0], subject[1]
        status = {
            "solved": TopicStatus.SOLVED,
            "set_aside": TopicStatus.SET_ASIDE,
            "followed": TopicStatus.RESOLVED,
            "overdue": TopicStatus.RESOLVED,
            "upcoming": TopicStatus.OPEN,
        }[fate]
        moderation, held = PostStatus.PUBLISHED, ""
        if fate == "upcoming" and meeting.community_id not in first_upcoming:
            first_upcoming[meeting.community_id] = True
            if meeting.community_id == tree.guoao.pk:
                (title, body), moderation, held = HELD_TOPIC, PostStatus.HELD, "含敏感词:高利贷"
            elif meeting.community_id == tree.yuehai.pk:
                (title, body) = REVIEWED_TOPIC
                moderation, held = PostStatus.HELD, "本社区圆桌会先审后发"
        proposer = residents[len(rows) % len(residents)]
        reason = rng.choice(texts.SET_ASIDE_REASONS) if fate == "set_aside" else ""
        opened = _at(meeting.date, 9, 0) - datetime.timedelta(days=rng.randint(2, 25))
        opened = min(opened, now - datetime.timedelta(hours=rng.randint(2, 200)))
        # A set-aside topic was set aside at its meeting (the others change below).
        changed = _at(meeting.date, 21, 0) if fate == "set_aside" else opened
        topic = Topic(
            meeting=meeting,
            community_id=meeting.community_id,
            title=title,
            body=body,
            participant=proposer,
            author=proposer.user,
            moderation=moderation,
            held_reason=held,
            status=status,
            status_changed_at=changed,
            created_at=opened,
        )
        topic._fate, topic._reason = fate, reason  # for the builders below
        rows.append((topic, subject))
        if moderation == PostStatus.PUBLISHED:
            backers = [p for p in residents if p is not proposer]
            chosen = rng.sample(backers, min(len(backers), rng.randint(1, 8)))
            supports += [Support(topic=topic, participant=p, created_at=opened) for p in chosen]
            topic.supports = len(chosen)
    Topic.objects.bulk_create([t for t, _ in rows], batch_size=1000)
    Support.objects.bulk_create(supports, batch_size=2000)
    return rows


def _threads(tree, rng, topics, people) -> list[Post]:
    """Each discussed topic's thread on the evening of its meeting; returns the posts."""
    posts = []
    hidden_done = False
    for topic, subject in topics:
        if topic.status == TopicStatus.OPEN:
            continue  # the thread opens on the day
        meeting = topic.meeting
        residents = people.residents[topic.community_id]
        organisations = people.organisations.get(topic.community_id, {})
        secretary = tree.secretary_of[topic.community_id]
        lines = list(subject[2])
        if topic.status == TopicStatus.SET_ASIDE:
            lines = lines[:2]
        lines += [("resident", e) for e in rng.sample(texts.ECHOES, rng.randint(0, 2))]
        start = _at(meeting.date, 19, 5)
        thread = []
        for index, (who, body) in enumerate(lines):
            speaker = {
                "resident": rng.choice(residents),
                "property": organisations.get(ParticipantKind.PROPERTY),
                "owners": organisations.get(ParticipantKind.OWNERS_COMMITTEE),
                "community": None,
            }[who]
            if who in ("property", "owners") and speaker is None:
                continue  # no such partner account in this community
            post = Post(
                topic=topic,
                participant=speaker,
                author=speaker.user if speaker else secretary,
                body=body,
                created_at=start + datetime.timedelta(minutes=3 * index + rng.randint(0, 2)),
            )
            thread.append(post)
        if not hidden_done and topic.community_id == tree.guoao.pk:
            hidden_done = True
            speaker = rng.choice(residents)
            thread.append(
                Post(
                    topic=topic,
                    participant=speaker,
                    author=speaker.user,
                    body="(该发言含有针对他人的不文明用语)",
                    status=PostStatus.HIDDEN,
                    moderated_by=secretary,
                    moderated_at=start + datetime.timedelta(minutes=40),
                    hidden_reason="含有人身攻击的内容,不符合圆桌会发言规则",
                    created_at=start + datetime.timedelta(minutes=35),
                )
            )
        topic.posts_count = sum(1 for p in thread if p.status == PostStatus.PUBLISHED)
        posts += thread
    Post.objects.bulk_create(posts, batch_size=2000)
    Topic.objects.bulk_update([t for t, _ in topics], ["posts_count"], batch_size=1000)
    return posts


def _resolutions(tree, rng, now, today, topics) -> list[Resolution]:
    """Who does what by when, for every topic the meetings resolved; done for the solved ones,
    one past due for the overdue ones."""
    rows = []
    for topic, subject in topics:
        if topic.status not in (TopicStatus.SOLVED, TopicStatus.RESOLVED):
            continue
        meeting = topic.meeting
        secretary = tree.secretary_of[topic.community_id]
        decided = _at(meeting.date, 21, 0)
        finished = decided
        for index, (responsible, action) in enumerate(subject[3]):
            row = Resolution(
                topic=topic,
                action=action,
                responsible=responsible,
                created_by=secretary,
                created_at=decided,
            )
            if topic.status == TopicStatus.SOLVED:
                row.due_on = meeting.date + datetime.timedelta(days=rng.randint(14, 45))
                done = _at(row.due_on, 16, 0) - datetime.timedelta(days=rng.randint(0, 10))
                row.status, row.done_at, row.done_by = ResolutionStatus.DONE, done, secretary
                row.done_note = rng.choice(texts.DONE_NOTES)
                finished = max(finished, done)
            elif topic._fate == "overdue" and index == 0:
                latest = max(meeting.date + datetime.timedelta(days=7), today)
                row.due_on = meeting.date + datetime.timedelta(
                    days=rng.randint(7, max(7, (latest - meeting.date).days - 1))
                )
            else:
                row.due_on = today + datetime.timedelta(days=rng.randint(3, 40))
            rows.append(row)
        topic.status_changed_at = decided
        if topic.status == TopicStatus.SOLVED:
            topic.status_changed_at = topic.solved_at = min(finished, now)
    Resolution.objects.bulk_create(rows, batch_size=1000)
    Topic.objects.bulk_update(
        [t for t, _ in topics if t.status != TopicStatus.OPEN],
        ["status_changed_at", "solved_at"],
        batch_size=1000,
    )
    return rows


def _needs(tree, rng, topics, scale) -> int:
    """TO_NEED discussed topics became needs in one step (国奥社区's first), linked both ways."""
    category = Category.objects.filter(code=DEFAULT_NEED_CATEGORY).first()
    category = category or Category.objects.filter(active=True).order_by("order").first()
    candidates = [t for t, _ in topics if t.status in (TopicStatus.RESOLVED, TopicStatus.SOLVED)]
    candidates.sort(key=lambda t: (t.community_id != tree.guoao.pk, t.pk))
    wanted = min(len(candidates), scaled(TO_NEED, scale))
    chosen = candidates[:1] + rng.sample(candidates[1:], max(0, wanted - 1))
    names = {c.pk: c.name for c in tree.communities}
    needs, mentions = [], []
    for topic in chosen:
        secretary = tree.secretary_of[topic.community_id]
        at = topic.meeting.date
        link = f"—— 来自{names[topic.community_id]}{at:%Y年%-m月%-d日}圆桌会议题“{topic.title}”,附议 {topic.supports} 人。"
        need = Need(
            community_id=topic.community_id,
            compound_id=topic.participant.compound_id,
            title=topic.title,
            description=f"{topic.body}\n\n{link}",
            category=category,
            source=NeedSource.ROUND_TABLE,
            mentions=1 + topic.supports,
            status=NeedStatus.COLLECTED,
            status_changed_at=_at(at, 21, 30),
            created_by=secretary,
            created_at=_at(at, 21, 30),
        )
        needs.append(need)
        mentions.append((topic, need))
    Need.objects.bulk_create(needs)
    NeedMention.objects.bulk_create(
        NeedMention(
            need=need,
            source=NeedSource.ROUND_TABLE,
            count=need.mentions,
            noted_on=need.created_at.date(),
            origin=f"{ORIGIN_PREFIX}{topic.pk}",
            created_by=need.created_by,
            created_at=need.created_at,
        )
        for topic, need in mentions
    )
    for topic, need in mentions:
        topic.need = need
    Topic.objects.bulk_update([t for t, _ in mentions], ["need"])
    return len(needs)


# --- closing -------------------------------------------------------------------------------------
def _close(tree, rng, today, meetings, topics, posts, resolutions) -> int:
    """Every past meeting closed with minutes and attendance (its secretary, everyone who posted,
    a few residents in the hall); returns the attendance rows."""
    by_meeting = defaultdict(list)
    for topic, _ in topics:
        by_meeting[topic.meeting_id].append(topic)
    decided = defaultdict(list)
    for row in resolutions:
        decided[row.topic_id].append(row)
    posters = defaultdict(dict)
    for post in posts:
        if post.participant is not None:
            posters[post.topic.meeting_id][post.participant.pk] = post.participant
    closed, attendance = [], []
    for community in tree.communities:
        secretary = tree.secretary_of[community.pk]
        for meeting in meetings[community.pk]:
            if meeting.date >= today:
                continue
            mine = by_meeting.get(meeting.pk, [])
            meeting.status = MeetingStatus.CLOSED
            meeting.closed_at = _at(meeting.date, 21, 10)
            meeting.closed_by = secretary
            meeting.reminded_at = _at(meeting.date - datetime.timedelta(days=1), 7, 50)
            meeting.minutes = _minutes(mine, decided) if mine else texts.QUIET_MINUTES
            closed.append(meeting)
            attendance.append(
                Attendance(
                    meeting=meeting,
                    name=secretary.display_name.split(" ")[-1],
                    capacity=AttendanceCapacity.COMMUNITY,
                    online=False,
                )
            )
            for _, participant in sorted(posters.get(meeting.pk, {}).items()):
                attendance.append(
                    Attendance(
                        meeting=meeting,
                        participant=participant,
                        name=participant.name,
                        capacity=participant.kind,
                        online=True,
                    )
                )
            for _ in range(rng.randint(0, 3) if mine else 0):
                attendance.append(
                    Attendance(
                        meeting=meeting,
                        name=person_name(rng),
                        capacity=AttendanceCapacity.RESIDENT,
                        online=False,
                    )
                )
    Meeting.objects.bulk_update(
        closed, ["status", "closed_at", "closed_by", "reminded_at", "minutes"], batch_size=1000
    )
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    return len(attendance)


def _minutes(topics, decided) -> str:
    lines = [texts.MINUTES_OPENING]
    for number, topic in enumerate(topics, 1):
        if topic.status == TopicStatus.SET_ASIDE:
            lines.append(f"{number}. {topic.title}:暂不讨论,{topic._reason}")
            continue
        done = ";".join(
            f"{r.responsible}{r.action},{r.due_on:%-m月%-d日}前完成" for r in decided[topic.pk]
        )
        lines.append(f"{number}. {topic.title}:{done}。")
    return "\n".join(lines)


def _reminded(tree, today, resolutions) -> None:
    """The secretaries were told when each resolution now overdue fell due (once each)."""
    Reminder.objects.bulk_create(
        Reminder(
            kind=ReminderKind.DUE,
            key=resolution_key(row),
            user=tree.secretary_of[row.topic.community_id],
            sent_at=_at(row.due_on, 8, 0),
        )
        for row in resolutions
        if row.status == ResolutionStatus.OPEN and row.due_on < today
    )


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
