"""Objects the participants rows of the URL matrix open (roundtable/tests/matrix_participants.py):
a resident of 国奥社区 waiting to be verified (declared in org's compound, the building of org's
household, with a phone to reveal) and the `resident` persona's own verified participation, which
the topics area's rows post as (its world reuses it: get_or_create)."""

from django.utils import timezone

from roundtable.models import CONSENT_NOTICE_VERSION, Participant, ParticipantStatus
from tests import factories as f


def objects(org, people) -> dict:
    household = org.household
    now = timezone.now()
    consent = {"consent_version": CONSENT_NOTICE_VERSION, "consented_at": now}
    waiting = f.UserFactory(username="rt_pending", display_name="王小明", phone="13900004444")
    pending = Participant.objects.create(
        community=org.guoao,
        user=waiting,
        name="王小明",
        compound=org.compound,
        building=household.building,
        unit=household.unit,
        room=household.room,
        **consent,
    )
    verified, _ = Participant.objects.get_or_create(
        community=org.guoao,
        user=people.resident,
        defaults={
            "name": "杨玉兰",
            "compound": org.compound,
            "building": household.building,
            "unit": household.unit,
            "room": household.room,
            "household": household,
            "status": ParticipantStatus.VERIFIED,
            "decided_by": people.secretary,
            "decided_at": now,
            **consent,
        },
    )
    # Another community's room: verifying 国奥's resident with it is refused.
    elsewhere = f.HouseholdFactory(
        building=f.BuildingFactory(
            compound=f.CompoundFactory(community=org.yuehai),
            number="8号楼",
        )
    )
    return {
        "rt_participant_pending": pending,
        "rt_participant_verified": verified,
        "rt_participant_household": household,
        "rt_participant_household_yuehai": elsewhere,
    }
