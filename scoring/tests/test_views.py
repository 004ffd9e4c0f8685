"""Scoring's pages: the judge's list and sheet, the board fragment (constant queries at n and 3n),
exports (audited, formula-neutralised) and the residents' results."""

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from scoring.access import JUDGES_KEY
from scoring.models import RoundKind, RoundStatus, ScoreSheet, SheetStatus
from scoring.tests import factories as sf


@pytest.fixture
def judging(org, people):
    round_obj = sf.round_(people.district)
    guoao = sf.entry(
        round_obj, sf.retrospected(org.guoao, people.secretary, "国奥邻里节"), people.district
    )
    yuehai = sf.entry(
        round_obj, sf.retrospected(org.yuehai, people.secretary2, "悦海百家宴"), people.district
    )
    sf.judge(round_obj, people.judge, people.district)
    return round_obj, guoao, yuehai


def _grow(round_obj, org, people, n, *, sheets=5):
    for i in range(n):
        entry = sf.entry(
            round_obj, sf.retrospected(org.haiyun, people.secretary, f"=项目{i}"), people.district
        )
        for j in range(sheets):
            sf.sheet(entry, sf.expert(org.street_b, f"x{entry.pk}-{j}"), 60 + (i * 7 + j * 3) % 40)


def test_judge_sees_his_projects_without_his_own_streets(client, judging, people):
    round_obj, guoao, yuehai = judging
    client.force_login(people.judge)

    page = client.get(round_obj.get_absolute_url()).content.decode()

    assert "国奥邻里节" in page and "未评分" in page
    assert "悦海百家宴" not in page


def test_own_street_sheet_is_refused_with_the_reason(client, judging, people):
    _, _, yuehai = judging
    client.force_login(people.judge)

    response = client.get(reverse("scoring:sheet", args=[yuehai.pk]))

    assert response.status_code == 403
    assert "回避规则" in response.content.decode()
    assert AuditEvent.objects.filter(actor=people.judge, action="access.denied").exists()


def test_judge_scores_on_the_sheet_page_and_submitting_locks_it(client, judging, people):
    _, guoao, _ = judging
    client.force_login(people.judge)
    url = reverse("scoring:sheet", args=[guoao.pk])
    criteria = list(guoao.round.rubric.criteria.all())
    data = {f"c{i}": str(v) for i, v in enumerate((20, 21, 22.5, 12, 8), 1)}
    assert len(criteria) == 5

    assert client.post(url, {**data, "comment": "扎实"}).status_code == 302
    response = client.post(reverse("scoring:sheet_submit", args=[guoao.pk]), data)
    assert response.status_code == 302
    page = client.get(url).content.decode()

    assert "已锁定" in page and "83.5" in page
    assert 'name="comment"' not in page
    sheet = ScoreSheet.objects.get()
    assert (sheet.status, sheet.total, sheet.comment) == ("submitted", Decimal("83.5"), "")


def test_out_of_bounds_points_come_back_on_the_form(client, judging, people):
    _, guoao, _ = judging
    client.force_login(people.judge)
    response = client.post(reverse("scoring:sheet", args=[guoao.pk]), {"c1": "30"})

    assert response.status_code == 422
    assert "25" in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_ranking_page_and_board_fragment(client, judging, people, org):
    round_obj, guoao, _ = judging
    sf.sheet(guoao, people.judge, 91)
    client.force_login(people.district)
    url = reverse("scoring:ranking", args=[round_obj.pk])

    page = client.get(url).content.decode()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert 'id="board"' in page and 'hx-trigger="every 5s"' in page
    assert "国奥邻里节" in fragment and "91" in fragment
    assert "<html" not in fragment and 'id="board"' not in fragment
    board = client.get(url + "?board=1").content.decode()  # the same fragment, for make bench
    assert "国奥邻里节" in board and "<html" not in board


def _queries(client, url, django_assert_max_num_queries, cap, **kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    assert len(ctx) <= cap, [q["sql"] for q in ctx.captured_queries]
    return len(ctx)


@pytest.mark.parametrize(
    ("who", "name", "cap", "htmx"),
    [
        ("district", "scoring:ranking", 10, True),  # the board's refresh
        ("district", "scoring:ranking", 10, False),
        ("district", "scoring:round", 10, False),
        ("judge", "scoring:round", 10, False),
        ("district", "scoring:round_sheets", 8, False),
        ("district", "scoring:round_list", 8, False),
    ],
)
def test_pages_cost_the_same_queries_at_n_and_3n(
    client, judging, org, people, django_assert_max_num_queries, who, name, cap, htmx
):
    round_obj, _, _ = judging
    client.force_login(getattr(people, who))
    url = reverse(name, args=[] if name == "scoring:round_list" else [round_obj.pk])
    headers = {"headers": {"HX-Request": "true"}} if htmx else {}
    _grow(round_obj, org, people, 2)
    client.get(url, **headers)  # warm the session
    small = _queries(client, url, django_assert_max_num_queries, cap, **headers)
    _grow(round_obj, org, people, 4)
    large = _queries(client, url, django_assert_max_num_queries, cap, **headers)

    assert small == large


def test_sheet_page_queries_are_bounded(client, judging, people, django_assert_max_num_queries):
    _, guoao, _ = judging
    sf.sheet(guoao, people.judge, 70, status=SheetStatus.DRAFT)
    client.force_login(people.judge)
    url = reverse("scoring:sheet", args=[guoao.pk])
    client.get(url)

    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_exports_are_audited_and_neutralise_formulas(client, judging, org, people):
    round_obj, _, _ = judging
    _grow(round_obj, org, people, 1, sheets=2)
    client.force_login(people.district)

    ranking = client.get(reverse("scoring:export_ranking", args=[round_obj.pk]))
    sheets = client.get(reverse("scoring:export_sheets", args=[round_obj.pk]))

    rows = list(load_workbook(io.BytesIO(b"".join(ranking.streaming_content))).active.values)
    assert rows[1][0] == "名次"
    titles = [row[1] for row in rows[2:]]
    assert "=项目0" in titles  # kept as typed, as text
    book = load_workbook(io.BytesIO(b"".join(sheets.streaming_content)))
    cell = next(c for row in book.active.iter_rows() for c in row if c.value == "=项目0")
    assert cell.data_type == "s"
    assert AuditEvent.objects.filter(action="round.export_ranking", object_id=str(round_obj.pk))
    assert AuditEvent.objects.get(action="round.export_sheets").detail == {"rows": 2}


def test_published_competition_is_public_and_a_draft_is_not(client, org, people):
    competition = sf.round_(
        people.district, kind=RoundKind.COMPETITION, status=RoundStatus.PUBLISHED, name="擂台"
    )
    entry = sf.entry(
        competition, sf.retrospected(org.guoao, people.secretary, "跳蚤市场"), people.street
    )
    sf.sheet(entry, people.district, 93)
    draft = sf.round_(people.district, kind=RoundKind.COMPETITION, status=RoundStatus.CLOSED)

    listing = client.get(reverse("scoring:public_competitions")).content.decode()
    page = client.get(reverse("scoring:public_competition", args=[competition.pk]))

    assert "擂台" in listing and draft.name not in listing
    assert "跳蚤市场" in page.content.decode() and "93" in page.content.decode()
    assert client.get(reverse("scoring:public_competition", args=[draft.pk])).status_code == 404


def test_street_leader_chooses_his_communitys_entrant_on_the_phone(client, org, people):
    competition = sf.round_(
        people.district, kind=RoundKind.COMPETITION, status=RoundStatus.DRAFT, name="年底擂台"
    )
    project = sf.retrospected(org.guoao, people.secretary, "国奥邻居节")
    url = reverse("scoring:entrants", args=[competition.pk])
    client.force_login(people.street)

    overview = client.get(competition.get_absolute_url()).content.decode()
    page = client.get(url, {"community": org.guoao.pk}).content.decode()
    response = client.post(url, {"community": org.guoao.pk, "project": project.pk})

    assert "国奥社区" in overview and "海韵社区" in overview and "悦海社区" not in overview
    assert "选为参赛项目" in page and "国奥邻居节" in page
    assert response.status_code == 302
    assert list(competition.entries.values_list("project_id", "chosen_by")) == [
        (project.pk, people.street.pk)
    ]
    client.force_login(people.street_b)
    refused = client.post(url, {"community": org.guoao.pk, "project": project.pk})
    assert refused.status_code == 403


def test_assigned_judge_reads_the_project_page_and_may_change_nothing(client, judging, people):
    _, guoao, _ = judging
    client.force_login(people.judge)

    page = client.get(reverse("projects:detail", args=[guoao.project_id]))
    edit = client.post(reverse("projects:retrospective", args=[guoao.project_id]), {})

    assert page.status_code == 200 and "国奥邻里节" in page.content.decode()
    assert edit.status_code == 403
    client.force_login(people.judge_unassigned)
    assert client.get(reverse("projects:detail", args=[guoao.project_id])).status_code == 404


def test_a_judge_with_a_community_role_does_not_score_that_communitys_street(
    client, judging, org, people
):
    """Street B's expert who is also a WORKER of 国奥社区 (street A) is of street A too: 国奥's
    project is neither in his list nor open to his sheet (403 with the reason), nor counted."""
    from accounts.roles import Role
    from dashboards.selectors import sheets_to_score
    from scoring.access import own_street_ids
    from scoring.services import sheet_save
    from tests import factories as f

    round_obj, guoao, yuehai = judging
    f.add_role(people.judge, Role.WORKER, org.guoao)
    people.judge.__dict__.pop("scope", None)
    client.force_login(people.judge)
    url = reverse("scoring:sheet", args=[guoao.pk])
    data = {f"c{i}": "10" for i in range(1, 6)}

    page = client.get(round_obj.get_absolute_url()).content.decode()
    opened = client.get(url)
    submitted = client.post(reverse("scoring:sheet_submit", args=[guoao.pk]), data)

    assert "国奥邻里节" not in page and "悦海百家宴" not in page
    assert opened.status_code == 403 and "回避规则" in opened.content.decode()
    assert submitted.status_code == 403 and "回避规则" in submitted.content.decode()
    assert not ScoreSheet.objects.exists()
    assert not people.judge.has_perm("scoring.score_sheet", guoao)
    with pytest.raises(PermissionDenied):
        sheet_save(entry=guoao, by=people.judge, points={}, submit=False)
    assert sheets_to_score(people.judge) == 0
    assert own_street_ids(people.judge) == {org.street_a.pk, org.street_b.pk}


def test_anonymous_404s_of_unpublished_competitions_write_no_audit_rows(client, org, people):
    """Nobody without an account can fill the audit log: an unpublished round is a plain 404 for
    them, as a missing id is; a logged-in person's denial is still audited."""
    draft = sf.round_(people.district, kind=RoundKind.COMPETITION, status=RoundStatus.CLOSED)
    url = reverse("scoring:public_competition", args=[draft.pk])

    for _ in range(3):
        assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="access.denied").exists()

    client.force_login(people.resident)
    assert client.get(url).status_code == 404
    denied = AuditEvent.objects.get(action="access.denied")
    assert (denied.actor, denied.detail["model"]) == (people.resident, "scoring.round")


def _loaded(client, url, monkeypatch):
    """(queries, model instances loaded) of one GET."""
    from django.db import connection
    from django.db.models import Model
    from django.test.utils import CaptureQueriesContext

    loaded = []
    original = Model.from_db.__func__

    def counting(cls, *args, **kwargs):
        loaded.append(cls)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Model, "from_db", classmethod(counting))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    monkeypatch.undo()
    assert response.status_code == 200
    return len(ctx), len(loaded), response.content.decode()


def test_the_round_page_loads_no_judge_candidates_at_n_and_3n(
    client, judging, org, people, monkeypatch
):
    """The people who may judge are found by a search, never all loaded into the round page:
    the same queries and the same rows whether there are n or 3n of them."""
    from accounts.roles import Role
    from tests import factories as f

    round_obj, _, _ = judging
    client.force_login(people.district)
    url = round_obj.get_absolute_url()
    client.get(url)  # warm the session

    def grow(start, n):
        for i in range(start, start + n):
            sf.expert(org.street_b, f"候选专家{i}")
            f.make_user(Role.DISTRICT_STAFF, org.district, username=f"候选区级{i}")

    grow(0, 3)
    small = _loaded(client, url, monkeypatch)
    grow(3, 6)
    large = _loaded(client, url, monkeypatch)

    assert small[:2] == large[:2]
    assert small[0] <= 10
    assert "候选专家" not in large[2] and "候选区级" not in large[2]
    assert 'id="id_judge_q"' in large[2] and "<select" not in large[2].split('id="h-judges"')[1]


def test_judge_search_finds_by_name_from_one_character_and_caps_at_twenty(
    client, judging, org, people
):
    round_obj, _, _ = judging
    for i in range(25):
        sf.expert(org.street_b, f"zhangsan{i:02d}")
    expert = sf.expert(org.street_a, "lisi")
    expert.display_name = "李四"
    expert.save()
    url = reverse("scoring:judge_search", args=[round_obj.pk])
    client.force_login(people.district)

    empty = client.get(url, {"q": "  "}, headers={"HX-Request": "true"}).content.decode()
    capped = client.get(url, {"q": "zhangsan"}, headers={"HX-Request": "true"}).content.decode()
    by_name = client.get(url, {"q": "李"}, headers={"HX-Request": "true"}).content.decode()
    full = client.get(url, {"q": "李"}).content.decode()
    assigned = client.get(url, {"q": "judge"}, headers={"HX-Request": "true"}).content.decode()
    staff = client.get(url, {"q": "secretary"}, headers={"HX-Request": "true"}).content.decode()

    assert "输入姓名或用户名" in empty and 'name="user"' not in empty
    assert capped.count('name="user"') == 20 and "只列出前 20 位" in capped
    assert "<html" not in by_name and f'value="{expert.pk}"' in by_name
    assert "<html" in full and f'value="{expert.pk}"' in full and 'id="id_judge_q"' in full
    # Already this round's judge: not offered again; a community's secretary is no candidate.
    assert f'value="{people.judge.pk}"' not in assigned
    assert f'value="{people.judge_unassigned.pk}"' in assigned
    assert 'name="user"' not in staff


def test_judge_search_is_the_districts(client, judging, people):
    round_obj, _, _ = judging
    url = reverse("scoring:judge_search", args=[round_obj.pk])

    client.force_login(people.judge)
    assert client.get(url, {"q": "a"}).status_code == 403
    client.force_login(people.street)
    assert client.get(url, {"q": "a"}).status_code == 404


def test_submitting_marks_every_missing_and_out_of_range_criterion_in_one_pass(
    client, judging, people
):
    """One answer names every problem beside its field: the score above its full marks and
    each criterion left empty (a draft may leave them empty; a submission may not)."""
    _, guoao, _ = judging
    client.force_login(people.judge)

    response = client.post(
        reverse("scoring:sheet_submit", args=[guoao.pk]), {"c1": "30", "c2": "20"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    form = response.context["form"]
    assert set(form.errors) == {"c1", "c3", "c4", "c5"}
    assert page.count("is-invalid") == 4
    assert page.count("提交前请为这一项打分") == 3 * 2  # beside the field and in the list on top
    assert "实施成效(满分 25 分):提交前请为这一项打分" in page
    assert not ScoreSheet.objects.exists()
    # The same partial sheet is a valid draft.
    assert client.post(reverse("scoring:sheet", args=[guoao.pk]), {"c2": "20"}).status_code == 302


def test_a_submitted_sheet_is_refused_as_locked_not_as_incomplete(client, judging, people):
    _, guoao, _ = judging
    sf.sheet(guoao, people.judge, 80)
    client.force_login(people.judge)

    response = client.post(reverse("scoring:sheet_submit", args=[guoao.pk]), {})

    assert response.status_code == 409
    assert "提交前请为这一项打分" not in response.content.decode()


def test_the_submit_button_asks_before_locking_the_sheet(client, judging, people):
    _, guoao, _ = judging
    client.force_login(people.judge)

    page = client.get(reverse("scoring:sheet", args=[guoao.pk])).content.decode()

    button = next(line for line in page.splitlines() if "提交评分</button>" in line)
    assert 'data-confirm="提交后评分表即锁定' in button
    assert "保存草稿</button>" in page  # the draft button does not ask


def test_a_locked_sheet_leads_to_the_next_project_to_score(
    client, judging, org, people, django_assert_max_num_queries
):
    round_obj, guoao, _ = judging
    haiyun = sf.entry(
        round_obj, sf.retrospected(org.haiyun, people.secretary, "海韵睦邻角"), people.district
    )
    sf.sheet(guoao, people.judge, 80)
    client.force_login(people.judge)
    url = reverse("scoring:sheet", args=[guoao.pk])
    client.get(url)
    # As between requests in production: the judges' set is cached (never inside the test's
    # transaction, see scoring/access.judge_ids).
    cache.set(JUDGES_KEY, frozenset({people.judge.pk}))

    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()

    assert "下一个待评项目" in page
    assert reverse("scoring:sheet", args=[haiyun.pk]) in page
    sf.sheet(haiyun, people.judge, 75)
    page = client.get(url).content.decode()
    assert "下一个待评项目" not in page and "需要您评分的项目都已提交" in page


def test_competition_results_link_to_the_project_and_its_library_case(client, org, people):
    from library.tests import factories as lf

    competition = sf.round_(
        people.district, kind=RoundKind.COMPETITION, status=RoundStatus.PUBLISHED, name="擂台"
    )
    fleamarket = sf.retrospected(org.guoao, people.secretary, "跳蚤市场")
    banquet = sf.retrospected(org.yuehai, people.secretary2, "百家宴")
    for project in (fleamarket, banquet):
        sf.sheet(sf.entry(competition, project, people.street), people.district, 90)
    case = lf.entry(banquet, people.district)

    page = client.get(reverse("scoring:public_competition", args=[competition.pk]))

    html = page.content.decode()
    assert reverse("public:announcement", args=[fleamarket.pk]) in html
    assert reverse("public:announcement", args=[banquet.pk]) in html
    assert html.count('href="/p/library/') == 1
    assert reverse("library:public_entry", args=[case.pk]) in html
