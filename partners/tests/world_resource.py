"""Objects of the resources area that the URL × persona matrix opens (partners/tests/
matrix_resource.py, and its rows of projects/tests/url_matrix.py): the `partner` persona's venue
(offered) and its old money offer (retired); a draft project of 国奥社区 the partner is linked to
at step 2 with what it contributes there, and a contribution of another project."""

from decimal import Decimal

from partners.models import Resource, ResourceKind
from projects.models import Contribution
from tests import factories as f


def objects(org, people, partner) -> dict:
    """Name → object, all of 国奥社区 (street A) unless the name says otherwise; `partner` is the
    `partner` persona's own profile in 国奥社区."""
    secretary = people.secretary
    venue = Resource.objects.create(
        partner=partner,
        kind=ResourceKind.VENUE,
        description="物业服务中心会议室",
        quantity=Decimal(60),
        unit="平方米",
        created_by=secretary,
    )
    retired = Resource.objects.create(
        partner=partner,
        kind=ResourceKind.MONEY,
        description="去年的共建经费",
        quantity=Decimal(3000),
        unit="元",
        active=False,
        created_by=secretary,
    )
    project = f.ProjectFactory(
        community=org.guoao, compound=org.compound, created_by=secretary, title="楼道微更新"
    )
    project.partners.add(partner)
    contribution = Contribution.objects.create(
        project=project,
        partner=partner,
        resource=venue,
        kind=ResourceKind.VENUE,
        description="议事会场地两次",
        quantity=Decimal(2),
        unit="次",
        created_by=secretary,
    )
    elsewhere = f.ProjectFactory(community=org.guoao, created_by=secretary, title="邻里节")
    elsewhere.partners.add(partner)
    other = Contribution.objects.create(
        project=elsewhere,
        partner=partner,
        kind=ResourceKind.SERVICES,
        description="活动保洁",
        created_by=secretary,
    )
    return {
        "resource": venue,
        "resource_retired": retired,
        "step2_project": project,
        "contribution": contribution,
        "contribution_elsewhere": other,
    }
