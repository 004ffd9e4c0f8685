"""Moderation of the round table (issue 15, item 7): what waits for review, publishing and hiding
it, and the district's list of sensitive words.

A topic (its `moderation`) or a post (its `status`) is HELD when it contains a word of the
district's list or its community reviews first (roundtable/access.py `held_reason`, asked by the
topics area when posting). Then:

    held ──publish (community staff of its community, district staff)──▶ published
    held / published ──hide (the same, with a stated reason)───────────▶ hidden

A hidden item stays hidden (no restore; the audit log keeps who and why); the public pages show
"该发言已被管理员隐藏:<reason>" in its place. `Topic.posts_count` counts published posts only, so
publishing a post adds one and hiding a published one takes one away, on the locked post: a second
moderator acting on an item already handled gets a Conflict (409), never a second count. Every
change to a post also numbers it from its topic's `post_changes` (taken under the topic's row
lock, after the post's), which the open threads' poll asks for (roundtable/topics.py
thread_news): a post hidden or published after a reader loaded the page changes on their phone too.
"""

import datetime
import re
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, IntegerField, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from accounts.roles import DISTRICT_BUSINESS
from core.audit import audit
from core.notifications import notify
from core.paging import CappedPaginator
from core.workflow import Action, Conflict, Step, Workflow

from .access import bare_text, forget_words
from .models import Post, PostStatus, SensitiveWord, Topic

HELD, PUBLISHED, HIDDEN = PostStatus.HELD, PostStatus.PUBLISHED, PostStatus.HIDDEN
MODERATE = "roundtable.moderate_post"
REASON_MIN, REASON_MAX = 2, 200
# The "recently hidden" tab of the queue.
HIDDEN_DAYS = 30
# The district's list: each word 1–30 characters (the model's max_length), at most 500 of them.
WORD_MAX = 30
WORDS_MAX = 500
# Between words in the add form: newlines, spaces (full-width too), commas, 、 and semicolons.
WORD_SEPARATORS = re.compile(r"[\s\u3000,,、;;]+")


# --- the workflow -----------------------------------------------------------------------------
def clean_reason(value) -> str:
    """The reason as it is stored and shown: runs of spaces and newlines become one space."""
    return " ".join(str(value or "").split())


def _reason_check(step: Step):
    reason = clean_reason(step.data.get("reason"))
    if "\x00" in reason:
        yield "隐藏原因含有无法识别的字符。"
    elif len(reason) < REASON_MIN:
        yield f"请填写隐藏原因(至少 {REASON_MIN} 个字),它会显示在公开页面上。"
    elif len(reason) > REASON_MAX:
        yield f"隐藏原因不能超过 {REASON_MAX} 个字。"


def _moderated(step: Step) -> None:
    step.set(moderated_by=step.by, moderated_at=timezone.now())
    step.detail["community"] = _community_id(step.obj)


def _community_id(item) -> int:
    return item.topic.community_id if isinstance(item, Post) else item.community_id


def _post_changed(step: Step, counted: int) -> None:
    """The topic counts the change (and its published posts: `counted` is +1, -1 or 0) and the
    post takes the change's number. The update locks the topic's row until commit, so changes
    commit in the order of their numbers and a poll never skips one still in flight."""
    topic = Topic.objects.filter(pk=step.obj.topic_id)
    # Never below zero, whatever a hand-edited row says (the column is unsigned).
    topic.update(
        post_changes=F("post_changes") + 1,
        posts_count=Greatest(F("posts_count") + counted, 0, output_field=IntegerField()),
    )
    step.set(change_seq=topic.values_list("post_changes", flat=True).get())


def _publish_post(step: Step) -> None:
    _moderated(step)
    # The topics area counts published posts only.
    _post_changed(step, +1)


def _hide(step: Step) -> None:
    _moderated(step)
    reason = clean_reason(step.data.get("reason"))
    step.set(hidden_reason=reason)
    step.detail["reason"] = reason


def _hide_post(step: Step) -> None:
    _hide(step)
    _post_changed(step, -1 if step.source == PUBLISHED else 0)


def _tell_author(step: Step) -> None:
    """The account that wrote the item hears what became of it (unless it acted itself).
    Residents and partner organisations are sent to the public thread, staff who wrote on
    someone's behalf to their own topic page."""
    item, is_post = step.obj, isinstance(step.obj, Post)
    author = item.author
    if author.pk == step.by.pk or not author.is_active:
        return
    topic = item.topic if is_post else item
    name = "roundtable_public:topic" if item.participant_id else "roundtable:topic"
    url = reverse(name, args=[topic.pk]) + (f"#post-{item.pk}" if is_post else "")
    kind = "post" if is_post else "topic"
    what = f"您在圆桌会议题“{topic.title}”中的发言" if is_post else f"您的圆桌会议题“{topic.title}”"
    if step.action.name == "publish":
        notify(
            author, f"roundtable.{kind}_published", item, title=f"{what}已通过审核并公开", url=url
        )
    else:
        notify(
            author,
            f"roundtable.{kind}_hidden",
            item,
            title=f"{what}已被管理员隐藏",
            body=f"隐藏原因:{item.hidden_reason}",
            url=url,
        )


def _table(model, noun: str, status_field: str, publish, hide) -> Workflow:
    return Workflow(
        model,
        [
            Action(
                "publish",
                "发布",
                MODERATE,
                frozenset({HELD}),
                target=PUBLISHED,
                apply=publish,
                notify=_tell_author,
            ),
            Action(
                "hide",
                "隐藏",
                MODERATE,
                frozenset({HELD, PUBLISHED}),
                target=HIDDEN,
                check=_reason_check,
                apply=hide,
                notify=_tell_author,
            ),
        ],
        initial=PUBLISHED,
        noun=noun,
        status_field=status_field,
        changed_at_field=None,
    )


TOPIC_MODERATION = _table(Topic, "议题", "moderation", _moderated, _hide)
POST_MODERATION = _table(Post, "发言", "status", _publish_post, _hide_post)


def workflow_of(item) -> Workflow:
    return POST_MODERATION if isinstance(item, Post) else TOPIC_MODERATION


# --- services ---------------------------------------------------------------------------------
def topic_publish(*, topic: Topic, by) -> Topic:
    """Publish a held topic: it appears on the meeting's public page (409 unless held)."""
    return TOPIC_MODERATION.perform(topic, "publish", by=by).obj


def post_publish(*, post: Post, by) -> Post:
    """Publish a held post: it appears in the thread and is counted (409 unless held)."""
    return POST_MODERATION.perform(post, "publish", by=by).obj


def topic_hide(*, topic: Topic, by, reason: str) -> Topic:
    """Hide a held or published topic with the reason the public pages show (409 once hidden)."""
    return TOPIC_MODERATION.perform(topic, "hide", by=by, data={"reason": reason}).obj


def post_hide(*, post: Post, by, reason: str) -> Post:
    """Hide a held or published post with the reason the thread shows in its place; a published
    one is no longer counted (409 once hidden)."""
    return POST_MODERATION.perform(post, "hide", by=by, data={"reason": reason}).obj


# --- the queue --------------------------------------------------------------------------------
class QueuePaginator(CappedPaginator):
    """Capped and counted like every list, but paged by OFFSET only: the queue is a UNION of
    topics and posts, which cannot be filtered by the ids of a deferred join."""

    def page(self, number):
        return Paginator.page(self, number)


def _rows(queryset, kind: str, moment: str):
    return queryset.annotate(kind=Value(kind), moment=F(moment)).values("id", "kind", "moment")


def queue_rows(*, user, show: str = HELD, now=None):
    """The queue's rows as (id, kind, moment), for one page at a time: the held topics and posts
    of the user's communities oldest first, or (`show="hidden"`) those hidden in the last 30
    days, latest first. One query per page however many rows wait."""
    topics = Topic.objects.visible_to(user)
    posts = Post.objects.visible_to(user)
    if show == HIDDEN:
        since = (now or timezone.now()) - datetime.timedelta(days=HIDDEN_DAYS)
        topics = topics.filter(moderation=HIDDEN, moderated_at__gte=since)
        posts = posts.filter(status=HIDDEN, moderated_at__gte=since)
        moment, order = "moderated_at", ("-moment", "-id")
    else:
        topics, posts = topics.filter(moderation=HELD), posts.filter(status=HELD)
        moment, order = "created_at", ("moment", "id")
    return (
        _rows(topics.order_by(), "topic", moment)
        .union(_rows(posts.order_by(), "post", moment), all=True)
        .order_by(*order)
    )


def queue_items(rows) -> list:
    """The topics and posts behind one page of `queue_rows`, in its order, each with what the
    queue shows (community, meeting, author, moderator): two queries whatever the page holds."""
    wanted = {"topic": [], "post": []}
    for row in rows:
        wanted[row["kind"]].append(row["id"])
    found = {}
    if wanted["topic"]:
        topics = Topic.objects.filter(pk__in=wanted["topic"]).select_related(
            "community", "meeting", "participant__building", "author", "moderated_by"
        )
        found.update({("topic", t.pk): t for t in topics})
    if wanted["post"]:
        posts = Post.objects.filter(pk__in=wanted["post"]).select_related(
            "topic__community",
            "topic__meeting",
            "participant__building",
            "author",
            "moderated_by",
        )
        found.update({("post", p.pk): p for p in posts})
    return [found[key] for row in rows if (key := (row["kind"], row["id"])) in found]


def author_label(item) -> str:
    """Who wrote a topic or post, as staff read it: the participant's name (and building), or
    the staff member who wrote it as the community or on a resident's behalf."""
    participant = item.participant
    if participant is not None:
        where = f" · {participant.building.number}" if participant.building_id else ""
        return f"{participant.get_kind_display()} · {participant.name}{where}"
    if item.on_behalf_of:
        return f"{item.author} 代 {item.on_behalf_of} 发"
    return f"社区 · {item.author}"


# --- the district's sensitive words -----------------------------------------------------------
def district_of(user) -> District | None:
    """The district a district staff member works for (None for anybody else)."""
    ids = frozenset().union(*(user.scope.districts.get(r, ()) for r in DISTRICT_BUSINESS))
    return District.objects.filter(pk__in=ids).order_by("pk").first() if ids else None


def words_split(text: str) -> list[str]:
    """The words typed in the add form, in order, each once (letters' case aside)."""
    seen, words = set(), []
    for word in WORD_SEPARATORS.split(str(text or "")):
        if word and word.lower() not in seen:
            seen.add(word.lower())
            words.append(word)
    return words


def _words_refused(words: list[str]):
    if not words:
        yield "请填写至少一个敏感词。"
    too_long = [w for w in words if len(w) > WORD_MAX]
    if too_long:
        shown = "、".join(w[:10] + "…" for w in too_long[:3])
        yield f"每个敏感词不超过 {WORD_MAX} 个字:{shown}"
    if any("\x00" in w for w in words):
        yield "敏感词含有无法识别的字符。"
    # held_reason compares letters and digits only: a word of punctuation or symbols alone
    # would match every text.
    bare = [w for w in words if not bare_text(w)]
    if bare:
        yield f"只有标点或符号的词不能作为敏感词:{'、'.join(bare[:5])}"


def _forget(district_id: int) -> None:
    """The cached list is dropped now (this transaction's reads) and once committed (a read by
    another request meanwhile may have cached the old list)."""
    forget_words(district_id)
    transaction.on_commit(partial(forget_words, district_id))


def word_add(*, district: District, by, words: str) -> list[SensitiveWord]:
    """Add one or many words to the district's list (those already there are skipped); the
    next topic or post containing one is held for review. Returns the words added."""
    if not by.has_perm("roundtable.manage_words", district):
        raise PermissionDenied
    candidates = words_split(words)
    if reasons := list(_words_refused(candidates)):
        raise ValidationError(reasons)
    with transaction.atomic():
        # The district's row serialises changes to its list, so two additions at once cannot
        # pass the limit together.
        District.objects.select_for_update().get(pk=district.pk)
        existing = list(
            SensitiveWord.objects.filter(district=district).values_list("word", flat=True)
        )
        known = {w.lower() for w in existing}
        new = [w for w in candidates if w.lower() not in known]
        if len(existing) + len(new) > WORDS_MAX:
            raise ValidationError(
                f"敏感词最多 {WORDS_MAX} 个:已有 {len(existing)} 个,"
                f"这次新增 {len(new)} 个就超过了。请先删除不再需要的词。"
            )
        made = SensitiveWord.objects.bulk_create(
            [SensitiveWord(district=district, word=w, created_by=by) for w in new]
        )
        audit(
            actor=by,
            action="roundtable.word_add",
            obj=district,
            detail={"words": new, "skipped": len(candidates) - len(new)},
        )
        _forget(district.pk)
    return made


def word_remove(*, word: SensitiveWord, by) -> None:
    """Take a word off the district's list: texts containing it are no longer held (those held
    already stay in the queue until someone publishes or hides them)."""
    if not by.has_perm("roundtable.manage_words", word):
        raise PermissionDenied
    with transaction.atomic():
        locked = SensitiveWord.objects.select_for_update().filter(pk=word.pk).first()
        if locked is None:
            raise Conflict("这个敏感词已经删除了。", code="status")
        audit(
            actor=by,
            action="roundtable.word_remove",
            obj=locked,
            detail={"word": locked.word, "district": locked.district_id},
        )
        locked.delete()
        _forget(locked.district_id)


def word_list(*, user, district: District, query: str = ""):
    """The district's words for the words page, alphabetical, with who added them."""
    words = (
        SensitiveWord.objects.visible_to(user)
        .filter(district=district)
        .select_related("created_by")
        .order_by("word")
    )
    return words.filter(word__icontains=query) if query else words
