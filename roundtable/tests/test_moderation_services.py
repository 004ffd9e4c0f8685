"""Moderation services: publishing and hiding held and published topics and posts, and the
district's list of sensitive words (roundtable/moderation.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent, Notification
from core.workflow import Conflict
from roundtable import access, moderation
from roundtable.models import PostStatus, SensitiveWord, Topic
from roundtable.tests import world_moderation as w

HELD, PUBLISHED, HIDDEN = PostStatus.HELD, PostStatus.PUBLISHED, PostStatus.HIDDEN


@pytest.fixture(autouse=True)
def _words_forgotten(org):
    """The list is cached per district id, and ids come back after a rolled-back test."""
    access.forget_words(org.district.pk)
    yield
    access.forget_words(org.district.pk)


@pytest.fixture
def thread(org, people):
    """国奥's meeting with a published topic (one published post counted) by its resident."""
    meeting = w.meeting(org.guoao)
    by = {"participant": w.resident_participant(org, people), "author": people.resident}
    topic = w.topic(meeting, posts_count=1, **by)
    return type(
        "Thread",
        (),
        {
            "meeting": meeting,
            "by": by,
            "topic": topic,
            "post": w.post(topic, **by),
            "held_post": w.post(topic, "物业乱收费", HELD, held_reason="含敏感词:乱收费", **by),
            "held_topic": w.topic(meeting, "物业乱收费", HELD, held_reason="先审后发", **by),
        },
    )


def _count(topic) -> int:
    return Topic.objects.get(pk=topic.pk).posts_count


# --- publish ------------------------------------------------------------------------------------
def test_secretary_publishes_a_held_topic_and_its_author_hears_of_it(thread, people):
    topic = moderation.topic_publish(topic=thread.held_topic, by=people.secretary)

    topic.refresh_from_db()
    assert topic.moderation == PUBLISHED
    assert topic.moderated_by == people.secretary and topic.moderated_at is not None
    assert topic.held_reason == "先审后发"  # kept: why it waited
    event = AuditEvent.objects.get(action="topic.publish", object_id=str(topic.pk))
    assert event.actor == people.secretary
    assert event.detail["from"] == HELD and event.detail["to"] == PUBLISHED
    note = Notification.objects.get(recipient=people.resident)
    assert note.event == "roundtable.topic_published"
    assert "物业乱收费" in note.title and "已通过审核" in note.title
    assert note.url.startswith("/p/roundtable/")


def test_publishing_a_held_post_counts_it_once(thread, people):
    moderation.post_publish(post=thread.held_post, by=people.worker)

    thread.held_post.refresh_from_db()
    assert thread.held_post.status == PUBLISHED
    assert _count(thread.topic) == 2
    note = Notification.objects.get(recipient=people.resident)
    assert note.event == "roundtable.post_published"
    assert note.url.endswith(f"#post-{thread.held_post.pk}")


def test_publishing_what_is_already_published_is_a_conflict(thread, people):
    with pytest.raises(Conflict, match="已发布"):
        moderation.post_publish(post=thread.post, by=people.secretary)
    with pytest.raises(Conflict):
        moderation.topic_publish(topic=thread.topic, by=people.secretary)
    assert _count(thread.topic) == 1
    assert not Notification.objects.exists()


def test_a_hidden_post_cannot_be_published_again(thread, people):
    moderation.post_hide(post=thread.held_post, by=people.secretary, reason="广告内容")

    with pytest.raises(Conflict, match="已隐藏"):
        moderation.post_publish(post=thread.held_post, by=people.district)
    assert _count(thread.topic) == 1


# --- hide ---------------------------------------------------------------------------------------
def test_hiding_a_published_post_uncounts_it_and_keeps_the_reason(thread, people):
    moderation.post_hide(post=thread.post, by=people.secretary, reason="  含有\n人身攻击内容 ")

    thread.post.refresh_from_db()
    assert thread.post.status == HIDDEN
    assert thread.post.hidden_reason == "含有 人身攻击内容"
    assert thread.post.moderated_by == people.secretary
    assert _count(thread.topic) == 0
    event = AuditEvent.objects.get(action="post.hide", object_id=str(thread.post.pk))
    assert event.detail["reason"] == "含有 人身攻击内容"
    assert event.detail["community"] == thread.topic.community_id
    assert event.detail["from"] == PUBLISHED
    note = Notification.objects.get(recipient=people.resident)
    assert note.event == "roundtable.post_hidden"
    assert note.body == "隐藏原因:含有 人身攻击内容"


def test_a_second_hide_is_a_conflict_and_never_uncounts_twice(thread, people):
    moderation.post_hide(post=thread.post, by=people.secretary, reason="人身攻击")

    with pytest.raises(Conflict, match="已隐藏"):
        moderation.post_hide(post=thread.post, by=people.district, reason="广告")
    assert _count(thread.topic) == 0
    thread.post.refresh_from_db()
    assert thread.post.hidden_reason == "人身攻击" and thread.post.moderated_by == people.secretary


def test_hiding_a_held_post_changes_no_count(thread, people):
    moderation.post_hide(post=thread.held_post, by=people.secretary, reason="广告内容")

    assert _count(thread.topic) == 1


def test_hiding_never_takes_the_count_below_zero(thread, people):
    Topic.objects.filter(pk=thread.topic.pk).update(posts_count=0)

    moderation.post_hide(post=thread.post, by=people.secretary, reason="广告内容")

    assert _count(thread.topic) == 0


def test_each_change_to_a_post_takes_the_next_number_of_its_topic(thread, people):
    """The live thread's poll asks for the changes numbered after the last it saw."""
    moderation.post_publish(post=thread.held_post, by=people.secretary)
    moderation.post_hide(post=thread.post, by=people.secretary, reason="广告内容")
    moderation.post_hide(post=thread.held_post, by=people.secretary, reason="人身攻击")

    thread.post.refresh_from_db()
    thread.held_post.refresh_from_db()
    topic = Topic.objects.get(pk=thread.topic.pk)
    assert (thread.post.change_seq, thread.held_post.change_seq) == (2, 3)
    assert topic.post_changes == 3 and topic.posts_count == 0
    moderation.topic_hide(topic=thread.topic, by=people.secretary, reason="广告内容")
    assert Topic.objects.get(pk=thread.topic.pk).post_changes == 3  # posts' changes only


def test_hiding_a_topic_keeps_its_posts_count(thread, people):
    moderation.topic_hide(topic=thread.topic, by=people.district, reason="与本社区无关")

    thread.topic.refresh_from_db()
    assert thread.topic.moderation == HIDDEN and thread.topic.posts_count == 1
    assert thread.topic.hidden_reason == "与本社区无关"
    event = AuditEvent.objects.get(action="topic.hide")
    assert event.actor == people.district and event.detail["reason"] == "与本社区无关"
    assert Notification.objects.get(recipient=people.resident).event == "roundtable.topic_hidden"


@pytest.mark.parametrize("reason", ["", "  ", "广", "长" * 201, "a\x00b"])
def test_hiding_needs_a_reason_of_2_to_200_characters(thread, people, reason):
    with pytest.raises(ValidationError) as caught:
        moderation.post_hide(post=thread.post, by=people.secretary, reason=reason)

    assert not isinstance(caught.value, Conflict)
    thread.post.refresh_from_db()
    assert thread.post.status == PUBLISHED and thread.post.hidden_reason == ""
    assert _count(thread.topic) == 1
    assert not AuditEvent.objects.filter(action="post.hide").exists()


def test_a_reason_of_exactly_200_characters_is_kept(thread, people):
    moderation.topic_hide(topic=thread.topic, by=people.secretary, reason="长" * 200)

    thread.topic.refresh_from_db()
    assert thread.topic.hidden_reason == "长" * 200


def test_a_staff_member_moderating_what_they_wrote_is_not_notified(thread, people):
    topic = w.topic(thread.meeting, "社区提议", HELD, author=people.secretary)

    moderation.topic_publish(topic=topic, by=people.secretary)

    assert not Notification.objects.exists()


def test_staff_who_wrote_on_a_residents_behalf_are_sent_to_the_staff_page(thread, people):
    topic = w.topic(thread.meeting, "代发", HELD, author=people.worker, on_behalf_of="3号楼 王大爷")

    moderation.topic_publish(topic=topic, by=people.secretary)

    note = Notification.objects.get(recipient=people.worker)
    assert note.url.startswith("/roundtable/topics/")


# --- who moderates ------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["secretary_haiyun", "secretary2", "street", "member", "resident"])
def test_only_the_communitys_staff_and_the_district_moderate(thread, people, who):
    person = getattr(people, who)
    with pytest.raises(PermissionDenied):
        moderation.post_publish(post=thread.held_post, by=person)
    with pytest.raises(PermissionDenied):
        moderation.topic_hide(topic=thread.topic, by=person, reason="广告内容")
    assert _count(thread.topic) == 1


def test_district_staff_moderate_every_community(org, people):
    meeting = w.meeting(org.yuehai)
    topic = w.topic(meeting, "悦海的议题", HELD, author=people.secretary2)

    moderation.topic_publish(topic=topic, by=people.district)

    topic.refresh_from_db()
    assert topic.moderation == PUBLISHED


def test_the_permission_is_asked_of_the_item(thread, people):
    assert people.secretary.has_perm("roundtable.moderate_post", thread.post)
    assert people.secretary.has_perm("roundtable.moderate_post", thread.topic)
    assert people.secretary.has_perm("roundtable.moderate_post")  # a button without an item
    assert not people.secretary_haiyun.has_perm("roundtable.moderate_post", thread.post)
    assert not people.street.has_perm("roundtable.moderate_post")
    assert people.street.has_perm("roundtable.view_moderation")
    assert people.district.has_perm("roundtable.moderate_post", thread.topic)
    assert not people.partner.has_perm("roundtable.view_moderation")


# --- the district's words -----------------------------------------------------------------------
def test_words_are_split_on_newlines_commas_and_spaces_once_each(org, people):
    added = moderation.word_add(
        district=org.district,
        by=people.district,
        words="乱收费\n黑物业, 乱收费 ,ABC、abc;代办\u3000退款\r\n\n",
    )

    assert [w.word for w in added] == ["乱收费", "黑物业", "ABC", "代办", "退款"]
    assert set(SensitiveWord.objects.values_list("word", flat=True)) == {
        "乱收费",
        "黑物业",
        "ABC",
        "代办",
        "退款",
    }
    assert all(w.created_by == people.district for w in SensitiveWord.objects.all())
    event = AuditEvent.objects.get(action="roundtable.word_add")
    assert event.detail == {"words": ["乱收费", "黑物业", "ABC", "代办", "退款"], "skipped": 0}


def test_words_already_listed_are_skipped(org, people):
    moderation.word_add(district=org.district, by=people.district, words="乱收费")

    added = moderation.word_add(district=org.district, by=people.district, words="乱收费 黑物业")

    assert [w.word for w in added] == ["黑物业"]
    assert SensitiveWord.objects.count() == 2
    assert (
        AuditEvent.objects.filter(action="roundtable.word_add")
        .order_by("pk")
        .last()
        .detail["skipped"]
        == 1
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "至少一个"),
        (" ,\n", "至少一个"),
        ("长" * 31, "不超过 30 个字"),
        ("好 ... ", "只有标点"),
    ],
)
def test_bad_words_are_refused_and_nothing_is_added(org, people, typed, message):
    with pytest.raises(ValidationError, match=message):
        moderation.word_add(district=org.district, by=people.district, words=typed)

    assert not SensitiveWord.objects.exists()


def test_a_word_of_30_characters_is_taken(org, people):
    added = moderation.word_add(district=org.district, by=people.district, words="长" * 30)

    assert [w.word for w in added] == ["长" * 30]


def test_the_list_holds_at_most_500_words(org, people):
    SensitiveWord.objects.bulk_create(
        SensitiveWord(district=org.district, word=f"词{n}") for n in range(499)
    )

    moderation.word_add(district=org.district, by=people.district, words="词5 新词甲")  # one new
    with pytest.raises(ValidationError, match="最多 500 个"):
        moderation.word_add(district=org.district, by=people.district, words="新词乙")
    # Only new words count: what is listed already may be typed again.
    moderation.word_add(district=org.district, by=people.district, words="新词甲 词1")

    assert SensitiveWord.objects.count() == 500


@pytest.mark.parametrize("who", ["secretary", "street", "auditor", "sysadmin"])
def test_only_district_staff_keep_the_words(org, people, who):
    word = SensitiveWord.objects.create(district=org.district, word="乱收费")
    person = getattr(people, who)

    with pytest.raises(PermissionDenied):
        moderation.word_add(district=org.district, by=person, words="黑物业")
    with pytest.raises(PermissionDenied):
        moderation.word_remove(word=word, by=person)
    assert list(SensitiveWord.objects.values_list("word", flat=True)) == ["乱收费"]


def test_a_new_word_holds_the_next_text_at_once(org, people):
    before = access.held_reason(
        district_id=org.district.pk, review_first=False, texts=["物业乱收费"]
    )
    assert before == ""  # and the empty list is now cached

    moderation.word_add(district=org.district, by=people.district, words="乱收费")

    after = access.held_reason(
        district_id=org.district.pk, review_first=False, texts=["物业乱 收费"]
    )
    assert after == "含敏感词:乱收费"


def test_a_removed_word_no_longer_holds_texts(org, people):
    (word,) = moderation.word_add(district=org.district, by=people.district, words="乱收费")
    assert access.held_reason(district_id=org.district.pk, review_first=False, texts=["乱收费"])

    moderation.word_remove(word=word, by=people.district)

    assert not SensitiveWord.objects.exists()
    assert (
        access.held_reason(district_id=org.district.pk, review_first=False, texts=["乱收费"]) == ""
    )
    event = AuditEvent.objects.get(action="roundtable.word_remove")
    assert event.detail == {"word": "乱收费", "district": org.district.pk}


def test_removing_a_word_twice_is_a_conflict(org, people):
    word = SensitiveWord.objects.create(district=org.district, word="乱收费")
    moderation.word_remove(word=word, by=people.district)

    with pytest.raises(Conflict, match="已经删除"):
        moderation.word_remove(word=word, by=people.district)


def test_the_words_cache_is_forgotten_once_committed(
    org, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation.word_add(district=org.district, by=people.district, words="乱收费")
    access.sensitive_words(org.district.pk)  # cached again before the commit...

    for callback in callbacks:
        callback()

    from django.core.cache import cache

    assert cache.get(access.WORDS_KEY.format(district_id=org.district.pk)) is None


def test_a_word_of_punctuation_alone_never_holds_every_text(org):
    SensitiveWord.objects.create(district=org.district, word="·")
    access.forget_words(org.district.pk)

    assert access.held_reason(district_id=org.district.pk, review_first=False, texts=["你好"]) == ""


@pytest.mark.parametrize("text", ["物业乱 收·费", "乱\u200b收费!", "乱!收!费", "退款ＡＢＣ", "Abc"])
def test_spaces_punctuation_and_widths_do_not_hide_a_word(org, people, text):
    moderation.word_add(district=org.district, by=people.district, words="乱收费 abc")

    assert access.held_reason(district_id=org.district.pk, review_first=False, texts=[text])


def test_a_title_and_a_body_never_make_up_a_word_together(org, people):
    moderation.word_add(district=org.district, by=people.district, words="乱收费")

    reason = access.held_reason(
        district_id=org.district.pk, review_first=False, texts=["物业乱", "收费标准"]
    )
    assert reason == ""
    assert access.held_reason(district_id=org.district.pk, review_first=True, texts=["x"]) == (
        "本社区圆桌会先审后发"
    )
