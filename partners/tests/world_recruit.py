"""Objects of recruitment that the URL × persona matrix opens (see partners/tests/matrix_recruit.py):
an open call of 国奥社区 with the six duties, a draft call, a pending application to the open call,
and the 平时 duty 政策宣传 that valid posts tick."""

from django.utils import timezone

from partners.models import (
    CONSENT_NOTICE_VERSION,
    Application,
    CallStatus,
    Duty,
    RecruitmentCall,
)


def objects(org, people, partner) -> dict:
    """Name → object, all of 国奥社区 (street A) unless the name says otherwise; `partner` is the
    `partner` persona's own profile in 国奥社区."""
    secretary, now = people.secretary, timezone.now()
    duties = list(Duty.objects.filter(active=True))
    call = RecruitmentCall.objects.create(
        community=org.guoao,
        title="国奥社区招募幸福家园合伙人",
        body="欢迎热心居民和周边单位加入。",
        looking_for="会修水电的热心居民",
        status=CallStatus.OPEN,
        opened_at=now,
        created_by=secretary,
    )
    call.duties.set(duties)
    draft = RecruitmentCall.objects.create(
        community=org.guoao, title="战时应急队招募", body="招募应急值守人员。", created_by=secretary
    )
    draft.duties.set([d for d in duties if d.mode == Duty.Mode.WAR])
    application = Application.objects.create(
        community=org.guoao,
        call=call,
        name="赵师傅",
        category_id="volunteer",
        availability=["weekend"],
        phone="13600000001",
        consent_version=CONSENT_NOTICE_VERSION,
        consented_at=now,
    )
    application.duties.set(duties[:2])
    return {
        "call": call,
        "call_draft": draft,
        "application": application,
        "duty": Duty.objects.get(code="publicity"),
    }
