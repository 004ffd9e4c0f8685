"""The library's pages: what each shows, the start/clone and nomination flows through the
browser's forms, and query counts that stay the same with three times the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.once import new_token
from library.models import LibraryEntry, Nomination, ProjectOrigin
from projects.models import Project, Status

from . import factories as lf

pytestmark = pytest.mark.django_db


def _fill(org, people, n: int, *, nominate: bool = False):
    """n completed projects of 国奥社区 in the library (or nominated)."""
    for i in range(n):
        project = lf.completed_project(org.guoao, people, title=f"入库项目{i}")
        if nominate:
            lf.nomination(project, people.member)
        else:
            lf.entry(project, people.district, name=["百家宴", "邻里节"][i % 2])


PAGES = [
    ("secretary", "library:tree", None, False),
    ("district", "library:tree", None, False),
    (None, "library:public_tree", None, False),
    ("secretary", "library:item", "item", False),
    (None, "library:public_item", "item", False),
    (None, "library:public_excellent", None, False),
    ("district", "library:nomination_list", None, True),
    ("street", "library:nomination_list", None, True),
]


@pytest.mark.parametrize(("who", "name", "arg", "nominate"), PAGES)
def test_list_pages_cost_the_same_queries_with_three_times_the_rows(
    client, org, people, who, name, arg, nominate
):
    if who:
        client.force_login(getattr(people, who))
    url = reverse(name, args=[lf.item().pk] if arg else [])
    counts = []
    for n in (3, 9):
        _fill(org, people, n - (3 if counts else 0), nominate=nominate)
        client.get(url)  # warm the caches (user, permissions)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 8, counts


@pytest.mark.parametrize(
    ("who", "name"), [("secretary", "library:entry"), (None, "library:public_entry")]
)
def test_an_entry_page_costs_the_same_queries_whatever_the_library_holds(
    client, org, people, who, name
):
    if who:
        client.force_login(getattr(people, who))
    _fill(org, people, 1)
    entry = LibraryEntry.objects.get()
    url = reverse(name, args=[entry.pk])
    counts = []
    for n in (3, 9):
        _fill(org, people, n)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts


def test_nomination_page_costs_no_more_than_a_detail_page(client, org, people):
    _fill(org, people, 1, nominate=True)
    client.force_login(people.district)
    url = reverse("library:nomination", args=[Nomination.objects.get().pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx) <= 10


def test_the_tree_shows_three_classes_ten_items_and_suggests_by_compound_kind(client, org, people):
    lf.entry(lf.completed_project(org.guoao, people, title="国奥百家宴"), people.district)
    client.force_login(people.secretary)
    page = client.get(reverse("library:tree")).content.decode()
    for name in ("便民服务", "群众活动", "节日节庆", "家门口便民集市", "百家宴", "传统节日"):
        assert name in page
    assert "国奥百家宴" in page
    # 国奥花园 is a 商住小区: neighbourliness first.
    suggestions = page[page.index("适合本社区的小区类型") : page.index('id="h-class-')]
    assert "百家宴" in suggestions and "维修服务进小区" not in suggestions
    assert "按此项目开展" in page


def test_the_public_pages_show_selected_projects_and_their_case_study(client, org, people):
    entry = lf.entry(lf.completed_project(org.guoao, people, title="国奥百家宴"), people.district)
    tree = client.get(reverse("library:public_tree")).content.decode()
    assert "国奥百家宴" in tree
    page = client.get(reverse("library:public_entry", args=[entry.pk])).content.decode()
    assert "典型案例" in page and "每家带一道菜" in page
    year = client.get(reverse("library:public_excellent") + f"?year={entry.year}")
    assert "国奥百家宴" in year.content.decode()
    empty = client.get(reverse("library:public_excellent") + "?year=2001")
    assert "国奥百家宴" not in empty.content.decode()
    assert client.get(reverse("library:public_entry", args=[entry.pk + 99])).status_code == 404


def test_secretary_clones_a_library_project_and_the_draft_shows_its_origin(client, org, people):
    entry = lf.entry(lf.completed_project(org.yuehai, people, title="悦海百家宴"), people.district)
    client.force_login(people.secretary)
    url = reverse("library:entry_clone", args=[entry.pk])
    assert "借鉴此项目" in client.get(url).content.decode()
    response = client.post(url, {"once": new_token(), "title": "国奥百家宴"})
    project = Project.objects.get(title="国奥百家宴")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.community == org.guoao and project.status == Status.DRAFT
    assert ProjectOrigin.objects.get(project=project).entry == entry
    page = client.get(project.get_absolute_url()).content.decode()
    assert "本草稿借鉴自悦海社区的入库项目" in page and "悦海百家宴" in page


def test_the_origin_note_costs_the_project_page_no_query(client, org, people):
    from library import services

    client.force_login(people.secretary)
    plain = services.project_start_from_item(
        by=people.secretary, community=org.guoao, item=lf.item(), title="甲"
    )
    ProjectOrigin.objects.filter(project=plain).delete()
    started = services.project_start_from_item(
        by=people.secretary, community=org.guoao, item=lf.item(), title="乙"
    )
    counts = []
    for project in (plain, started):
        client.get(project.get_absolute_url())
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(project.get_absolute_url()).content.decode()
        counts.append(len(ctx))
    assert "来自百社百景库" in page
    assert counts[0] == counts[1], counts


def test_street_nominates_and_the_district_selects_through_the_pages(client, org, people):
    project = lf.completed_project(org.guoao, people, title="国奥读书会")
    client.force_login(people.member)
    form = client.get(reverse("library:nomination_create")).content.decode()
    assert "国奥读书会" in form
    response = client.post(
        reverse("library:nomination_create"),
        {"once": new_token(), "project": project.pk, "item": lf.item("读书会").pk, "reason": "好"},
    )
    nomination = Nomination.objects.get(project=project)
    assert response.status_code == 302
    client.force_login(people.district)
    todo = client.get(reverse("library:nomination_list") + "?status=pending").content.decode()
    assert "国奥读书会" in todo
    response = client.post(
        reverse("library:nomination_select", args=[nomination.pk]),
        {"item": lf.item("读书会").pk, "reason": "书香进小区", "case_study": "做法\n成效"},
    )
    assert response.status_code == 302
    entry = LibraryEntry.objects.get(project=project)
    assert "国奥读书会" in client.get(reverse("library:public_tree")).content.decode()
    assert entry.nomination == nomination


def test_selecting_without_a_case_study_shows_the_form_again_with_422(client, org, people):
    nomination = lf.nomination(lf.completed_project(org.guoao, people), people.member)
    client.force_login(people.district)
    response = client.post(
        reverse("library:nomination_select", args=[nomination.pk]),
        {"item": lf.item().pk, "reason": "好", "case_study": ""},
    )
    assert response.status_code == 422
    assert not LibraryEntry.objects.exists()


def test_the_plan_form_offers_the_outdoor_categories(client, org, people):
    from tests import factories as f

    project = f.ProjectFactory(community=org.guoao, created_by=people.secretary)
    client.force_login(people.secretary)
    page = client.get(reverse("projects:plan", args=[project.pk])).content.decode()
    assert "户外项目类别" in page and "跳蚤市场" in page


def test_the_street_is_offered_to_nominate_a_completed_project_from_its_page(client, org, people):
    project = lf.completed_project(org.guoao, people)
    client.force_login(people.street)
    page = client.get(project.get_absolute_url()).content.decode()
    assert f"/library/nominations/new/?project={project.pk}" in page
    lf.nomination(project, people.street)  # once nominated, no second offer
    assert "推荐入库" not in client.get(project.get_absolute_url()).content.decode()
    client.force_login(people.secretary)  # the community does not nominate itself
    assert "推荐入库" not in client.get(project.get_absolute_url()).content.decode()


def _ids(page: str) -> list[str]:
    import re

    return re.findall(r'\bid="([^"]+)"', page)


def test_project_link_goes_to_the_public_page_for_whoever_cannot_open_the_staff_page(
    client, org, people
):
    project = lf.completed_project(org.yuehai, people, title="悦海百家宴")
    entry = lf.entry(project, people.district)
    staff = reverse("projects:detail", args=[project.pk])
    public = reverse("public:announcement", args=[project.pk])
    client.force_login(people.secretary)  # 国奥社区: another street's project
    page = client.get(reverse("library:entry", args=[entry.pk])).content.decode()
    assert f'href="{public}"' in page and f'href="{staff}"' not in page
    assert client.get(public).status_code == 200
    for who in (people.secretary2, people.street_b, people.district):
        client.force_login(who)
        page = client.get(reverse("library:entry", args=[entry.pk])).content.decode()
        assert f'href="{staff}"' in page, who
        assert client.get(staff).status_code == 200


def test_the_nomination_page_links_the_project_with_a_button(client, org, people):
    nomination = lf.nomination(lf.completed_project(org.guoao, people), people.member)
    client.force_login(people.district)
    page = client.get(reverse("library:nomination", args=[nomination.pk])).content.decode()
    staff = reverse("projects:detail", args=[nomination.project_id])
    assert f'<a class="btn btn-outline-secondary" href="{staff}">项目全过程</a>' in page


def test_the_nomination_page_gives_each_field_its_own_id(client, org, people):
    nomination = lf.nomination(lf.completed_project(org.guoao, people), people.member)
    client.force_login(people.district)
    page = client.get(reverse("library:nomination", args=[nomination.pk])).content.decode()
    ids = _ids(page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'for="id_decline-reason"' in page and 'id="id_decline-reason"' in page
    assert 'for="id_select-reason"' in page and 'id="id_select-reason"' in page
    # A refused decline shows the page again, still with unique ids.
    response = client.post(reverse("library:nomination_decline", args=[nomination.pk]), {})
    assert response.status_code == 422
    ids = _ids(response.content.decode())
    assert len(ids) == len(set(ids))


def test_the_district_lands_on_the_pending_nominations(client, org, people):
    waiting = lf.nomination(
        lf.completed_project(org.guoao, people, title="待选项目"), people.member
    )
    lf.nomination(
        lf.completed_project(org.guoao, people, title="落选项目"),
        people.member,
        status=Nomination.Status.DECLINED,
    )
    url = reverse("library:nomination_list")
    client.force_login(people.district)
    page = client.get(url).content.decode()
    assert "入库推荐:待区级遴选" in page and "待选项目" in page and "落选项目" not in page
    page = client.get(url + "?status=").content.decode()  # 全部
    assert "入库推荐:全部" in page and "待选项目" in page and "落选项目" in page
    page = client.get(url + "?status=declined").content.decode()
    assert "入库推荐:未入选" in page and "待选项目" not in page and "落选项目" in page
    home = client.get(reverse("dashboards:home")).content.decode()
    assert f"{url}?status=pending" in home
    client.force_login(people.street)  # the street sees all of its own by default
    page = client.get(url).content.decode()
    assert "待选项目" in page and "落选项目" in page
    assert waiting.pk


def test_suggestions_cover_every_compound_kind_of_the_community(client, org, people):
    from tests import factories as f

    f.CompoundFactory(community=org.guoao, name="国奥老院", kind="old")
    client.force_login(people.secretary)
    page = client.get(reverse("library:tree")).content.decode()
    suggestions = page[page.index("适合本社区的小区类型") : page.index('id="h-class-')]
    groups = {part.split(":")[0].split(">")[-1]: part for part in suggestions.split("<h3")[1:]}
    old, commercial = groups["老旧小区"], groups["商住小区"]
    assert "维修服务进小区" in old and "百家宴" not in old
    assert "百家宴" in commercial and "维修服务进小区" not in commercial


def test_a_cloned_draft_takes_the_new_community_and_compound_names(client, org, people):
    from tests import factories as f

    f.CompoundFactory(community=org.yuehai, name="听涛小区", kind="old")
    source = lf.completed_project(org.yuehai, people, title="悦海社区百家宴")
    source.summary = "听涛小区(老旧小区)居民反映邻里陌生,悦海社区党组织领办本项目。"
    source.goal = "让听涛小区的邻居熟起来"
    source.proposal = "悦海社区和听涛小区物业一起摆长桌宴。"
    source.save(update_fields=["summary", "goal", "proposal"])
    entry = lf.entry(source, people.district)
    client.force_login(people.secretary)
    url = reverse("library:entry_clone", args=[entry.pk])
    form = client.get(url).content.decode()
    assert "本草稿借鉴自悦海社区的“悦海社区百家宴”,请核对并改写为本社区的实际情况" in form
    assert "国奥花园" in form  # the compound to write in
    client.post(url, {"once": new_token(), "title": "悦海社区百家宴", "compound": org.compound.pk})
    project = Project.objects.get(community=org.guoao)
    assert project.title == "国奥社区百家宴" and project.compound == org.compound
    assert project.summary == "国奥花园(老旧小区)居民反映邻里陌生,国奥社区党组织领办本项目。"
    assert project.goal == "让国奥花园的邻居熟起来"
    assert project.proposal == "国奥社区和国奥花园物业一起摆长桌宴。"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "本草稿借鉴自悦海社区的入库项目" in page and "请核对并改写为本社区的实际情况" in page
    client.post(url, {"once": new_token(), "title": "第二个"})  # no compound chosen
    second = Project.objects.get(title="第二个")
    assert second.compound is None and "悦海" not in second.summary + second.proposal
    assert second.summary.startswith("本小区(老旧小区)") and "听涛" not in second.goal


def test_a_library_project_page_says_it_is_in_the_library_without_a_query(client, org, people):
    plain = lf.completed_project(org.guoao, people, title="普通项目")
    selected = lf.completed_project(org.guoao, people, title="入库的项目")
    entry = lf.entry(selected, people.district, name="邻里节")
    client.force_login(people.secretary)
    counts = []
    for project in (plain, selected):
        client.get(project.get_absolute_url())
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(project.get_absolute_url()).content.decode()
        counts.append(len(ctx))
    assert "已入选百社百景库(邻里节)" in page
    assert reverse("library:entry", args=[entry.pk]) in page
    assert counts[0] == counts[1], counts
