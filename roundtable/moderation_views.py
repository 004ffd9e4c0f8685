"""Staff pages of the round table's moderation (namespace `roundtable`): the queue of held topics
and posts, the publish and hide buttons (posted from the queue and from the staff topic page), and
the district's list of sensitive words.

Views parse, check, call roundtable/moderation.py and render; refusals are core/http.py's.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core.http import form_page, perform_or_refuse
from core.paging import paginate
from core.scope import get_visible_or_404

from . import moderation
from .models import Post, SensitiveWord, Topic
from .moderation import HELD, HIDDEN, QueuePaginator, workflow_of
from .moderation_forms import HideForm, QueueFilterForm, WordSearchForm, WordsForm

QUEUE_TEMPLATE = "roundtable/moderation/queue.html"
ITEM_TEMPLATE = "roundtable/moderation/item.html"
WORDS_TEMPLATE = "roundtable/moderation/words.html"
WORDS_PER_PAGE = 100

TOPIC_RELATED = ("community", "meeting", "participant__building", "author", "moderated_by")
POST_RELATED = (
    "topic__community",
    "topic__meeting",
    "participant__building",
    "author",
    "moderated_by",
)


def _back(request) -> str:
    """Where the moderator came from (the queue, the topic page), if it is a path of this
    site; else the queue."""
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("roundtable:moderation")


def _rows(user, items) -> list[dict]:
    return [
        {
            "item": item,
            "is_post": isinstance(item, Post),
            "author": moderation.author_label(item),
            "can": workflow_of(item).available(user, item),
        }
        for item in items
    ]


@login_required
@permission_required("roundtable.view_moderation", raise_exception=True)
def queue(request):
    form = QueueFilterForm(request.GET or None)
    show = HIDDEN if form.is_valid() and form.cleaned_data["show"] == HIDDEN else HELD
    rows = moderation.queue_rows(user=request.user, show=show)
    page = QueuePaginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": _rows(request.user, moderation.queue_items(page.object_list)),
        "show": show,
        "may_act": request.user.has_perm("roundtable.moderate_post"),
        "can_words": request.user.has_perm("roundtable.manage_words"),
        "here": request.get_full_path(),
    }
    return render(request, QUEUE_TEMPLATE, context)


def _item_page(request, item, status: int, form=None):
    """One item with its moderation and the buttons still open: where a refused action lands
    (409: somebody acted first; 422: the reason is missing), the form kept with its errors."""
    fresh = type(item).objects.select_related(*_related(item)).get(pk=item.pk)
    context = {
        "row": _rows(request.user, [fresh])[0],
        "form": form or HideForm(),
        "back": _back(request),
    }
    return render(request, ITEM_TEMPLATE, context, status=status)


def _related(item) -> tuple:
    return POST_RELATED if isinstance(item, Post) else TOPIC_RELATED


def _act(request, item, action: str, call, done: str):
    form = HideForm(request.POST) if action == "hide" else None
    return perform_or_refuse(
        request,
        call,
        admit=lambda: workflow_of(item).admit(request.user, item, action),
        form=form,
        form_shown=True,
        page=lambda status: _item_page(request, item, status, form),
        done=done,
        to=_back(request),
    )


def _topic(request, pk) -> Topic:
    return get_visible_or_404(Topic.objects.select_related(*TOPIC_RELATED), request.user, pk=pk)


def _post(request, pk) -> Post:
    return get_visible_or_404(Post.objects.select_related(*POST_RELATED), request.user, pk=pk)


@require_POST
@login_required
def topic_publish(request, pk):
    topic = _topic(request, pk)
    return _act(
        request,
        topic,
        "publish",
        lambda data: moderation.topic_publish(topic=topic, by=request.user),
        f"议题“{topic.title}”已发布,居民现在可以看到和附议。",
    )


@require_POST
@login_required
def topic_hide(request, pk):
    topic = _topic(request, pk)
    return _act(
        request,
        topic,
        "hide",
        lambda data: moderation.topic_hide(topic=topic, by=request.user, reason=data["reason"]),
        f"议题“{topic.title}”已隐藏,公开页面显示隐藏原因。",
    )


@require_POST
@login_required
def post_publish(request, pk):
    post = _post(request, pk)
    return _act(
        request,
        post,
        "publish",
        lambda data: moderation.post_publish(post=post, by=request.user),
        "发言已发布,已出现在议题讨论中。",
    )


@require_POST
@login_required
def post_hide(request, pk):
    post = _post(request, pk)
    return _act(
        request,
        post,
        "hide",
        lambda data: moderation.post_hide(post=post, by=request.user, reason=data["reason"]),
        "发言已隐藏,讨论中显示“该发言已被管理员隐藏”和隐藏原因。",
    )


# --- the district's sensitive words -----------------------------------------------------------
def _district(request):
    district = moderation.district_of(request.user)
    if district is None:
        raise PermissionDenied
    return district


def _words_context(request, district) -> dict:
    search = WordSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    listed = moderation.word_list(user=request.user, district=district, query=query)
    return {
        "district": district,
        "page": paginate(request, listed, per_page=WORDS_PER_PAGE),
        "search": search,
        "query": query,
        "limit": moderation.WORDS_MAX,
    }


@login_required
@permission_required("roundtable.manage_words", raise_exception=True)
def words(request):
    district = _district(request)
    form = WordsForm(request.POST if request.method == "POST" else None)

    def perform(data):
        added = moderation.word_add(district=district, by=request.user, words=data["words"])
        skipped = len(moderation.words_split(data["words"])) - len(added)
        note = f",{skipped} 个已在词库中,未重复添加" if skipped else ""
        messages.success(request, f"已添加 {len(added)} 个敏感词{note}。")
        return redirect("roundtable:words")

    context = _words_context(request, district)
    return form_page(request, form, template=WORDS_TEMPLATE, context=context, perform=perform)


@require_POST
@login_required
def word_delete(request, pk):
    word = get_visible_or_404(SensitiveWord, request.user, pk=pk)

    def page(status):
        context = {**_words_context(request, _district(request)), "form": WordsForm()}
        return render(request, WORDS_TEMPLATE, context, status=status)

    return perform_or_refuse(
        request,
        lambda data: moderation.word_remove(word=word, by=request.user),
        page=page,
        done=f"已删除敏感词“{word.word}”。",
        to="roundtable:words",
    )


urls = [
    path("moderation/", queue, name="moderation"),
    path("topics/<int:pk>/publish/", topic_publish, name="topic_publish"),
    path("topics/<int:pk>/hide/", topic_hide, name="topic_hide"),
    path("posts/<int:pk>/publish/", post_publish, name="post_publish"),
    path("posts/<int:pk>/hide/", post_hide, name="post_hide"),
    path("words/", words, name="words"),
    path("words/<int:pk>/delete/", word_delete, name="word_delete"),
]
