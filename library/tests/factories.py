"""Library records for tests: a completed project, a nomination and a library entry, written
directly (no service), and the URL matrix's objects."""

from django.utils import timezone

from library.models import (
    ActivityItem,
    Guidance,
    LibraryEntry,
    Nomination,
    ensure_library_tree,
)
from projects.models import Activity, Status
from tests import factories as f


def item(name: str = "百家宴") -> ActivityItem:
    ensure_library_tree()
    return ActivityItem.objects.get(name=name)


def completed_project(community, people, **kwargs):
    """A retrospected project of the community with one held session."""
    project = f.ProjectFactory(
        community=community,
        created_by=kwargs.pop("created_by", people.secretary),
        ready=True,
        status=Status.RETROSPECTED,
        **kwargs,
    )
    now = timezone.now()
    project.announcement = "百家宴,欢迎邻居们带一道拿手菜。"
    project.announced_at = now
    project.retrospective = "共开展活动 1 次,参与居民 80 人次。"
    project.retrospected_at = now
    project.save(update_fields=["announcement", "announced_at", "retrospective", "retrospected_at"])
    Activity.objects.create(
        project=project,
        date=timezone.localdate(),
        place="小区广场",
        participants=80,
        status=Activity.Status.HELD,
        created_by=project.created_by,
    )
    return project


def nomination(project, by, *, status=Nomination.Status.PENDING, name="百家宴") -> Nomination:
    return Nomination.objects.create(
        project=project,
        item=item(name),
        reason="居民参与度高,做法可复制。",
        status=status,
        nominated_by=by,
    )


def entry(project, by, *, name="百家宴", year=None, nomination=None) -> LibraryEntry:
    return LibraryEntry.objects.create(
        project=project,
        item=item(name),
        nomination=nomination,
        year=year or timezone.localdate().year,
        reason="长桌宴让新老居民熟络起来。",
        case_study="背景:新建商住小区邻里陌生。\n做法:每家带一道菜。\n成效:参与 300 人次。",
        selected_by=by,
    )


def guidance(by, **kwargs) -> Guidance:
    return Guidance.objects.create(
        kind=kwargs.pop("kind", Guidance.Kind.GUIDE),
        title=kwargs.pop("title", "拓展社区服务场景工作指南"),
        body=kwargs.pop("body", "第一条 服务走出室内,走进户外公共空间。\n第二条 五类户外空间。"),
        created_by=by,
        **kwargs,
    )


def matrix_objects(org, people) -> dict:
    """The URL matrix's objects (tests/url_matrix.py), all of 国奥社区 (street A): a library
    project, a pending nomination of a completed project, a completed project nobody nominated
    yet, one declined nomination, and a guidance page."""
    ensure_library_tree()
    in_library = completed_project(org.guoao, people, title="国奥百家宴")
    waiting = completed_project(org.guoao, people, title="国奥邻居节")
    declined = completed_project(org.guoao, people, title="国奥跳蚤市场")
    return {
        "library_item": item("百家宴"),
        "library_entry": entry(in_library, people.district),
        "nomination": nomination(waiting, people.member),
        "nomination_declined": nomination(
            declined, people.street, status=Nomination.Status.DECLINED
        ),
        "nominable": completed_project(org.guoao, people, title="国奥读书会"),
        "guidance": guidance(people.district),
    }
