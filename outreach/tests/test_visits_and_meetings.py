"""Home visits and residents' meetings raising needs; the merge hook; the compound's visited
buildings."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.once import new_token
from needs import hooks as needs_hooks
from needs.models import Category, Need, NeedMention
from outreach import services
from outreach.models import HomeVisit, ResidentMeeting, Suggestion
from tests import factories as f

from .factories import HomeVisitFactory, ResidentMeetingFactory, SuggestionFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _visit_data(org, **extra):
    return {
        "household": org.household,
        "visited_on": TODAY,
        "visitors": "王书记",
        "raised": "楼道灯坏了",
        **extra,
    }


def _category(code="environment"):
    return Category.objects.get(code=code)


def test_a_visit_mentions_a_need_and_creates_another_in_one_go(org, people):
    known = f.NeedFactory(community=org.guoao, created_by=people.secretary)

    visit = services.visit_create(
        by=people.worker,
        community=org.guoao,
        data=_visit_data(org),
        mentions=[known],
        new_needs=[{"title": "加装楼道扶手", "category": _category("facilities")}],
    )

    origin = f"outreach.homevisit:{visit.pk}"
    new = Need.objects.get(title="加装楼道扶手")
    assert set(visit.needs.all()) == {known, new}
    assert (new.source, new.compound, new.mentions) == ("home_visit", org.compound, 1)
    assert NeedMention.objects.get(need=new).origin == origin
    mention = NeedMention.objects.get(need=known)
    assert (mention.source, mention.count, mention.origin) == ("home_visit", 1, origin)
    known.refresh_from_db()
    assert known.mentions == 2


def test_a_visit_that_fails_half_way_leaves_nothing(org, people):
    merged = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    merged.deleted_at = timezone.now()
    merged.save(update_fields=["deleted_at"])
    with pytest.raises(ValidationError):
        services.visit_create(
            by=people.worker,
            community=org.guoao,
            data=_visit_data(org),
            new_needs=[{"title": "加装楼道扶手", "category": _category()}],
            mentions=[merged],
        )
    assert not HomeVisit.objects.exists()
    assert not Need.objects.filter(title="加装楼道扶手").exists()
    assert not NeedMention.objects.exists()


def test_a_visit_is_refused_for_another_communitys_household_or_a_future_date(org, people):
    other = f.HouseholdFactory(
        building=f.BuildingFactory(compound=f.CompoundFactory(community=org.yuehai))
    )
    with pytest.raises(ValidationError, match="国奥社区的住户"):
        services.visit_create(
            by=people.secretary, community=org.guoao, data=_visit_data(org, household=other)
        )
    future = TODAY + datetime.timedelta(days=2)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.visit_create(
            by=people.secretary, community=org.guoao, data=_visit_data(org, visited_on=future)
        )
    with pytest.raises(PermissionDenied):
        services.visit_create(by=people.secretary2, community=org.guoao, data=_visit_data(org))


def test_the_visit_form_records_the_visit_with_the_household_picker(client, org, people):
    known = f.NeedFactory(community=org.guoao, created_by=people.secretary, title="小区停车难")
    client.force_login(people.worker)
    url = reverse("outreach:visit_create")
    page = client.get(url)
    assert page.status_code == 200 and "household-picker" in page.content.decode()
    search = client.get(url, {"mentions_q": "停车"}, HTTP_HX_REQUEST="true")
    assert "小区停车难" in search.content.decode()

    response = client.post(
        url,
        {
            "once": page.context["form"]["once"].value(),
            "household": org.household.pk,
            "visited_on": TODAY.isoformat(),
            "visitors": "李网格员",
            "mentions": [known.pk],
            "new_title_1": "楼道灯不亮",
            "new_category_1": "environment",
            "new_title_2": "没有类别的需求",
        },
    )
    assert response.status_code == 422
    assert "请为这条新需求选择类别" in response.content.decode()
    assert not HomeVisit.objects.exists()


def test_editing_a_visit_adds_needs_without_mentioning_twice(org, people):
    known = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    visit = services.visit_create(
        by=people.worker, community=org.guoao, data=_visit_data(org), mentions=[known]
    )
    services.visit_update(
        visit=visit,
        by=people.worker,
        data=_visit_data(org, visitors="王书记、张"),
        mentions=[known],
    )
    visit.refresh_from_db()
    assert visit.visitors == "王书记、张"
    assert NeedMention.objects.filter(need=known).count() == 1
    services.visit_delete(visit=visit, by=people.secretary)
    assert not HomeVisit.objects.visible_to(people.secretary).exists()


def test_a_meeting_raises_needs_with_counts_and_keeps_its_minutes(client, org, people):
    known = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    minutes = SimpleUploadedFile(
        "纪要.pdf", b"%PDF-1.4\n%minutes\n", content_type="application/pdf"
    )
    meeting = services.meeting_create(
        by=people.secretary,
        community=org.guoao,
        data={
            "kind": "owners",
            "title": "2026年业主大会",
            "held_on": TODAY,
            "compound": org.compound,
            "attendance": 86,
            "summary": "",
            "minutes": minutes,
        },
        mentions=[(known, 12)],
        new_needs=[{"title": "增设充电桩", "category": _category("facilities"), "count": 30}],
    )
    known.refresh_from_db()
    assert known.mentions == 13
    new = Need.objects.get(title="增设充电桩")
    assert (new.mentions, new.source, new.compound) == (30, "owners_meeting", org.compound)
    assert NeedMention.objects.get(need=new).count == 30
    client.force_login(people.street)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("core:file", args=[meeting.minutes.uuid]) in page
    assert client.get(reverse("core:file", args=[meeting.minutes.uuid])).status_code == 200
    client.force_login(people.secretary2)
    assert client.get(reverse("core:file", args=[meeting.minutes.uuid])).status_code == 404


def test_a_meeting_form_posts_counts_per_ticked_need(client, org, people):
    known = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    client.force_login(people.secretary)
    url = reverse("outreach:meeting_create")
    page = client.get(url)
    response = client.post(
        url,
        {
            "once": page.context["form"]["once"].value(),
            "kind": "residents",
            "title": "居民议事会",
            "held_on": TODAY.isoformat(),
            "attendance": "25",
            "mentions": [known.pk],
            f"count_{known.pk}": "7",
        },
    )
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.mentions == 8
    assert ResidentMeeting.objects.get().needs.get() == known


def test_a_bad_minutes_file_is_refused_and_nothing_is_saved(org, people):
    with pytest.raises(ValidationError):
        services.meeting_create(
            by=people.secretary,
            community=org.guoao,
            data={
                "kind": "building",
                "title": "楼栋会",
                "held_on": TODAY,
                "attendance": 10,
                "minutes": SimpleUploadedFile("x.exe", b"MZ\x90\x00junk"),
            },
        )
    assert not ResidentMeeting.objects.exists()


def test_merging_needs_repoints_visits_meetings_and_suggestions_once(org, people):
    old = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    new = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    both = HomeVisitFactory(household=org.household, created_by=people.secretary)
    both.needs.add(old, new)
    only_old = HomeVisitFactory(household=org.household, created_by=people.secretary)
    only_old.needs.add(old)
    meeting = ResidentMeetingFactory(community=org.guoao, created_by=people.secretary)
    meeting.needs.add(old)
    suggestion = SuggestionFactory(
        box=None, community=org.guoao, channel="online", need=old, status="filed"
    )

    for hook in needs_hooks.MERGE_HOOKS:
        hook(old, new, people.secretary)

    assert list(both.needs.all()) == [new]
    assert list(only_old.needs.all()) == [new]
    assert list(meeting.needs.all()) == [new]
    assert Suggestion.objects.get(pk=suggestion.pk).need == new


def test_a_needs_page_links_its_sources_back_to_their_records(org, people):
    visit = HomeVisitFactory(household=org.household, created_by=people.secretary)
    meeting = ResidentMeetingFactory(community=org.guoao, created_by=people.secretary)
    suggestion = SuggestionFactory(box=None, community=org.guoao, channel="online")
    links = needs_hooks.origin_links(
        [
            f"outreach.homevisit:{visit.pk}",
            f"outreach.residentmeeting:{meeting.pk}",
            f"outreach.suggestion:{suggestion.pk}",
            "surveys.response:1",
            "outreach.homevisit:abc",
        ]
    )
    assert links[f"outreach.homevisit:{visit.pk}"][1] == visit.get_absolute_url()
    assert links[f"outreach.residentmeeting:{meeting.pk}"][0].startswith("业主大会")
    assert links[f"outreach.suggestion:{suggestion.pk}"][0] == "网上留言"
    assert "outreach.homevisit:abc" not in links


def test_the_compound_page_shows_the_buildings_visited_this_year(client, org, people):
    visited = org.household.building
    other = f.BuildingFactory(compound=org.compound, number="5号楼")
    f.HouseholdFactory(building=other)
    f.HouseholdFactory(building=visited)
    HomeVisitFactory(household=org.household, created_by=people.secretary)
    HomeVisitFactory(household=org.household, created_by=people.secretary)
    last_year = TODAY.replace(year=TODAY.year - 1)
    HomeVisitFactory(
        household=other.households.get(), created_by=people.secretary, visited_on=last_year
    )
    client.force_login(people.worker)

    response = client.get(reverse("scenes:compound", args=[org.compound.pk]))

    rows = {row["number"]: row for row in response.context["visited_buildings"]}
    assert (rows["3号楼"]["n_visited"], rows["3号楼"]["n_households"]) == (1, 2)
    assert rows["3号楼"]["last_visit"] == TODAY
    assert (rows["5号楼"]["n_visited"], rows["5号楼"]["last_visit"]) == (0, None)
    assert "今年的入户走访" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 10])
def test_visit_and_meeting_pages_keep_their_query_count(
    client, org, people, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        building = f.BuildingFactory(compound=org.compound)
        household = f.HouseholdFactory(building=building)
        visit = HomeVisitFactory(household=household, created_by=people.secretary)
        visit.needs.add(f.NeedFactory(community=org.guoao, created_by=people.secretary))
        meeting = ResidentMeetingFactory(community=org.guoao, created_by=people.secretary)
    client.force_login(people.secretary)
    for url, most in (
        (reverse("outreach:visit_list"), 8),
        (reverse("outreach:meeting_list"), 8),
        (visit.get_absolute_url(), 10),
        (meeting.get_absolute_url(), 10),
        (reverse("outreach:visit_compound", args=[org.compound.pk]), 8),
        (reverse("scenes:compound", args=[org.compound.pk]), 10),
    ):
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


def test_the_meeting_list_filters_by_kind_compound_and_month(client, org, people):
    other = f.CompoundFactory(community=org.guoao, name="国奥小区")
    march = datetime.date(2026, 3, 31)
    ResidentMeetingFactory(community=org.guoao, compound=org.compound, held_on=march, title="甲")
    ResidentMeetingFactory(community=org.guoao, compound=other, held_on=march, title="乙")
    ResidentMeetingFactory(
        community=org.guoao,
        compound=org.compound,
        held_on=march.replace(month=4, day=1),
        title="丙",
    )
    ResidentMeetingFactory(
        community=org.guoao, compound=org.compound, held_on=march, kind="building", title="丁"
    )
    client.force_login(people.secretary)
    url = reverse("outreach:meeting_list")
    titles = lambda **q: sorted(m.title for m in client.get(url, q).context["page"])  # noqa: E731
    assert titles() == ["丁", "丙", "乙", "甲"]
    assert titles(compound=org.compound.pk) == ["丁", "丙", "甲"]
    assert titles(compound=org.compound.pk, month="2026-03") == ["丁", "甲"]
    assert titles(compound=org.compound.pk, month="2026-03", kind="owners") == ["甲"]
    # The compounds offered are named with their community (a street reads several).
    client.force_login(people.street)
    assert "国奥社区 · 国奥小区" in client.get(url).content.decode()


def test_a_refusal_of_the_service_is_shown_on_the_form(client, org, people):
    # The form takes any date; the service refuses a future one. The page must say why.
    client.force_login(people.secretary)
    response = client.post(
        reverse("outreach:visit_create"),
        {
            "once": new_token(),
            "household": org.household.pk,
            "visited_on": (TODAY + datetime.timedelta(days=2)).isoformat(),
            "visitors": "王书记",
        },
    )
    assert response.status_code == 422
    assert "走访日期不能晚于今天" in response.content.decode()
    assert not HomeVisit.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("纪要.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64), ("a.exe", b"MZ\x90\x00")],
)
def test_minutes_of_another_type_are_refused_with_the_types_taken(
    client, org, people, name, content
):
    client.force_login(people.secretary)
    response = client.post(
        reverse("outreach:meeting_create"),
        {
            "once": new_token(),
            "kind": "owners",
            "title": "业主大会",
            "held_on": TODAY.isoformat(),
            "attendance": "30",
            "minutes": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 422
    assert "会议纪要只接受 PDF、Word(docx)文件或照片" in response.content.decode()
    assert not ResidentMeeting.objects.exists()
