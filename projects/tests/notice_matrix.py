"""The 公示 objects the URL × persona matrix opens (tests/url_matrix.py's World): a 充电桩
project of 国奥社区 in its period, an objection waiting for the answer (with the resident's
phone number) and one waiting for the street's decision (without)."""

import datetime

from django.utils import timezone

from projects.models import Objection
from tests import factories as f


def matrix_objects(org, people) -> dict:
    today = timezone.localdate()
    project = f.ProjectFactory(
        community=org.guoao,
        compound=org.compound,
        created_by=people.secretary,
        announced=True,
        title="国奥花园加装充电桩",
        changes_shared_property=True,
        notice_round=1,
        notice_starts_on=today,
        notice_ends_on=today + datetime.timedelta(days=14),
    )
    return {
        "noticed": project,
        "objection": Objection.objects.create(
            project=project, notice_round=1, text="充电桩离窗户太近", phone="13912345678"
        ),
        "objection_answered": Objection.objects.create(
            project=project,
            notice_round=1,
            text="夜间充电有噪音",
            status=Objection.Status.ANSWERED,
            answer="安装在地下车库,不影响住户。",
            answered_by=people.secretary,
            answered_at=timezone.now(),
        ),
    }
