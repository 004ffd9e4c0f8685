"""Factories of outreach records, and the objects outreach/tests/url_matrix.py opens."""

import datetime

import factory
from django.utils import timezone

from outreach.models import HomeVisit, ResidentMeeting, Suggestion, SuggestionBox
from outreach.services import new_box_code
from tests import factories as f


class HomeVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeVisit

    household = factory.SubFactory(f.HouseholdFactory)
    community = factory.LazyAttribute(lambda o: o.household.building.compound.community)
    visited_on = factory.LazyFunction(timezone.localdate)
    visitors = "王书记、李网格员"
    raised = "楼道灯坏了"
    created_by = factory.SubFactory(f.UserFactory)


class ResidentMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentMeeting

    community = factory.SubFactory(f.CommunityFactory)
    kind = ResidentMeeting.Kind.OWNERS
    title = factory.Sequence(lambda n: f"业主大会{n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    attendance = 40
    created_by = factory.SubFactory(f.UserFactory)


class SuggestionBoxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuggestionBox

    building = factory.SubFactory(f.BuildingFactory)
    community = factory.LazyAttribute(lambda o: o.building.compound.community)
    unit = "1单元"
    location = "一楼信报箱旁"
    code = factory.LazyFunction(new_box_code)
    created_by = factory.SubFactory(f.UserFactory)


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    box = factory.SubFactory(SuggestionBoxFactory)
    community = factory.LazyAttribute(lambda o: o.box.community if o.box else None)
    channel = Suggestion.Channel.QR
    text = factory.Sequence(lambda n: f"楼道堆放杂物,请清理{n}")


def matrix_objects(org, people) -> dict:
    """国奥社区's visit, meeting, box and a new suggestion (with a phone) in that box: the objects
    outreach/tests/url_matrix.py opens."""
    secretary = people.secretary
    box = SuggestionBoxFactory(building=org.household.building, created_by=secretary)
    free = f.HouseholdFactory(building=org.household.building, unit="2单元", room="201")
    return {
        "visit_household": org.household,
        "free_stairwell": free,
        "home_visit": HomeVisitFactory(household=org.household, created_by=secretary),
        "meeting": ResidentMeetingFactory(community=org.guoao, created_by=secretary),
        "box": box,
        "suggestion": SuggestionFactory(box=box, phone="13900002222"),
        "suggestion_filed": SuggestionFactory(box=box, status=Suggestion.Status.FILED),
    }
