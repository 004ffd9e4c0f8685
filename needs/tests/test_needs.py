import pytest

from core.models import AuditEvent
from needs.models import Need
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_secretary_records_a_need_for_own_community(client, org, people):
    client.force_login(people.secretary)
    response = client.post(
        "/needs/new/",
        {
            "once": f.once(),
            "title": "3号楼楼道灯不亮",
            "category": "environment",
            "source": "suggestion_box",
            "compound": org.compound.pk,
            "mentions": "4",
            "community": org.yuehai.pk,
        },
    )
    need = Need.objects.get(title="3号楼楼道灯不亮")
    assert response.status_code == 302 and response["Location"] == f"/needs/{need.pk}/"
    assert need.community == org.guoao and need.created_by == people.secretary
    assert AuditEvent.objects.filter(action="need.create", object_id=str(need.pk)).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {
                "once": f.once(),
                "title": "",
                "category": "environment",
                "source": "online",
                "mentions": "1",
            },
            "这个字段是必填项",
        ),
        (
            {
                "once": f.once(),
                "title": "t",
                "category": "nope",
                "source": "online",
                "mentions": "1",
            },
            "不在可用的选项中",
        ),
        (
            {
                "once": f.once(),
                "title": "t",
                "category": "environment",
                "source": "online",
                "mentions": "0",
            },
            "大于或等于1",
        ),
        (
            {
                "once": f.once(),
                "title": "t",
                "category": "environment",
                "source": "online",
                "mentions": "x",
            },
            "整数",
        ),
    ],
)
def test_bad_need_gets_a_message_and_saves_nothing(client, people, data, message):
    client.force_login(people.secretary)
    response = client.post("/needs/new/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Need.objects.exists()


def test_compound_of_another_community_is_not_offered(client, org, people):
    foreign = f.CompoundFactory(community=org.yuehai)
    client.force_login(people.secretary)
    response = client.post(
        "/needs/new/",
        {
            "once": f.once(),
            "title": "t",
            "category": "environment",
            "source": "online",
            "mentions": "1",
            "compound": foreign.pk,
        },
    )
    assert response.status_code == 422
    assert not Need.objects.exists()


def test_needs_list_counts_by_category_within_scope(client, org, people):
    f.NeedFactory(community=org.guoao, category="environment")
    f.NeedFactory(community=org.guoao, category="culture")
    f.NeedFactory(community=org.yuehai, category="culture")
    client.force_login(people.secretary)
    response = client.get("/needs/")
    assert dict(response.context["category_counts"])["文体活动"] == 1
    assert response.context["page"].paginator.count == 2
    client.force_login(people.district)
    assert client.get("/needs/").context["page"].paginator.count == 3


def test_need_of_another_community_is_a_404(client, org, people):
    need = f.NeedFactory(community=org.guoao)
    client.force_login(people.secretary2)
    assert client.get(f"/needs/{need.pk}/").status_code == 404
