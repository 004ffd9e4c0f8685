"""Staff pages of the topics area under /roundtable/ (namespace `roundtable`): a topic's page
with its moderation state, its live thread (held posts shown to moderators), the form to post as
the community or for a resident, and the follow-up panel; and raising a topic at a meeting.

Every topic is fetched through `Topic.objects.visible_to(user)` (404, audited, outside one's
scope); the rules are roundtable/rules_topics.py, the services roundtable/topics.py. The thread's
rendering is shared with the residents' page (public_views.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_POST, require_safe

from core.http import form_page
from core.scope import get_visible_or_404

from . import followup, topics
from .models import Meeting, MeetingStatus, PostStatus
from .public_views import post_submit, posts_fragment, thread_context
from .topic_forms import StaffPostForm, StaffTopicForm

VIEW = "roundtable.view_topic"
MODERATE = "roundtable.moderate_post"


def _topic_get(request, pk):
    topic = get_visible_or_404(topics.staff_topic_queryset(request.user), request.user, pk=pk)
    if not request.user.has_perm(VIEW, topic):
        raise PermissionDenied
    topic.meeting.community = topic.community  # loaded already: no query for it
    topic.label = topics.author_label(topic, topic.community.name)
    return topic


def _meeting_url(meeting) -> str:
    """The meetings area's staff page of the meeting ("" until it exists)."""
    try:
        return meeting.get_absolute_url()
    except NoReverseMatch:
        return ""


def _topic_page(request, topic, *, form=None, status=200):
    user = request.user
    meeting = topic.meeting
    can_post = (
        user.has_perm(topics.ADD_POST, topic)
        and meeting.status == MeetingStatus.SCHEDULED
        and topic.moderation == PostStatus.PUBLISHED
    )
    moderator = user.has_perm(MODERATE, topic)
    context = {
        "meeting": meeting,
        "community": topic.community,
        "meeting_url": _meeting_url(meeting),
        "can_moderate": moderator,
        "can_post": can_post,
        "form": form or (StaffPostForm() if can_post else None),
        "post_url": reverse("roundtable:post_create", args=[topic.pk]),
        "panel": followup.topic_panel(topic, user),
        **thread_context(
            request,
            topic,
            moderator=moderator,
            fragment_url=reverse("roundtable:posts", args=[topic.pk]),
            page_url=topic.get_absolute_url(),
        ),
    }
    return render(request, "roundtable/topics/topic.html", context, status=status)


@login_required
@require_safe
def topic(request, pk):
    """The staff page of a topic: moderation, thread, posting, follow-up."""
    return _topic_page(request, _topic_get(request, pk))


@login_required
@require_safe
def posts(request, pk):
    """The staff thread fragment: as the residents', with held posts for moderators."""
    topic = _topic_get(request, pk)
    return posts_fragment(
        request,
        topic,
        moderator=request.user.has_perm(MODERATE, topic),
        page_url=topic.get_absolute_url(),
    )


@require_POST
@login_required
def post_create(request, pk):
    """Post as the community, or on behalf of a resident without a phone."""
    topic = _topic_get(request, pk)
    if not request.user.has_perm(topics.ADD_POST, topic):
        raise PermissionDenied
    form = StaffPostForm(request.POST)
    moderator = request.user.has_perm(MODERATE, topic)
    return post_submit(
        request,
        topic,
        form,
        create=lambda data: topics.post_create(topic=topic, by=request.user, **data),
        page=lambda status: _topic_page(request, topic, form=form, status=status),
        page_url=topic.get_absolute_url(),
        context={"topic": topic, "post_url": request.path, "moderator": moderator},
        fragment_url=reverse("roundtable:posts", args=[topic.pk]),
    )


@login_required
def topic_create(request, pk):
    """Raise a topic at a meeting for a resident without a phone, or as the community."""
    meeting = get_visible_or_404(
        Meeting.objects.select_related("community__street"), request.user, pk=pk
    )
    form = StaffTopicForm(request.POST if request.method == "POST" else None)

    def perform(data):
        topic = topics.topic_create(meeting=meeting, by=request.user, **data)
        messages.success(request, "议题已提出,居民在圆桌会页面可以看到并附议。")
        return redirect(topic)

    return form_page(
        request,
        form,
        template="roundtable/topics/topic_form.html",
        perform=perform,
        context={"meeting": meeting, "meeting_url": _meeting_url(meeting)},
        admit=lambda: topics.topic_admit(meeting=meeting, by=request.user),
        back=_meeting_url(meeting) or meeting.get_public_url(),
    )


urls = [
    path("<int:pk>/topics/new/", topic_create, name="topic_create"),
    path("topics/<int:pk>/", topic, name="topic"),
    path("topics/<int:pk>/posts/", posts, name="posts"),
    path("topics/<int:pk>/posts/new/", post_create, name="post_create"),
]
