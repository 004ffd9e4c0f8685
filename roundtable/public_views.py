"""Residents' pages of the round table under /p/roundtable/ (namespace `roundtable_public`):
the community's meetings, a meeting's topics, a topic's live thread, and the forms to raise a
topic, support one and post.

Reading needs no login (phone first, plain links and forms: they work in WeChat's browser
without scripts). Writing needs the person's place in the community's round table
(roundtable/topics.py asks `access.poster_for`); an anonymous visitor is sent to the sign-in.
Every POST is rate-limited (`roundtable_post`). Personal data: only `Participant.public_name`.

The thread (roundtable/thread/thread.html) is shared with the staff topic page
(topic_views.py): `thread_context`, `posts_fragment` and `post_submit` below serve both.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import (
    HttpResponseClientRedirect,
    HttpResponseClientRefresh,
    HttpResponseStopPolling,
)

from accounts.models import Community, Street
from core.audit import audit
from core.http import perform_or_refuse, refusal_status
from core.models import AuditEvent
from core.paging import paginate
from core.ratelimit import rate_limited

from . import access, followup, topics
from .models import Meeting, MeetingStatus, PostStatus
from .topic_forms import PostForm, TopicForm, parse_id

# The resident's community, remembered on the device: the same cookie /p/ sets (public:place,
# publications.public_views), holding only the community's id.
PLACE_COOKIE = "bsbj_place"
PLACE_MAX_AGE = 400 * 24 * 3600
TOPICS_PER_PAGE = 20
PAST_PER_PAGE = 12
THREAD = "roundtable/thread/thread.html"


# --- places and links -------------------------------------------------------------------------
def _community(community_id) -> Community | None:
    if community_id is None:
        return None
    return Community.objects.select_related("street").filter(pk=community_id).first()


def _place(request) -> tuple[Street | None, Community | None, bool]:
    """The street and community asked for (?street=, ?community=), else the one remembered on
    the device; and whether the choice is new (to be remembered)."""
    if "street" not in request.GET and "community" not in request.GET:
        community = _community(parse_id(request.COOKIES.get(PLACE_COOKIE)))
        return (community.street if community else None), community, False
    street_id = parse_id(request.GET.get("street"))
    community = _community(parse_id(request.GET.get("community")))
    if community is not None and (street_id is None or community.street_id == street_id):
        return community.street, community, True
    street = Street.objects.filter(pk=street_id).first() if street_id else None
    return street, None, False


def sign_in_url(community, next_url: str) -> str:
    """The SMS sign-in of the round table, back to `next_url` afterwards ("" until the sign-in
    exists)."""
    try:
        base = reverse("roundtable_public:login")
    except NoReverseMatch:
        return ""
    return f"{base}?{urlencode({'next': next_url, 'community': community.pk})}"


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _to_sign_in(request, community, next_url: str):
    """An anonymous POST: to the sign-in, and back to the page afterwards."""
    url = sign_in_url(community, next_url)
    if not url:
        messages.error(request, "请先登录。")
        url = next_url
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def refused(request, exc: PermissionDenied, page):
    """A refusal with its Chinese reason on the page it came from (403), audited as the
    middleware audits the ones it sees. With htmx the page reloads to show it."""
    audit(
        actor=request.user,
        action="access.denied",
        result=AuditEvent.Result.DENIED,
        detail={"path": request.path[:200], "method": request.method, "status": 403},
    )
    messages.error(request, str(exc) or "您不能这样做。")
    if request.htmx:
        response = HttpResponse(status=403)
        response["HX-Refresh"] = "true"
        return response
    return page(403)


# --- the community's meetings -----------------------------------------------------------------
def _solved(community, street) -> dict:
    """Problems solved at the round table in the community, its street and its district (or
    everywhere, with no place picked): one query."""
    counts = followup.solved_counts(district=street.district_id if street else None)
    return {
        "community": counts.community(community.pk) if community else None,
        "street": counts.street(street.pk) if street else None,
        "district": counts.total,
    }


@require_safe
def index(request):
    """Pick the street and community (remembered on the device as /p/ does), then the
    community's meetings: the scheduled ones first, then the past ones; and the problems
    solved at the round table in the community, its street and the district."""
    street, community, new = _place(request)
    context = {
        "street": street,
        "community": community,
        "streets": list(Street.objects.order_by("name", "id")),
        "communities": list(street.communities.order_by("name", "id")) if street else [],
        "solved": _solved(community, street),
        "me_url": _url("roundtable_public:me") if request.user.is_authenticated else "",
    }
    if community is not None:
        meetings = topics.community_meetings(community)
        context["current"] = list(meetings.filter(status=MeetingStatus.SCHEDULED)[:3])
        context["page"] = paginate(
            request,
            meetings.filter(status=MeetingStatus.CLOSED).order_by("-date", "-pk"),
            PAST_PER_PAGE,
        )
        context["sign_in"] = (
            "" if request.user.is_authenticated else sign_in_url(community, request.path)
        )
    response = render(request, "roundtable/public/index.html", context)
    if new:
        response.set_cookie(
            PLACE_COOKIE,
            str(community.pk),
            max_age=PLACE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _meeting_get(pk) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("community__street"), pk=pk)


def _posting(request, community, next_url: str) -> dict:
    """Whether the user may post here, else why not and where to sign in."""
    user = request.user
    if access.may_post(user, community.pk):
        return {"may_post": True}
    context = {"may_post": False, "why_not": topics.why_not_post(user, community)}
    if not user.is_authenticated:
        context.update(sign_in=sign_in_url(community, next_url), sign_in_label="用手机号登录")
    elif access.participant_of(user, community.pk) is None and not user.has_perm(
        topics.ADD_POST, community
    ):
        register = _url("roundtable_public:register")
        if register:
            register += "?" + urlencode({"community": community.pk})
        context.update(sign_in=register, sign_in_label="登记参加本社区圆桌会")
    return context


def _admit_posting(request, community) -> None:
    """Asked before a residents' form is read: refused (403) with the reason when the user has
    no place in the round table to post from (the services ask again in their transaction)."""
    if not access.may_post(request.user, community.pk):
        raise PermissionDenied(topics.why_not_post(request.user, community))


def _meeting_page(request, meeting, *, form=None, status=200):
    community = meeting.community
    page = paginate(request, topics.meeting_topics(meeting, request.user), TOPICS_PER_PAGE)
    rows = topics.label_topics(page.object_list, community.name)
    posting = _posting(request, community, meeting.get_public_url())
    is_open = meeting.status == MeetingStatus.SCHEDULED
    if form is None and posting["may_post"] and is_open:
        form = TopicForm()
    context = {
        "meeting": meeting,
        "community": community,
        "page": page,
        "topics": rows,
        "supported": (
            topics.supported_ids(request.user, community, rows) if posting["may_post"] else set()
        ),
        "is_open": is_open,
        "form": form,
        **posting,
    }
    return render(request, "roundtable/public/meeting.html", context, status=status)


@rate_limited("roundtable_post")  # the form's page hands out the device cookie the limit counts
@require_safe
def meeting(request, pk):
    """A meeting: its date and phase, the published topics by supports, the topic form."""
    return _meeting_page(request, _meeting_get(pk))


@rate_limited("roundtable_post")
@require_POST
def topic_create(request, pk):
    """Raise a topic (the form on the meeting page); held ones wait for the community."""
    meeting = _meeting_get(pk)
    if not request.user.is_authenticated:
        return _to_sign_in(request, meeting.community, meeting.get_public_url())
    form = TopicForm(request.POST)

    def call(data):
        topic = topics.topic_create(meeting=meeting, by=request.user, **data)
        if topic.moderation == PostStatus.HELD:
            messages.warning(request, "您的议题正在等待社区审核,审核通过后大家就能看到。")

    try:
        return perform_or_refuse(
            request,
            call,
            page=lambda status: _meeting_page(request, meeting, form=form, status=status),
            done="议题已提交。",
            to=meeting.get_public_url(),
            admit=lambda: _admit_posting(request, meeting.community),
            form=form,
            form_shown=True,
        )
    except PermissionDenied as exc:
        return refused(request, exc, lambda status: _meeting_page(request, meeting, status=status))


# --- a topic and its thread -------------------------------------------------------------------
def _topic_get(request, pk):
    topic = topics.public_topic_get(pk, request.user)
    if topic is None:
        raise Http404
    return topic


def thread_context(request, topic, *, moderator: bool, fragment_url: str, page_url: str) -> dict:
    """The thread of a topic page (the newest posts, or those before ?before=), its live
    polling and its position: the context of thread.html#thread."""
    before = parse_id(request.GET.get("before"))
    posts, more = topics.thread_posts(topic, request.user, moderator=moderator, before=before)
    published = topic.moderation == PostStatus.PUBLISHED
    first = posts[0].pk if posts else None
    return {
        "topic": topic,
        "posts": posts,
        "after": posts[-1].pk if posts else 0,
        "since": topics.thread_since(topic, posts),
        "browsing": before is not None,
        "poll": topics.poll_seconds(topic.meeting) if published and before is None else None,
        "fragment_url": fragment_url,
        "older_url": f"{fragment_url}?before={first}" if more else "",
        "older_page_url": f"{page_url}?before={first}" if more else "",
        "latest_url": page_url,
        "moderator": moderator,
    }


def _topic_page(request, topic, *, form=None, status=200):
    meeting, community = topic.meeting, topic.community
    page_url = topic.get_public_url()
    posting = _posting(request, community, page_url)
    is_open = meeting.status == MeetingStatus.SCHEDULED and topic.moderation == PostStatus.PUBLISHED
    if form is None and posting["may_post"] and is_open:
        form = PostForm()
    context = {
        "meeting": meeting,
        "community": community,
        "is_open": is_open,
        "form": form,
        "post_url": reverse("roundtable_public:post_create", args=[topic.pk]),
        "own": topic.author_id == request.user.pk,
        "supported": topic.pk in topics.supported_ids(request.user, community, [topic])
        if posting["may_post"]
        else False,
        "resolutions": list(topic.resolutions.all())
        if meeting.status == MeetingStatus.CLOSED
        else [],
        **posting,
    }
    if topic.moderation == PostStatus.PUBLISHED:
        context.update(
            thread_context(
                request,
                topic,
                moderator=False,
                fragment_url=reverse("roundtable_public:posts", args=[topic.pk]),
                page_url=page_url,
            )
        )
    else:
        context["topic"] = topic
    return render(request, "roundtable/public/topic.html", context, status=status)


@rate_limited("roundtable_post")  # the form's page hands out the device cookie the limit counts
@require_safe
def topic(request, pk):
    """A topic and its thread, updating without reloading while the meeting is open."""
    return _topic_page(request, _topic_get(request, pk))


def posts_fragment(request, topic, *, moderator: bool, page_url: str) -> HttpResponse:
    """The thread's poll (?after=<last id>&since=<last change>: the newer posts, appended out of
    band with the counter and the new position, and the older ones a moderator has published or
    hidden since, put in their place; 204 when nothing changed; 286 stops polling once the
    meeting is closed) or its older page (?before=<first id>). Constant queries: the topic, the
    posts."""
    user, url = request.user, request.path
    before = parse_id(request.GET.get("before"))
    if before is not None:
        posts, more = topics.thread_posts(topic, user, moderator=moderator, before=before)
        first = posts[0].pk if posts else None
        context = {
            "topic": topic,
            "posts": posts,
            "moderator": moderator,
            "older_url": f"{url}?before={first}" if more else "",
            "older_page_url": f"{page_url}?before={first}" if more else "",
        }
        return render(request, f"{THREAD}#older_posts", context)
    news = _news(request, request.GET, topic, moderator=moderator)
    if news.overflow:
        # More changed than one answer replays (a phone asleep through an evening's
        # moderation): the page reloads and shows the thread as it is.
        return HttpResponseClientRefresh()
    poll = topics.poll_seconds(topic.meeting)
    repoll = poll is not None and parse_id(request.GET.get("every")) != poll
    if not news.posts and not news.changed and poll is not None and not repoll:
        return HttpResponse(status=204)
    context = news_context(topic, news, moderator=moderator, fragment_url=url)
    context["repoll"] = repoll
    response = render(request, f"{THREAD}#news", context)
    # 286: htmx stops polling (the meeting is closed: the thread is read-only from now on).
    return HttpResponseStopPolling(response.content) if poll is None else response


def _news(request, params, topic, *, moderator: bool) -> topics.ThreadNews:
    """What changed in the thread since the position the page sent (after, since)."""
    return topics.thread_news(
        topic,
        request.user,
        moderator=moderator,
        after=parse_id(params.get("after")) or 0,
        since=parse_id(params.get("since")),
    )


def news_context(topic, news, *, moderator: bool, fragment_url: str) -> dict:
    return {
        "topic": topic,
        "posts": news.posts,
        "changed": news.changed,
        "after": news.after,
        "since": news.since,
        "first": news.first,
        "moderator": moderator,
        "poll": topics.poll_seconds(topic.meeting),
        "fragment_url": fragment_url,
    }


@require_safe
def posts(request, pk):
    """The residents' thread fragment of a published topic."""
    topic = _topic_get(request, pk)
    if topic.moderation != PostStatus.PUBLISHED:
        raise Http404
    return posts_fragment(request, topic, moderator=False, page_url=topic.get_public_url())


def post_submit(
    request,
    topic,
    form,
    *,
    create,
    page,
    page_url: str,
    context: dict,
    fragment_url: str,
    admit=None,
):
    """A post from a thread's form, for residents and staff alike. Without script: a redirect
    to the post (or the page again with the reasons, 403/409/422). With htmx: a fresh form and
    the posts since the thread's position (yours included), appended out of band; refusals
    other than bad input reload the page with their message."""
    try:
        if admit is not None:
            admit()
        if not form.is_valid():
            if request.htmx:
                return render(request, f"{THREAD}#post_form", {**context, "form": form}, status=422)
            return page(422)
        post = create(form.cleaned_data)
    except PermissionDenied as exc:
        return refused(request, exc, page)
    except ValidationError as exc:
        status = refusal_status(exc)
        if request.htmx and status != 422:
            for message in exc.messages:
                messages.error(request, message)
            response = HttpResponse(status=status)
            response["HX-Refresh"] = "true"
            return response
        form.add_error(None, exc.messages)
        if request.htmx:
            return render(request, f"{THREAD}#post_form", {**context, "form": form}, status=status)
        return page(status)
    if request.htmx:
        moderator = context.get("moderator", False)
        news = _news(request, request.POST, topic, moderator=moderator)
        if news.overflow:
            return HttpResponseClientRefresh()
        fresh = form.__class__()
        news_ctx = news_context(topic, news, moderator=moderator, fragment_url=fragment_url)
        return render(request, f"{THREAD}#posted", {**context, **news_ctx, "form": fresh})
    if post.status == PostStatus.HELD:
        messages.warning(request, "您的发言正在等待社区审核,审核通过后大家就能看到。")
    else:
        messages.success(request, "发言已发布。")
    return redirect(f"{page_url}#post-{post.pk}")


@rate_limited("roundtable_post")
@require_POST
def post_create(request, pk):
    """Post in a topic's thread (the form under the thread)."""
    topic = _topic_get(request, pk)
    if not request.user.is_authenticated:
        return _to_sign_in(request, topic.community, topic.get_public_url())
    form = PostForm(request.POST)
    return post_submit(
        request,
        topic,
        form,
        create=lambda data: topics.post_create(topic=topic, by=request.user, body=data["body"]),
        page=lambda status: _topic_page(request, topic, form=form, status=status),
        page_url=topic.get_public_url(),
        context={"topic": topic, "post_url": request.path, "moderator": False},
        admit=lambda: _admit_posting(request, topic.community),
        fragment_url=reverse("roundtable_public:posts", args=[topic.pk]),
    )


@rate_limited("roundtable_post")
@require_POST
def support(request, pk):
    """Support (附议) a topic; back to the meeting page (or the topic page it came from)."""
    topic = _topic_get(request, pk)
    meeting = topic.meeting
    from_topic = request.POST.get("back") == "topic"
    back = topic.get_public_url() if from_topic else f"{meeting.get_public_url()}#topic-{topic.pk}"
    if not request.user.is_authenticated:
        return _to_sign_in(request, topic.community, back)

    def page(status):
        if from_topic:
            return _topic_page(request, topic, status=status)
        return _meeting_page(request, meeting, status=status)

    try:
        return perform_or_refuse(
            request,
            lambda data: topics.topic_support(topic=topic, by=request.user),
            page=page,
            done="附议成功,谢谢您的支持。",
            to=back,
            admit=lambda: _admit_posting(request, topic.community),
        )
    except PermissionDenied as exc:
        return refused(request, exc, page)


urls = [
    path("", index, name="index"),
    path("<int:pk>/", meeting, name="meeting"),
    path("<int:pk>/topics/new/", topic_create, name="topic_create"),
    path("topics/<int:pk>/", topic, name="topic"),
    path("topics/<int:pk>/posts/", posts, name="posts"),
    path("topics/<int:pk>/posts/new/", post_create, name="post_create"),
    path("topics/<int:pk>/support/", support, name="support"),
]
