"""Topics and their threads: raising a topic before the meeting (and on the day), supporting
another's topic, and posting in a topic's thread (issue 15, items 3, 4 and 7's posting half).

Who writes: a participant who may post (a verified resident, or the 物业 / 业委会 through its
partner account: `access.poster_for`), or the community's own staff, as the community or on
behalf of a resident without a phone (rules_topics.py). Whatever a participant writes passes
moderation (`access.held_reason`: the district's sensitive words, the community's 先审后发) and
waits as HELD when it must; staff write under their own name and are published at once.

Concurrency: every write locks the meeting first (so that a meeting being closed sees no post
slip in after it), then the topic whose counters it changes (`supports`, `posts_count`, kept
with F() in the same transaction). Keep that order (meeting, then topic) everywhere.

The reads of the topic pages and the thread fragment live at the end (constant queries: one for
the topic, one for the posts, whatever the thread's length).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When

from accounts.roles import COMMUNITY_STAFF
from accounts.selectors import people_holding
from core.audit import audit
from core.notifications import notify
from core.workflow import Conflict

from . import access
from .models import (
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantStatus,
    Phase,
    Post,
    PostStatus,
    Support,
    Topic,
)
from .topic_forms import BODY_MAX, ON_BEHALF_MAX, POST_MAX, TITLE_MAX

ADD_TOPIC = "roundtable.add_topic"
ADD_POST = "roundtable.add_post"
# Phases in which topics may still be raised (topics may be raised on the day too).
TOPIC_PHASES = (Phase.COLLECTING, Phase.DISCUSSING)
# How many posts a thread shows at once (older ones load on request), and the most one poll
# answers (a client far behind catches up over a few polls).
THREAD_PAGE = 50
POLL_MAX = 100


# --- who writes ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Writer:
    """Who a topic or a post is written as: a participant, or staff (as the community, or on
    behalf of a resident named in `on_behalf_of`)."""

    participant: Participant | None
    on_behalf_of: str = ""

    @property
    def is_staff(self) -> bool:
        return self.participant is None


def why_not_post(user, community) -> str:
    """The Chinese reason this person may not post at the community's round table (also shown
    on the residents' pages in place of the forms)."""
    if not user.is_authenticated:
        return "登录后可以提议题、附议和发言。"
    if user.has_perm(ADD_POST, community):
        return "社区工作人员请在工作台以社区名义发言。"
    participant = access.participant_of(user, community.pk)
    if participant is None:
        return "您还没有登记参加本社区圆桌会,登记并经社区核实后可以发言。"
    if participant.consent_withdrawn_at is not None:
        return "您已撤回个人信息使用同意,不能再发言。"
    if participant.status == ParticipantStatus.PENDING:
        return "您的登记正在等待社区核实,核实通过后可以发言。"
    if participant.status == ParticipantStatus.REJECTED:
        return "您的登记未通过社区核实,暂时不能发言。"
    return "您暂时不能在本社区圆桌会发言。"


def _writer(user, community, *, permission: str, obj, on_behalf_of: str) -> Writer:
    """Staff with the permission write as the community; anyone else must be a participant who
    may post (made on first use for a partner account: call inside the transaction)."""
    if user.is_authenticated and user.has_perm(permission, obj):
        return Writer(None, _text(on_behalf_of, "代谁发言", ON_BEHALF_MAX, required=False))
    participant = access.poster_for(user, community) if user.is_authenticated else None
    if participant is None:
        raise PermissionDenied(why_not_post(user, community))
    return Writer(participant)


def _text(value, label: str, max_length: int, *, required: bool = True) -> str:
    """The services' own guard on text (the forms check first; the seed and other callers
    reach here directly)."""
    value = str(value or "").strip()
    if required and not value:
        raise ValidationError(f"请填写{label}。")
    if len(value) > max_length:
        raise ValidationError(f"{label}最多 {max_length} 个字。")
    if "\x00" in value:
        raise ValidationError(f"{label}里有无法识别的字符。")
    return value


def _held_reason(community, writer: Writer, texts) -> str:
    """Why a participant's text waits for a moderator ("" to publish now). Staff posts are
    published at once: staff write under their own audited account, and the district's list
    and 先审后发 guard what residents write, not what the community itself says."""
    if writer.is_staff:
        return ""
    return access.held_reason(
        district_id=community.street.district_id,
        review_first=access.settings_of(community).review_first,
        texts=texts,
    )


def _tell_moderators(community, event: str, obj, *, title: str, body: str, url: str) -> None:
    """The community's staff hear of a held item (they publish or hide it on the topic page)."""
    for person in people_holding(COMMUNITY_STAFF, community=community):
        notify(person, event, obj, title=title, body=body, url=url)


# --- locks --------------------------------------------------------------------------------------
def _lock_meeting(meeting_id: int) -> Meeting:
    """The meeting row, locked against a concurrent close (not against other writers' key
    share locks), with its community and street."""
    return (
        Meeting.objects.select_for_update(no_key=True, of=("self",))
        .select_related("community__street")
        .get(pk=meeting_id)
    )


def _lock_topic(topic_id: int) -> Topic:
    return Topic.objects.select_for_update(of=("self",)).get(pk=topic_id)


def _admit_topics(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED or meeting.phase() not in TOPIC_PHASES:
        raise Conflict("本次圆桌会已闭会,不能再提议题。")


def _admit_thread(meeting: Meeting, topic: Topic, doing: str) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(f"本次圆桌会已闭会,不能再{doing}。")
    if topic.moderation != PostStatus.PUBLISHED:
        raise Conflict(f"这个议题现在没有公开,不能{doing}。")


# --- services -----------------------------------------------------------------------------------
def topic_admit(*, meeting: Meeting, by) -> None:
    """May this person raise a topic at this meeting now? (The form page asks before it reads
    the form: PermissionDenied, or Conflict once the meeting is closed.) Staff only: residents
    are asked by topic_create itself, inside its transaction."""
    if not by.has_perm(ADD_TOPIC, meeting):
        raise PermissionDenied("只有本社区的工作人员可以代居民或以社区名义提议题。")
    _admit_topics(meeting)


def topic_create(*, meeting: Meeting, by, title: str, body: str, on_behalf_of: str = "") -> Topic:
    """Raise a topic at a scheduled meeting (before it or on the day): a participant who may
    post, held for review when the moderation says so; or the community's staff, published."""
    title = _text(title, "议题", TITLE_MAX)
    body = _text(body, "情况说明", BODY_MAX)
    with transaction.atomic():
        locked = _lock_meeting(meeting.pk)
        community = locked.community
        writer = _writer(by, community, permission=ADD_TOPIC, obj=locked, on_behalf_of=on_behalf_of)
        _admit_topics(locked)
        reason = _held_reason(community, writer, [title, body])
        topic = Topic.objects.create(
            meeting=locked,
            community=community,
            title=title,
            body=body,
            participant=writer.participant,
            author=by,
            on_behalf_of=writer.on_behalf_of,
            moderation=PostStatus.HELD if reason else PostStatus.PUBLISHED,
            held_reason=reason,
        )
        audit(
            actor=by,
            action="roundtable.topic_create",
            obj=topic,
            detail={
                "meeting": locked.pk,
                "participant": writer.participant.pk if writer.participant else None,
                "on_behalf": bool(writer.on_behalf_of),
                "held": bool(reason),
            },
        )
        if reason:
            _tell_moderators(
                community,
                "roundtable.topic_held",
                topic,
                title=f"{community.name}圆桌会有一个议题等待审核",
                body=f"待审原因:{reason}。请在议题页面审核后公开,或说明原因隐藏。",
                url=topic.get_absolute_url(),
            )
    return topic


def topic_support(*, topic: Topic, by) -> int:
    """Support (附议) another's published topic of a scheduled meeting, once; returns the
    topic's supports after it."""
    with transaction.atomic():
        meeting = _lock_meeting(topic.meeting_id)
        locked = _lock_topic(topic.pk)
        participant = access.poster_for(by, meeting.community) if by.is_authenticated else None
        if participant is None:
            raise PermissionDenied(why_not_post(by, meeting.community))
        _admit_thread(meeting, locked, "附议")
        if locked.participant_id == participant.pk:
            raise ValidationError("不能附议自己提出的议题。")
        try:
            with transaction.atomic():
                Support.objects.create(topic=locked, participant=participant)
        except IntegrityError:
            raise Conflict("您已经附议过这个议题。") from None
        Topic.objects.filter(pk=locked.pk).update(supports=F("supports") + 1)
        audit(
            actor=by,
            action="roundtable.topic_support",
            obj=locked,
            detail={"participant": participant.pk},
        )
        return Topic.objects.values_list("supports", flat=True).get(pk=locked.pk)


def post_create(*, topic: Topic, by, body: str, on_behalf_of: str = "") -> Post:
    """Post in the thread of a published topic while its meeting is scheduled (after closing
    the thread is read-only); moderated as topics are. `posts_count` counts published posts."""
    body = _text(body, "发言", POST_MAX)
    with transaction.atomic():
        meeting = _lock_meeting(topic.meeting_id)
        locked = _lock_topic(topic.pk)
        community = meeting.community
        writer = _writer(by, community, permission=ADD_POST, obj=locked, on_behalf_of=on_behalf_of)
        _admit_thread(meeting, locked, "发言")
        reason = _held_reason(community, writer, [body])
        post = Post.objects.create(
            topic=locked,
            participant=writer.participant,
            author=by,
            on_behalf_of=writer.on_behalf_of,
            status=PostStatus.HELD if reason else PostStatus.PUBLISHED,
            held_reason=reason,
            body=body,
        )
        if not reason:
            Topic.objects.filter(pk=locked.pk).update(posts_count=F("posts_count") + 1)
        audit(
            actor=by,
            action="roundtable.post_create",
            obj=post,
            detail={
                "topic": locked.pk,
                "participant": writer.participant.pk if writer.participant else None,
                "on_behalf": bool(writer.on_behalf_of),
                "held": bool(reason),
            },
        )
        if reason:
            _tell_moderators(
                community,
                "roundtable.post_held",
                post,
                title=f"{community.name}圆桌会有一条发言等待审核",
                body=f"议题「{locked.title}」。待审原因:{reason}。",
                url=f"{locked.get_absolute_url()}#post-{post.pk}",
            )
    return post


# --- reads --------------------------------------------------------------------------------------
def author_label(item, community_name: str) -> str:
    """How a topic's proposer or a post's author appears: a participant by their public name
    (王** · 3号楼, 物业 · 某物业公司), staff as the community or as 社区代发 for a resident."""
    if item.participant_id:
        return item.participant.public_name
    if item.on_behalf_of:
        return f"社区代发 · {item.on_behalf_of}"
    return f"社区 · {community_name}"


def _labelled(items, community_name: str) -> list:
    items = list(items)
    for item in items:
        item.label = author_label(item, community_name)
    return items


def _shown(user, field: str, statuses) -> Q:
    """Rows in these moderation states, and the user's own rows that wait for review."""
    shown = Q(**{f"{field}__in": statuses})
    if user.is_authenticated:
        shown |= Q(author_id=user.pk, **{field: PostStatus.HELD})
    return shown


def public_topic_get(pk: int, user) -> Topic | None:
    """A topic as the residents' pages show it: published or hidden (shown as hidden), or held
    and the user's own; None otherwise."""
    shown = _shown(user, "moderation", [PostStatus.PUBLISHED, PostStatus.HIDDEN])
    topic = (
        Topic.objects.filter(shown, pk=pk)
        .select_related("meeting", "community__street", "participant__building")
        .first()
    )
    if topic is not None:
        topic.meeting.community = topic.community  # loaded already: no query for it
        topic.label = author_label(topic, topic.community.name)
    return topic


def staff_topic_queryset(user):
    return Topic.objects.visible_to(user).select_related(
        "meeting", "community__street", "participant__building", "author"
    )


def meeting_topics(meeting: Meeting, user):
    """The meeting's topics on the residents' page: published ones and the user's own that
    wait for review, by supports; then the hidden ones (shown as 已被管理员隐藏 with the reason,
    as hidden posts are)."""
    shown = _shown(user, "moderation", [PostStatus.PUBLISHED, PostStatus.HIDDEN])
    hidden_last = Case(When(moderation=PostStatus.HIDDEN, then=Value(1)), default=Value(0))
    return (
        Topic.objects.filter(shown, meeting=meeting)
        .select_related("participant__building")
        .order_by(hidden_last, "-supports", "created_at", "pk")
    )


def label_topics(topics, community_name: str) -> list:
    return _labelled(topics, community_name)


def supported_ids(user, community, topics) -> set[int]:
    """Which of these topics the user has already supported (one query)."""
    participant = access.participant_of(user, community.pk)
    if participant is None or not topics:
        return set()
    return set(
        Support.objects.filter(participant=participant, topic__in=topics).values_list(
            "topic_id", flat=True
        )
    )


def _thread(topic: Topic, user, moderator: bool):
    """The posts of the thread this reader sees: residents the published and hidden ones
    (hidden ones as 已被管理员隐藏) and their own held ones; moderators every post."""
    posts = Post.objects.filter(topic=topic).select_related("participant__building")
    if not moderator:
        posts = posts.filter(_shown(user, "status", [PostStatus.PUBLISHED, PostStatus.HIDDEN]))
    return posts


def thread_posts(
    topic: Topic,
    user,
    *,
    moderator: bool = False,
    before: int | None = None,
    limit: int | None = None,
) -> tuple[list, bool]:
    """Posts of the thread oldest first, with their labels, and whether older ones exist: the
    newest `limit` (before `before` when given). One query."""
    posts = _thread(topic, user, moderator)
    if before is not None:
        posts = posts.filter(pk__lt=before)
    limit = limit or THREAD_PAGE
    newest = list(posts.order_by("-pk")[: limit + 1])
    more = len(newest) > limit
    return _labelled(reversed(newest[:limit]), topic.community.name), more


def thread_since(topic: Topic, posts) -> int:
    """Where a reader who sees these posts stands among the moderators' changes (the `since`
    of the next poll): every change numbered up to it is already in what they see."""
    return max([topic.post_changes, *(p.change_seq for p in posts)])


@dataclass
class ThreadNews:
    """What a thread's poll answers (thread.html#news)."""

    posts: list  # the posts after the reader's last, oldest first
    changed: list  # older posts published or hidden since the reader's last poll, newest first
    after: int  # the reader's new position: the last post they have
    since: int | None  # and among the moderators' changes (None: they did not ask for them)
    first: bool = False  # the reader's thread was empty
    overflow: bool = False  # more changed than one answer holds: the page should reload


def thread_news(
    topic: Topic, user, *, moderator: bool = False, after: int, since: int | None = None
) -> ThreadNews:
    """The posts after `after` (oldest first, at most POLL_MAX: a reader far behind catches up
    over a few polls) and, when the reader says where it stands (`since`, from thread_since),
    the posts up to `after` that a moderator published or hid since then. Each changed post
    carries where it goes on the reader's page: `before`, the next post shown there (None: at
    the end), and `moves`, whether the reader may have it already (to be taken out first; a
    post published from held is new to everyone but its author and the moderators). One query
    whatever the thread's length."""
    posts = _thread(topic, user, moderator)
    wanted = Q(pk__gt=after)
    if since is not None:
        wanted |= Q(change_seq__gt=since)
        following = posts.filter(pk__gt=OuterRef("pk"), pk__lte=after).order_by("pk")
        posts = posts.annotate(before=Subquery(following.values("pk")[:1]))
    rows = list(posts.filter(wanted).order_by("pk")[: POLL_MAX + 1])
    changed = [p for p in rows if p.pk <= after]
    newer = [p for p in rows if p.pk > after][: max(POLL_MAX - len(changed), 0)]
    for post in changed:
        post.moves = moderator or post.author_id == user.pk or post.status != PostStatus.PUBLISHED
    name = topic.community.name
    return ThreadNews(
        posts=_labelled(newer, name),
        # Newest first: each one's `before` is then on the page when it is put back.
        changed=_labelled(reversed(changed), name),
        after=newer[-1].pk if newer else after,
        since=thread_since(topic, changed + newer) if since is not None else None,
        first=after == 0,
        overflow=len(changed) >= POLL_MAX and len(rows) > POLL_MAX,
    )


def poll_seconds(meeting: Meeting) -> int | None:
    """How often an open thread asks for new posts: every 5 s on the day, every 30 s before
    it, never once the meeting is closed."""
    phase = meeting.phase()
    if phase == Phase.DISCUSSING:
        return 5
    if phase == Phase.COLLECTING:
        return 30
    return None


def community_meetings(community):
    """The community's meetings with their published topics counted: scheduled ones (this
    month's and the next) first by date, then the closed ones newest first."""
    return (
        Meeting.objects.filter(community=community)
        .annotate(topics_count=Count("topics", filter=Q(topics__moderation=PostStatus.PUBLISHED)))
        .order_by("date", "pk")
    )
