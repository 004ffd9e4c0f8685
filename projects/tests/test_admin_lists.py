import pytest

from core.models import AuditEvent
from projects.models import PublicSpaceKind

pytestmark = pytest.mark.django_db

URL = "/admin/projects/publicspacekind/"


def test_district_staff_keep_the_list_of_public_spaces(client, people):
    client.force_login(people.district)
    assert client.get(URL).status_code == 200
    response = client.post(f"{URL}add/", {"name": "健身场地旁", "order": "9"})
    assert response.status_code == 302
    added = PublicSpaceKind.objects.get(name="健身场地旁")
    assert AuditEvent.objects.filter(
        action="publicspacekind.create", object_id=str(added.pk)
    ).exists()


@pytest.mark.parametrize("who", ["street", "secretary", "sysadmin"])
def test_nobody_else_changes_it(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get(URL).status_code in (302, 403)
    client.post(f"{URL}add/", {"name": "广场外", "order": "1"})
    assert not PublicSpaceKind.objects.filter(name="广场外").exists()
