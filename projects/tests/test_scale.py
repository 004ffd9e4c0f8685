"""At ten times the demo's volume, the project list, the project page, the review round and its
diff cost the same number of queries and load the same rows as at its volume: what grows
elsewhere in the district (other projects, their rounds, comments, conditions, grants, 督办)
never reaches these pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects import services
from projects.models import (
    FundingGrant,
    Project,
    ReviewComment,
    ReviewCondition,
    ReviewRound,
    Status,
    Supervision,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _elsewhere(org, people, n: int) -> None:
    """n projects of the district with the records of steps 3–4, none of them the one looked at
    (written in bulk: the volume is the point, not how it was made)."""
    communities = (org.guoao, org.haiyun, org.yuehai)
    projects = Project.objects.bulk_create(
        Project(
            community=communities[i % 3],
            title=f"别处的项目{i}",
            status=Status.APPROVED,
            created_by=people.secretary,
            budget_total=100,
        )
        for i in range(n)
    )
    rounds = ReviewRound.objects.bulk_create(
        ReviewRound(
            project=project,
            number=number,
            submitted_by=people.secretary,
            comments_due=timezone.localdate(),
            snapshot=[["实施方案", f"第{number}版\n" * 30]],
            decision="returned" if number == 1 else "conditional",
            decided_at=timezone.now(),
        )
        for project in projects
        for number in (1, 2)
    )
    ReviewComment.objects.bulk_create(
        ReviewComment(round=review, author=people.expert, text="意见") for review in rounds
    )
    ReviewCondition.objects.bulk_create(
        ReviewCondition(project=review.project, round=review, text="条件")
        for review in rounds[1::2]
    )
    FundingGrant.objects.bulk_create(
        FundingGrant(project=project, source="street", amount=100, granted_by=people.street)
        for project in projects
    )
    Supervision.objects.bulk_create(
        Supervision(
            project=project,
            question="进度?",
            due_date=timezone.localdate(),
            raised_by=people.district,
        )
        for project in projects
    )


def _three_rounds(org, people) -> Project:
    project = f.ProjectFactory(community=org.guoao, ready=True)
    for text in ("第一版", "第二版\n补充预算", "第三版\n补充预算\n补充安全预案"):
        services.project_update(project=project, by=people.secretary, data={"proposal": text})
        services.project_submit(project=project, by=people.secretary)
        services.project_comment(project=project, by=people.expert, comment="请补充")
        if text != "第三版\n补充预算\n补充安全预案":
            services.project_return(project=project, by=people.street, comment="再改")
    return project


def _measure(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    context = response.context
    rows = {}
    if "page" in context:
        rows["page"] = len(list(context["page"].object_list))
    if "review" in context:
        rows["comments"] = len(context["review"].comments.all())
        rows["changes"] = sum(len(c.lines) for c in context["changes"])
    if "project" in context and "steps" in context:
        project = context["project"]
        rows["rounds"] = len(project.rounds.all())
        rows["conditions"] = len(project.conditions.all())
        rows["supervisions"] = len(project.supervisions.all())
    return len(captured.captured_queries), rows


@pytest.mark.parametrize("who", ["street", "district"])
def test_list_page_round_and_diff_stay_the_same_at_ten_times_the_volume(client, org, people, who):
    project = _three_rounds(org, people)
    paths = [
        "/projects/",
        "/projects/?sort=waiting&status=submitted",
        project.get_absolute_url(),
        f"/projects/{project.pk}/rounds/3/",
        "/projects/reviews/",
    ]
    client.force_login(getattr(people, who))
    _elsewhere(org, people, 40)  # more than a page, for street A (2/3 of them) too
    before = {path: _measure(client, path) for path in paths}
    _elsewhere(org, people, 360)  # ten times as many
    after = {path: _measure(client, path) for path in paths}
    assert after == before
    # The round page shows round 3's comments and its diff against round 2 only.
    assert before[f"/projects/{project.pk}/rounds/3/"][1] == {"comments": 1, "changes": 4}
