"""The needs list's services: permissions (403), the status table (409), input (422), the merge
and its hooks, the district's categories."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from core.models import AuditEvent
from core.workflow import Conflict
from needs import hooks, services
from needs.models import Category, Need, NeedEvent, NeedMention, Receipt
from needs.workflow import NEED_WORKFLOW

from .factories import need, receipt

pytestmark = pytest.mark.django_db


def _sum(n):
    return NeedMention.objects.filter(need=n).aggregate(s=Sum("count"))["s"]


# --- the status lifecycle --------------------------------------------------------------------------
def test_secretary_moves_a_need_through_study_to_solved_with_a_note(org, people):
    n = need(org.guoao)
    services.need_set_status(need=n, by=people.secretary, action="study")
    n = services.need_set_status(need=n, by=people.secretary, action="solve", note="物业已修好")
    assert n.status == "solved" and n.status_note == "物业已修好"
    events = list(NeedEvent.objects.filter(need=n).order_by("at", "id"))
    assert [(e.from_status, e.to_status) for e in events] == [
        ("collected", "studying"),
        ("studying", "solved"),
    ]
    assert AuditEvent.objects.filter(action="need.solve", object_id=str(n.pk)).exists()


def test_declining_needs_the_reason_residents_read(org, people):
    n = need(org.guoao)
    with pytest.raises(ValidationError) as refused:
        services.need_set_status(need=n, by=people.secretary, action="decline", note="  ")
    assert "暂不采纳的理由" in refused.value.messages[0]
    n.refresh_from_db()
    assert n.status == "collected"
    n = services.need_set_status(
        need=n, by=people.secretary, action="decline", note="属于城管职责,已转交"
    )
    assert n.status == "declined" and n.status_note == "属于城管职责,已转交"


def test_reopen_from_declined_clears_the_note_and_status_changed_at_moves(org, people):
    n = need(org.guoao)
    n = services.need_set_status(need=n, by=people.secretary, action="decline", note="暂无场地")
    first = n.status_changed_at
    n = services.need_set_status(need=n, by=people.secretary, action="reopen")
    assert n.status == "studying" and n.status_note == "" and n.status_changed_at >= first


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("adopted", "decline"),
        ("solved", "decline"),
        ("collected", "reopen"),
        ("declined", "solve"),
        ("studying", "study"),
    ],
)
def test_a_transition_the_table_does_not_allow_is_a_conflict(org, people, status, action):
    n = need(org.guoao, status=status)
    with pytest.raises(Conflict):
        services.need_set_status(need=n, by=people.secretary, action=action, note="理由")


@pytest.mark.parametrize("who", ["street", "district", "secretary2", "secretary_haiyun"])
def test_only_the_needs_own_community_changes_it(org, people, who):
    n = need(org.guoao)
    user = getattr(people, who)
    for call in (
        lambda: services.need_set_status(need=n, by=user, action="study"),
        lambda: services.need_update(need=n, by=user, data={"title": "改"}),
        lambda: services.need_delete(need=n, by=user),
        lambda: services.need_mention(need=n, by=user, source="other"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    n.refresh_from_db()
    assert (n.status, n.title, n.deleted_at) == ("collected", n.title, None)


def test_edit_checks_compound_and_category(org, people):
    n = need(org.guoao)
    foreign = __import__("tests.factories", fromlist=["x"]).CompoundFactory(community=org.yuehai)
    with pytest.raises(ValidationError, match="不属于本社区"):
        services.need_update(need=n, by=people.secretary, data={"compound": foreign})
    stopped = Category.objects.get(code="culture")
    stopped.active = False
    stopped.save()
    with pytest.raises(ValidationError, match="已停用"):
        services.need_update(need=n, by=people.secretary, data={"category": stopped})
    done = services.need_update(
        need=n,
        by=people.secretary,
        data={"title": "3号楼灯", "category": Category.objects.get(code="facilities")},
    )
    assert done.title == "3号楼灯" and done.category_id == "facilities"


def test_delete_is_soft_and_refused_while_receipts_are_filed_under_it(org, people):
    n = need(org.guoao)
    receipt(n)
    with pytest.raises(ValidationError, match="回执"):
        services.need_delete(need=n, by=people.secretary)
    other = need(org.guoao)
    services.need_delete(need=other, by=people.secretary)
    assert not Need.objects.visible_to(people.secretary).filter(pk=other.pk).exists()
    assert Need.objects.filter(pk=other.pk, deleted_at__isnull=False).exists()


def test_adopted_need_cannot_be_deleted(org, people):
    n = need(org.guoao, status="adopted")
    with pytest.raises(Conflict):
        services.need_delete(need=n, by=people.secretary)


def test_need_adopt_moves_open_needs_and_leaves_solved_ones(org, people):
    open_one, solved = need(org.guoao), need(org.guoao, status="solved")
    assert services.need_adopt(need=open_one, by=people.secretary).status == "adopted"
    assert services.need_adopt(need=open_one, by=people.secretary).status == "adopted"
    assert services.need_adopt(need=solved, by=people.secretary).status == "solved"
    assert NeedEvent.objects.filter(need=open_one, action="adopt").count() == 1


def test_a_hand_added_mention_keeps_the_count_the_sum_of_the_sources(org, people):
    import datetime

    n = need(org.guoao, mentions=3)
    services.need_mention(
        need=n,
        by=people.worker,
        source="round_table",
        count=4,
        note="17日圆桌会",
        noted_on=datetime.date(2026, 1, 5),
    )
    n.refresh_from_db()
    assert n.mentions == 7 == _sum(n)
    with pytest.raises(ValidationError):
        services.need_mention(need=n, by=people.worker, source="other", count=0)
    with pytest.raises(ValidationError):
        services.need_mention(need=n, by=people.worker, source="nope")


# --- merging ----------------------------------------------------------------------------------------
def test_merge_moves_sources_counts_and_receipts_and_points_the_old_need_at_the_new(org, people):
    old, new = need(org.guoao, mentions=3), need(org.guoao, mentions=5, source="home_visit")
    filed, _ = receipt(old)
    kept = services.need_merge(old=old, new=new, by=people.secretary)
    old.refresh_from_db()
    assert kept.mentions == 8 == _sum(kept)
    assert old.merged_into == kept and old.deleted_at is not None
    assert Receipt.objects.get(pk=filed.pk).need == kept
    assert set(NeedMention.objects.filter(need=kept).values_list("source", flat=True)) == {
        "questionnaire",
        "home_visit",
    }
    assert AuditEvent.objects.get(action="need.merge").detail["into"] == kept.pk


def test_merge_runs_every_hook_inside_the_transaction(org, people, monkeypatch):
    seen = []
    monkeypatch.setattr(hooks, "MERGE_HOOKS", [lambda o, n, by: seen.append((o.pk, n.pk, by))])
    old, new = need(org.guoao), need(org.guoao)
    services.need_merge(old=old, new=new, by=people.secretary)
    assert seen == [(old.pk, new.pk, people.secretary)]


def test_a_failing_hook_leaves_both_needs_as_they_were(org, people, monkeypatch):
    def boom(o, n, by):
        raise ValidationError("hook refused")

    monkeypatch.setattr(hooks, "MERGE_HOOKS", [boom])
    old, new = need(org.guoao, mentions=2), need(org.guoao, mentions=3)
    with pytest.raises(ValidationError):
        services.need_merge(old=old, new=new, by=people.secretary)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.deleted_at, old.merged_into, new.mentions) == (None, None, 3)
    assert _sum(old) == 2


def test_merge_refuses_other_communities_itself_and_merged_needs(org, people):
    a, b = need(org.guoao), need(org.guoao)
    foreign = need(org.yuehai)
    with pytest.raises(PermissionDenied):
        services.need_merge(old=a, new=foreign, by=people.secretary)
    with pytest.raises(ValidationError, match="它自己"):
        services.need_merge(old=a, new=a, by=people.secretary)
    services.need_merge(old=b, new=a, by=people.secretary)
    c = need(org.guoao)
    with pytest.raises(Conflict):
        services.need_merge(old=c, new=b, by=people.secretary)
    with pytest.raises(Conflict):
        services.need_merge(old=b, new=c, by=people.secretary)


def test_merge_across_communities_by_someone_in_both_is_still_refused(org, people):
    from accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=people.secretary, role="worker", community=org.haiyun)
    people.secretary.refresh_from_db()
    a, b = need(org.guoao), need(org.haiyun)
    user = type(people.secretary).objects.get(pk=people.secretary.pk)
    with pytest.raises(ValidationError, match="同一社区"):
        services.need_merge(old=a, new=b, by=user)


def test_street_and_district_may_not_merge(org, people):
    a, b = need(org.guoao), need(org.guoao)
    for user in (people.street, people.district):
        with pytest.raises(PermissionDenied):
            services.need_merge(old=a, new=b, by=user)


# --- categories -------------------------------------------------------------------------------------
def test_district_adds_renames_reorders_and_deactivates_categories(people):
    made = services.category_create(by=people.district, name="安全隐患")
    assert made.order == Category.objects.count() and made.active
    services.category_rename(category=made, by=people.district, name="安全隐患排查")
    services.category_move(category=made, by=people.district, up=True)
    names = list(Category.objects.values_list("name", flat=True))
    assert names[-2] == "安全隐患排查"
    services.category_set_active(category=made, by=people.district, active=False)
    assert not Category.objects.get(pk=made.pk).active
    services.category_delete(category=made, by=people.district)
    assert not Category.objects.filter(pk=made.pk).exists()
    assert AuditEvent.objects.filter(action__startswith="category.").count() == 5


def test_a_category_in_use_is_never_deleted_and_names_stay_unique(org, people):
    need(org.guoao, category="culture")
    culture = Category.objects.get(code="culture")
    with pytest.raises(ValidationError, match="不能删除"):
        services.category_delete(category=culture, by=people.district)
    with pytest.raises(ValidationError, match="已有名为"):
        services.category_rename(category=culture, by=people.district, name="环境整治")
    with pytest.raises(ValidationError):
        services.category_create(by=people.district, name="   ")


@pytest.mark.parametrize("who", ["secretary", "street", "auditor"])
def test_only_district_staff_keep_the_categories(people, who):
    with pytest.raises(PermissionDenied):
        services.category_create(by=getattr(people, who), name="新类别")


def test_the_table_offers_buttons_by_status_and_role(org, people):
    n = need(org.guoao)
    can = NEED_WORKFLOW.available(people.secretary, n)
    assert can["study"] and can["decline"] and can["solve"] and not can["reopen"]
    assert not any(NEED_WORKFLOW.available(people.street, n).values())


def test_a_category_name_taken_meanwhile_is_a_message_not_a_500(org, people, monkeypatch):
    """Two district staff naming categories alike at once: the check before the write passes for
    both, the database's unique name refuses the second, and it is told in words."""
    monkeypatch.setattr(services, "_category_name", lambda name, exclude=None: name)
    environment = Category.objects.get(code="environment")
    with pytest.raises(ValidationError, match="已经有名为“文体活动”的类别"):
        services.category_rename(category=environment, by=people.district, name="文体活动")
    with pytest.raises(ValidationError, match="已经有名为“文体活动”的类别"):
        services.category_create(by=people.district, name="文体活动")
    assert Category.objects.get(code="environment").name == "环境整治"
