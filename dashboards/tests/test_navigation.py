"""The menu follows permissions, not role names: a person with two roles sees both menus."""

import re

import pytest

from accounts.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

MENU = [
    "领办项目", "公示异议", "需求清单", "合伙人", "项目进度", "全区概览", "人员", "审计日志", "账号变更", "账号锁定",
    "动态口令",
]  # fmt: skip


def menu(client) -> list[str]:
    nav = client.get("/inbox/").content.decode()
    nav = nav[nav.index('id="mainnav"') : nav.index("居民页面")]
    return [label for label in MENU + ["管理后台"] if re.search(f">{label}</a>", nav)]


@pytest.mark.parametrize(
    "who, expected",
    [
        ("secretary", ["领办项目", "公示异议", "需求清单", "合伙人", "人员"]),
        ("expert", ["领办项目", "公示异议", "需求清单", "合伙人", "项目进度", "人员"]),
        (
            "district",
            ["领办项目", "公示异议", "需求清单", "合伙人", "全区概览", "人员", "管理后台"],
        ),
        ("auditor", ["审计日志", "账号变更"]),
        ("secadmin", ["账号变更", "账号锁定", "动态口令", "管理后台"]),
        ("sysadmin", ["人员", "账号变更", "管理后台"]),
        ("partner", []),
        ("resident", []),
        ("nobody", []),
    ],
)
def test_each_role_sees_the_menu_its_permissions_open(client, people, who, expected):
    client.force_login(getattr(people, who))
    assert menu(client) == expected


def test_a_secretary_who_also_sits_in_a_leading_group_sees_the_pipeline_too(client, org, people):
    f.add_role(people.secretary, Role.STREET_MEMBER, org.street_b)
    client.force_login(people.secretary)
    assert "项目进度" in menu(client)
    assert client.get("/projects/pipeline/").status_code == 200
