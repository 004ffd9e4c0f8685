"""Step 1's to-dos on a community's home page: suggestions waiting, needs not yet studied, the
questionnaires open today — each only where there is something, and only the community's own."""

import datetime

from django.utils import timezone

from outreach.models import Suggestion
from surveys.models import Survey
from tests import factories as f


def home(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def suggestion(community, status=Suggestion.Status.NEW):
    return Suggestion.objects.create(
        community=community, channel=Suggestion.Channel.ONLINE, text="楼道灯坏了", status=status
    )


def survey(community, user, **extra):
    today = timezone.localdate()
    fields = {
        "title": "居民需求调查",
        "level": Survey.Level.COMMUNITY,
        "community": community,
        "status": Survey.Status.OPEN,
        "starts_on": today - datetime.timedelta(days=3),
        "ends_on": today + datetime.timedelta(days=3),
        "short_code": f"T{Survey.objects.count():05d}",
        "created_by": user,
    }
    return Survey.objects.create(**{**fields, **extra})


def test_nothing_to_do_shows_no_card(client, org, people):
    assert "摸清需求" not in home(client, people.secretary)


def test_the_secretary_sees_the_communitys_own_step1_work(client, org, people):
    suggestion(org.guoao)
    suggestion(org.guoao)
    suggestion(org.guoao, status=Suggestion.Status.FILED)  # done: not counted
    suggestion(org.yuehai)  # another community's
    f.NeedFactory(community=org.guoao)
    f.NeedFactory(community=org.guoao, status="studying")  # already looked at
    survey(org.guoao, people.secretary)
    survey(
        org.guoao,
        people.secretary,
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
        starts_on=timezone.localdate() - datetime.timedelta(days=9),
    )  # over
    survey(org.yuehai, people.secretary2)
    page = home(client, people.secretary)
    assert '居民意见待处理 <strong class="text-danger">2</strong> 条' in page
    assert "新收集、待研究的需求 <strong>1</strong> 条" in page
    assert "正在进行的问卷 <strong>1</strong> 份" in page


def test_the_home_page_counts_cost_a_fixed_number_of_queries(
    client, org, people, django_assert_max_num_queries
):
    client.force_login(people.secretary)
    client.get("/")
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    for _ in range(5):
        suggestion(org.guoao)
        f.NeedFactory(community=org.guoao)
        survey(org.guoao, people.secretary)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")
