"""Who may do what with a questionnaire: role × object (surveys/rules.py)."""

import pytest

from surveys.models import Survey

from . import factories as sf

pytestmark = pytest.mark.django_db


@pytest.fixture
def surveys(org, people):
    own = sf.survey(community=org.guoao, created_by=people.secretary)
    template = sf.survey(street=org.street_a, created_by=people.street)
    district = sf.survey(district=org.district, created_by=people.district)
    copy = Survey.objects.get(template=template, community=org.guoao)
    return own, template, district, copy


@pytest.mark.parametrize(
    ("who", "own", "template", "district", "copy"),
    [
        ("secretary", True, False, False, True),
        ("worker", True, False, False, True),
        ("secretary_haiyun", False, False, False, False),
        ("street", False, True, False, False),
        ("member", False, True, False, False),
        ("expert", False, False, False, False),
        ("district", False, False, True, False),
    ],
)
def test_the_level_that_made_a_survey_manages_it(
    surveys, people, who, own, template, district, copy
):
    user = getattr(people, who)
    expected = (own, template, district, copy)
    assert tuple(user.has_perm("surveys.manage_survey", s) for s in surveys) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("secretary", (True, False, False, True)),
        ("secretary_haiyun", (False, False, False, False)),
        ("street", (True, True, False, True)),
        ("expert", (True, True, False, True)),
        ("street_b", (False, False, False, False)),
        ("district", (True, True, True, True)),
        ("auditor", (False, False, False, False)),
    ],
)
def test_results_are_read_up_the_tree(surveys, people, who, expected):
    user = getattr(people, who)
    assert tuple(user.has_perm("surveys.view_results", s) for s in surveys) == expected


def test_only_the_running_community_hands_out_types_in_and_triages(surveys, people):
    own, template, _district, copy = surveys
    for survey in (own, copy):
        assert people.worker.has_perm("surveys.run_survey", survey)
        assert not people.street.has_perm("surveys.run_survey", survey)
        assert not people.district.has_perm("surveys.run_survey", survey)
    assert not people.street.has_perm("surveys.run_survey", template)


def test_visible_to_keeps_each_community_to_its_own(org, people, surveys):
    own, template, district, copy = surveys
    haiyun_copy = Survey.objects.get(template=template, community=org.haiyun)
    assert set(Survey.objects.visible_to(people.secretary)) >= {own, copy}
    assert not {template, district, haiyun_copy} & set(Survey.objects.visible_to(people.secretary))
    street_sees = set(Survey.objects.visible_to(people.street))
    assert {own, template, copy, haiyun_copy} <= street_sees and district not in street_sees
    assert not set(Survey.objects.visible_to(people.street_b)) & {own, template, copy}
    assert district in set(Survey.objects.visible_to(people.district))
    assert not Survey.objects.visible_to(people.auditor).exists()


def test_creating_is_at_ones_own_level(org, people):
    assert people.secretary.has_perm("surveys.add_survey", org.guoao)
    assert not people.secretary.has_perm("surveys.add_survey", org.street_a)
    assert people.member.has_perm("surveys.add_survey", org.street_a)
    assert not people.expert.has_perm("surveys.add_survey", org.street_a)
    assert not people.street.has_perm("surveys.add_survey", org.street_b)
    assert people.district.has_perm("surveys.add_survey", org.district)
    assert not people.auditor.has_perm("surveys.add_survey", None)
