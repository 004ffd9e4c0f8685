"""Shared by the training page tests (test_views*.py): the cohorts, street B's expert on the
mentor panel, and a class of 国奥's and 海韵's secretaries he teaches, a week ahead or begun an hour
ago."""

import datetime

import pytest
from django.utils import timezone

from training.tests import factories as tf


@pytest.fixture
def cohorts(org):
    return tf.cohorts(org.district)


@pytest.fixture
def teacher(org, people):
    """Street B's expert on the mentor panel."""
    return tf.mentor(people.mentor, org.district, by=people.district)


@pytest.fixture
def klass(org, people, cohorts, teacher):
    """A class of cohort one a week ahead for 国奥's and 海韵's secretaries, taught by him."""
    return tf.session(
        org.district,
        by=people.district,
        cohort=cohorts[0],
        mentor=teacher,
        title="物业管理实务",
        people=[people.secretary, people.secretary_haiyun],
    )


@pytest.fixture
def past_class(org, people, cohorts, teacher):
    """A class of the same people that began an hour ago, not yet recorded."""
    return tf.session(
        org.district,
        by=people.district,
        cohort=cohorts[0],
        mentor=teacher,
        title="矛盾纠纷化解",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        people=[people.secretary, people.secretary_haiyun],
    )
