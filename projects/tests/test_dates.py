import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_saved_dates_come_back_as_iso_so_a_second_save_keeps_them(client, org, people):
    """<input type=date> reads only YYYY-MM-DD: a locale's 2026/12/01 shows an empty field, and
    saving the form again would erase the dates."""
    project = f.ProjectFactory(community=org.guoao, ready=True)
    client.force_login(people.secretary)
    html = client.get(f"/projects/{project.pk}/plan/").content.decode()
    assert f'value="{project.start_date:%Y-%m-%d}"' in html
    assert f'value="{project.end_date:%Y-%m-%d}"' in html
    meeting = client.get(f"/projects/{project.pk}/meeting/").content.decode()
    assert f'value="{project.meeting.date:%Y-%m-%d}"' in meeting
