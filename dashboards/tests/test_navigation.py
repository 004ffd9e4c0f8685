"""The menu follows permissions, not role names: a person with two roles sees both menus. Its
entries come in a few dropdowns, so that the district's menu fits one line at 1280 px."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from dashboards.navigation import MENU
from tests import factories as f

pytestmark = pytest.mark.django_db

ITEM = re.compile(
    r'<li class="nav-item( dropdown)?">\s*<a class="nav-link[^"]*"[^>]*>([^<]+)</a>(.*?)</li>\s*(?=<li class="nav-item|$)',
    re.S,
)
ENTRY = re.compile(r'<a class="dropdown-item[^"]*"[^>]*>([^<]+)</a>')


def nav(client, path="/inbox/") -> str:
    page = client.get(path).content.decode()
    return page[page.index('id="mainnav"') : page.index("居民页面")]


def top_level(client, path="/inbox/") -> list:
    """The menu bar as the user sees it: a plain link's label, or (a dropdown's label, its entries)."""
    html = nav(client, path)
    html = html[html.index('<ul class="navbar-nav') :]
    html = html[html.index(">") + 1 :].rsplit("<li", 1)[0]
    return [
        (label, ENTRY.findall(rest)) if dropdown else label
        for dropdown, label, rest in ITEM.findall(html.strip())
    ]


PROJECTS = ("项目", ["领办项目", "督办", "公示异议", "活动报名", "数据看板", "月度晾晒"])
STREET_PROJECTS = (
    "项目",
    ["领办项目", "待审核", "督办", "公示异议", "项目进度", "数据看板", "工作报表", "月度晾晒"],
)
# Steps 1 and 2 (step 2's entries the same for community, street and district staff: which rows
# each sees, visible_to decides).
RESOURCES = (
    "社区资源",
    ["需求清单", "问卷调查", "意见建议", "走访与意见箱", "圆桌会", "圆桌会决议", "合伙人", "招募令",
     "合伙人申请", "双报到", "包联覆盖", "战时响应", "实事认领", "优秀合伙人", "小区场景"],
)  # fmt: skip
LIBRARY = ("百社百景库", ["百社百景库", "入库推荐"])
STREETWORK = ("街道工作", ["研判", "实地调研", "领导小组"])


@pytest.mark.parametrize(
    "who, expected",
    [
        ("secretary", [PROJECTS, RESOURCES, "百社百景库", ("评价与培训", ["居民评价", "户码条", "头雁工程培训", "导师咨询", "一项目一方案"]), "人员"]),
        ("worker", [PROJECTS, RESOURCES, "百社百景库", ("评价与培训", ["居民评价", "户码条", "头雁工程培训", "导师咨询", "一项目一方案"]), "人员"]),
        (
            "street",
            [STREET_PROJECTS, RESOURCES, LIBRARY, ("评价与培训", ["居民评价", "评审打分", "半年述职", "年度考核", "头雁工程培训", "培训出勤", "一项目一方案"]),
             STREETWORK, "人员"],
        ),
        (
            "member",
            [STREET_PROJECTS, RESOURCES, LIBRARY, ("评价与培训", ["居民评价", "半年述职", "年度考核", "头雁工程培训", "培训出勤", "一项目一方案"]), STREETWORK,
             "人员"],
        ),
        (
            "expert",
            [STREET_PROJECTS, RESOURCES, LIBRARY, ("评价与培训", ["居民评价", "半年述职", "年度考核", "头雁工程培训", "培训出勤", "一项目一方案"]), STREETWORK,
             "人员"],
        ),
        (
            "district",
            [("项目", ["领办项目", "待审核", "督办", "公示异议", "活动报名", "全区概览", "数据看板", "工作报表", "月度晾晒", "投递情况"]),
             RESOURCES, LIBRARY,
             ("评价与培训", ["居民评价", "评审打分", "半年述职", "年度考核", "头雁工程培训", "培训出勤", "导师咨询", "一项目一方案"]), STREETWORK, ("管理", ["人员", "管理后台"])],
        ),
        # One group only: its entries side by side, no dropdown to open first.
        ("auditor", ["审计日志", "账号变更"]),
        ("secadmin", ["账号变更", "账号锁定", "动态口令", "管理后台"]),
        ("sysadmin", ["人员", "账号变更", "管理后台"]),
        # A partner without an active profile yet: their own page (which says so).
        ("partner", ["我的合伙人页面"]),
        ("resident", []),
        ("nobody", []),
    ],
)  # fmt: skip
def test_each_role_sees_the_menu_its_permissions_open(client, people, who, expected):
    client.force_login(getattr(people, who))
    assert top_level(client) == expected


def test_the_district_menu_fits_one_line_in_a_few_dropdowns(client, people):
    """Twenty-odd plain links wrapped one character a line at 1280 px (the QA walk)."""
    client.force_login(people.district)
    bar = top_level(client)
    assert len(bar) <= 6
    assert sum(len(item[1]) if isinstance(item, tuple) else 1 for item in bar) >= 20
    html = nav(client)
    assert html.count('data-bs-toggle="dropdown"') == 6
    # Without JavaScript a group's toggle still leads somewhere: its first entry.
    assert re.search(r'href="/projects/" id="menu-1" role="button" data-bs-toggle="dropdown"', html)


def test_a_secretary_who_also_sits_in_a_leading_group_sees_the_pipeline_too(client, org, people):
    f.add_role(people.secretary, Role.STREET_MEMBER, org.street_b)
    client.force_login(people.secretary)
    projects = dict(item for item in top_level(client) if isinstance(item, tuple))["项目"]
    assert "项目进度" in projects
    assert client.get("/projects/pipeline/").status_code == 200


def current(client, path) -> tuple[list[str], list[str]]:
    """The entries marked as the current page, and the groups shown as holding it."""
    html = nav(client, path)
    marked = re.findall(
        r'<a class="(?:dropdown-item|nav-link) active"[^>]*aria-current="page">([^<]+)</a>', html
    )
    groups = re.findall(r'<a class="nav-link dropdown-toggle active"[^>]*>([^<]+)</a>', html)
    return marked, groups


def test_the_current_page_is_marked_in_its_group(client, people):
    client.force_login(people.street)
    # The longest matching entry wins: the review queue is under /projects/ too.
    assert current(client, "/projects/reviews/") == (["待审核"], ["项目"])
    assert current(client, "/projects/") == (["领办项目"], ["项目"])
    assert current(client, "/inbox/") == ([], [])
    assert 'aria-current="page"' not in nav(client, "/inbox/")


def test_a_plain_link_is_marked_too(client, people):
    client.force_login(people.auditor)
    assert current(client, reverse("core:audit_log")) == (["审计日志"], [])


def test_every_entry_opens_a_page_of_its_own():
    names = [name for _, entries in MENU for _, name, _ in entries]
    labels = [label for _, entries in MENU for _, _, label in entries]
    assert len(set(names)) == len(names) and len(set(labels)) == len(labels)


def test_a_partner_with_a_profile_sees_the_tasks_to_claim_beside_their_page(client, org, people):
    f.PartnerFactory(community=org.guoao, created_by=people.secretary, user=people.partner)
    client.force_login(people.partner)
    assert top_level(client) == ["实事认领", "我的合伙人页面"]
