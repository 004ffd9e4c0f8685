"""The household code slip pages: the list (polling while a batch is made), printing, voiding
and retrying, phone-first and constant in queries."""

import re

import pytest
from django.urls import reverse

from evaluation import slips
from evaluation.models import CodeBatch

from .slip_factories import batch as make_batch
from .slip_factories import building_with_households

Status = CodeBatch.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_pdf(monkeypatch):
    """Rendering is the task's (tested in test_slips.py): here a tiny stand-in."""
    monkeypatch.setattr(slips, "render_pdf", lambda batch: (b"%PDF-1.7 test", batch.households))


def _token(client, url) -> str:
    return re.search(r'name="once" value="([^"]+)"', client.get(url).content.decode())[1]


def test_a_preparing_batch_polls_its_row_until_it_is_ready(client, org, people):
    batch = make_batch(people, org.compound, status=Status.PREPARING)
    client.force_login(people.secretary)

    page = client.get(reverse("evaluation:slips")).content.decode()
    row_url = reverse("evaluation:slip_row", args=[batch.pk])
    assert f'hx-get="{row_url}" hx-trigger="every 3s"' in page
    assert "生成中" in page and "下载 PDF" not in page

    CodeBatch.objects.filter(pk=batch.pk).update(status=Status.READY)
    row = client.get(row_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in row  # ready: the polling stops
    assert "可下载" in row and reverse("evaluation:slip_download", args=[batch.pk]) in row
    assert "<html" not in row


def test_printing_from_the_form_makes_a_batch_and_goes_to_the_list(
    client, org, people, fake_pdf, django_capture_on_commit_callbacks
):
    tower = building_with_households(org.compound, "5号楼")
    client.force_login(people.worker)
    url = reverse("evaluation:slip_create")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"once": _token(client, url), "compound": org.compound.pk, "building": tower.pk}
        )

    batch = CodeBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:slips") + f"#batch-{batch.pk}"
    assert (batch.building, batch.households, batch.created_by) == (tower, 4, people.worker)
    assert batch.status == Status.READY


def test_the_building_select_follows_the_compound_with_htmx(client, org, people):
    other = building_with_households(
        org.compound.__class__.objects.create(community=org.guoao, name="奥园", kind="old"),
        "8号楼",
    )
    client.force_login(people.secretary)
    url = reverse("evaluation:slip_create")

    fragment = client.get(
        url, {"compound": org.compound.pk}, headers={"HX-Request": "true"}
    ).content.decode()

    assert 'id="building-box"' in fragment and "<html" not in fragment
    assert "国奥花园 3号楼" in fragment and "8号楼" not in fragment
    # Without scripts the page lists every building of the community.
    page = client.get(url).content.decode()
    assert "国奥花园 3号楼" in page and f"奥园 {other.number}" in page


@pytest.mark.parametrize("compound", ["999999999999999999999999", "12x", "99999"])
def test_a_bad_or_foreign_compound_in_the_htmx_request_is_a_404_not_a_500(
    client, org, people, compound
):
    client.force_login(people.secretary)
    url = reverse("evaluation:slip_create")
    response = client.get(url, {"compound": compound}, headers={"HX-Request": "true"})
    assert response.status_code == 404


def test_an_oversized_compound_posted_is_a_422_not_a_500(client, org, people):
    client.force_login(people.secretary)
    url = reverse("evaluation:slip_create")
    data = {"once": _token(client, url), "compound": "9" * 30, "building": "9" * 30}
    response = client.post(url, data)
    assert response.status_code == 422
    assert not CodeBatch.objects.exists()


def test_a_building_of_another_compound_is_refused(client, org, people):
    other = building_with_households(
        org.compound.__class__.objects.create(community=org.guoao, name="奥园", kind="old"),
        "8号楼",
    )
    client.force_login(people.secretary)
    url = reverse("evaluation:slip_create")
    response = client.post(
        url, {"once": _token(client, url), "compound": org.compound.pk, "building": other.pk}
    )
    assert response.status_code == 422
    assert "所选楼栋不属于这个小区" in response.content.decode()
    assert not CodeBatch.objects.exists()


def test_a_second_batch_of_the_same_households_is_refused_with_the_reason(client, org, people):
    make_batch(people, org.compound, status=Status.READY)
    client.force_login(people.secretary)
    url = reverse("evaluation:slip_create")
    response = client.post(url, {"once": _token(client, url), "compound": org.compound.pk})
    assert response.status_code == 422
    assert "已有一批户码条" in response.content.decode()
    assert CodeBatch.objects.count() == 1


def test_voiding_from_the_page_reissues(
    client, org, people, fake_pdf, django_capture_on_commit_callbacks
):
    batch = make_batch(people, org.compound, status=Status.READY)
    client.force_login(people.secretary)
    url = reverse("evaluation:slip_void", args=[batch.pk])
    assert "户码全部换成新的" in client.get(url).content.decode()

    assert client.post(url, {"reason": ""}).status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "户码条丢失"})

    new = CodeBatch.objects.get(replaces=batch)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#batch-{new.pk}")
    assert new.status == Status.READY
    listing = client.get(reverse("evaluation:slips")).content.decode()
    assert "户码条丢失" in listing and "已作废" in listing
    # A voided batch's page sends back to the list with the reason.
    again = client.get(url)
    assert again.status_code == 302


def test_a_failed_batch_is_retried_from_its_row(
    client, org, people, fake_pdf, django_capture_on_commit_callbacks
):
    batch = make_batch(people, org.compound, status=Status.FAILED, error="生成 PDF 时出错")
    client.force_login(people.secretary)
    assert "重新生成" in client.get(reverse("evaluation:slips")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:slip_retry", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == Status.READY


def test_the_street_and_the_district_do_not_print(client, org, people):
    for who in (people.street, people.district):
        client.force_login(who)
        assert client.get(reverse("evaluation:slips")).status_code == 403
        assert client.get(reverse("evaluation:slip_create")).status_code == 403


def test_another_communitys_list_does_not_show_the_batch(client, org, people):
    batch = make_batch(people, org.compound)
    client.force_login(people.secretary2)
    page = client.get(reverse("evaluation:slips")).content.decode()
    assert f"batch-{batch.pk}" not in page
    assert client.get(reverse("evaluation:slip_row", args=[batch.pk])).status_code == 404


@pytest.mark.parametrize("n", [2, 6])
def test_the_list_and_a_row_cost_the_same_queries_at_n_and_3n_batches(
    client, org, people, n, django_assert_max_num_queries
):
    for i in range(n):
        building = building_with_households(org.compound, f"{20 + i}号楼", rooms=("101",))
        make_batch(people, org.compound, building, status=(Status.PREPARING, Status.READY)[i % 2])
    client.force_login(people.secretary)
    client.get(reverse("evaluation:slips"))  # the session and the caches warmed

    with django_assert_max_num_queries(8):
        response = client.get(reverse("evaluation:slips"))
    assert response.content.decode().count('class="list-group-item" id="batch-') == n
    row = CodeBatch.objects.first()
    with django_assert_max_num_queries(6):
        client.get(reverse("evaluation:slip_row", args=[row.pk]), headers={"HX-Request": "true"})
