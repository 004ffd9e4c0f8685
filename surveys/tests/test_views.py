"""Staff pages: the builder, paper entry, distribution, results, export, posters, triage, scope."""

import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from needs.models import Need
from surveys import posters
from surveys.models import Channel, Distribution, Question, Response, Survey
from tests import factories as f

from . import factories as sf

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(org, people):
    return sf.survey(community=org.guoao, created_by=people.secretary)


def _once(response, form="form"):
    return response.context[form]["once"].value()


def test_a_secretary_builds_a_questionnaire_with_four_kinds_and_publishes_it(client, people):
    client.force_login(people.secretary)
    page = client.get(reverse("surveys:create"))
    assert page.status_code == 200
    created = client.post(
        reverse("surveys:create"),
        {
            "once": _once(page),
            "title": "加装电梯意愿调查",
            "intro": "",
            "starts_on": str(date.today()),
            "ends_on": str(date.today() + timedelta(days=30)),
        },
    )
    survey = Survey.objects.get(title="加装电梯意愿调查")
    assert created.status_code == 302 and created["Location"] == survey.get_absolute_url()
    kinds = [
        ("single", "您住几楼?", "1-3楼\n4-6楼", ""),
        ("multiple", "您的顾虑?", "费用\n噪音\n采光", ""),
        ("rating", "支持程度", "", "5"),
        ("text", "其他想法", "", ""),
    ]
    for kind, text, options, rating_max in kinds:
        detail = client.get(survey.get_absolute_url())
        posted = client.post(
            reverse("surveys:question_add", args=[survey.pk]),
            {
                "once": _once(detail, "question_form"),
                "kind": kind,
                "text": text,
                "options": options,
                "rating_max": rating_max,
                "required": "on",
            },
        )
        assert posted.status_code == 302, posted.content.decode()[:500]
    assert list(Question.objects.filter(survey=survey).values_list("kind", flat=True)) == [
        "single",
        "multiple",
        "rating",
        "text",
    ]
    assert client.post(reverse("surveys:publish", args=[survey.pk])).status_code == 302
    survey.refresh_from_db()
    assert survey.status == "open"
    page = client.get(survey.get_absolute_url()).content.decode()
    assert posters.short_link(survey) in page and "下载海报 PDF" in page


def test_a_question_form_with_one_option_comes_back_with_the_reason(client, people):
    draft = sf.survey(
        community=people.secretary.role_assignments.get().community,
        created_by=people.secretary,
        status="draft",
    )
    client.force_login(people.secretary)
    detail = client.get(draft.get_absolute_url())
    response = client.post(
        reverse("surveys:question_add", args=[draft.pk]),
        {"once": _once(detail, "question_form"), "kind": "single", "text": "题", "options": "甲"},
    )
    assert response.status_code == 422 and "至少需要两个选项" in response.content.decode()


def test_another_community_cannot_see_a_survey_or_copy(client, org, people, survey):
    template = sf.survey(street=org.street_a, created_by=people.street)
    copy = Survey.objects.get(template=template, community=org.guoao)
    client.force_login(people.secretary_haiyun)
    for target in (survey, copy):
        assert client.get(target.get_absolute_url()).status_code == 404
        assert client.get(reverse("surveys:results", args=[target.pk])).status_code == 404
    own = Survey.objects.get(template=template, community=org.haiyun)
    assert client.get(own.get_absolute_url()).status_code == 200
    listed = client.get(reverse("surveys:list")).context["page"].object_list
    assert set(listed) == {own}


def test_the_street_and_district_see_templates_with_roll_up_figures(client, org, people):
    template = sf.survey(street=org.street_a, created_by=people.street)
    for copy in Survey.objects.filter(template=template):
        sf.answer(copy)
        sf.handed_out(copy, 10, by=people.secretary)
    client.force_login(people.street)
    page = client.get(reverse("surveys:list"))
    row = next(s for s in page.context["page"] if s.pk == template.pk)
    assert (row.copies_handed, row.copies_returned) == (20, 2)
    assert all(s.template_id is None for s in page.context["page"])
    with_copies = client.get(reverse("surveys:list") + "?copies=1").context["page"]
    assert any(s.template_id == template.pk for s in with_copies)


def test_the_list_costs_the_same_queries_for_one_and_many_surveys(
    client, org, people, django_assert_max_num_queries
):
    client.force_login(people.secretary)
    sf.survey(community=org.guoao, created_by=people.secretary)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("surveys:list"))
    for _ in range(6):
        s = sf.survey(community=org.guoao, created_by=people.secretary, questions=False)
        sf.handed_out(s, 5, by=people.secretary)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("surveys:list"))


# --- paper entry -------------------------------------------------------------------------------
def _entry(client, survey, query=""):
    return client.get(reverse("surveys:entry", args=[survey.pk]) + query)


def test_paper_entry_saves_a_copy_and_opens_a_blank_one_with_a_counter(client, people, survey):
    client.force_login(people.worker)
    page = _entry(client, survey)
    html = page.content.decode()
    assert "Ctrl</kbd>+<kbd>Enter</kbd>" in html and "F2" in html and "本次已录入 0 份" in html
    action = re.search(r'action="([^"]+)"', html.split("data-entry-form")[1]).group(1)
    posted = client.post(
        action.replace("&amp;", "&"),
        {
            "once": _once(page),
            "channel": "paper",
            "q1": "2",
            "q2": "1,3",
            "q3": "4",
            "q4": "多建停车位",
            "comment": "楼下太吵",
            "paper_no": "A-7",
        },
    )
    assert posted.status_code == 302
    saved = Response.objects.get()
    assert (saved.channel, saved.entered_by, saved.paper_no) == ("paper", people.worker, "A-7")
    assert posted["Location"].endswith(f"?channel=paper&n=1&last={saved.pk}")
    again = client.get(posted["Location"]).content.decode()
    assert "本次已录入 1 份" in again and "1:2 2:13 3:4分 4:多建停车位" in again
    assert 'value="A-7"' not in again  # a blank copy


def test_paper_entry_points_at_the_field_in_error_and_keeps_what_was_typed(client, people, survey):
    client.force_login(people.worker)
    page = _entry(client, survey)
    response = client.post(
        reverse("surveys:entry", args=[survey.pk]),
        {"once": _once(page), "channel": "visit", "q1": "7", "q2": "12", "q3": "3", "q4": ""},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_q1"' in html and "is-invalid" in html.split('id="id_q1"')[0][-300:]
    assert "1到4" in html and 'value="12"' in html
    assert 'id="channel-visit" value="visit" checked' in html
    assert not Response.objects.exists()


def test_the_visit_channel_stays_chosen_for_the_next_copy(client, people, survey):
    client.force_login(people.worker)
    html = _entry(client, survey, "?channel=visit&n=3").content.decode()
    assert 'id="channel-visit" value="visit" checked' in html and "本次已录入 3 份" in html


def test_the_street_cannot_type_in_paper_copies(client, people, survey):
    client.force_login(people.street)
    assert _entry(client, survey).status_code == 403


# --- distribution and results ---------------------------------------------------------------------
def test_copies_handed_out_are_recorded_and_the_rate_shown(client, people, survey):
    client.force_login(people.secretary)
    page = client.get(survey.get_absolute_url())
    posted = client.post(
        reverse("surveys:distribute", args=[survey.pk]),
        {
            "once": _once(page, "distribution_form"),
            "channel": "paper",
            "copies": "4",
            "handed_out_on": str(survey.starts_on),
        },
    )
    assert posted.status_code == 302
    assert Distribution.objects.get().copies == 4
    sf.answer(survey, channel=Channel.PAPER, by=people.worker)
    figures = client.get(reverse("surveys:results", args=[survey.pk])).context["figures"]
    paper = next(row for row in figures if row.label == "纸质问卷")
    assert (paper.handed, paper.returned, paper.rate) == (4, 1, 25.0)


def test_results_count_each_option_and_rating(client, people, survey):
    sf.answer(survey, choices=(0, (0, 1), 5, "甲"))
    sf.answer(survey, choices=(0, (1,), 3, "乙"))
    sf.answer(survey, choices=(2, (1, 3), 4, ""))
    client.force_login(people.secretary)
    results = client.get(reverse("surveys:results", args=[survey.pk])).context["results"]
    single, multiple, rating, text = results
    assert [b.count for b in single.bars] == [2, 0, 1, 0] and single.respondents == 3
    assert [b.count for b in multiple.bars] == [1, 3, 0, 1]
    assert multiple.bars[1].percent == 100.0
    assert rating.average == 4.0 and [b.count for b in rating.bars] == [0, 0, 1, 1, 1]
    assert text.texts == ["乙", "甲"]


@pytest.mark.parametrize("level", ["community", "template"])
def test_results_cost_the_same_queries_at_one_and_many_responses(
    client, org, people, django_assert_max_num_queries, level
):
    if level == "template":
        survey = sf.survey(street=org.street_a, created_by=people.street)
        target = Survey.objects.get(template=survey, community=org.guoao)
        client.force_login(people.street)
    else:
        survey = target = sf.survey(community=org.guoao, created_by=people.secretary)
        client.force_login(people.secretary)
    url = reverse("surveys:results", args=[survey.pk])
    sf.answer(target, comment="一条留言")
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    for n in range(30):
        sf.answer(target, comment=f"留言{n}", choices=(n % 4, (n % 4,), 1 + n % 5, f"文字{n}"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert len(page.context["comments"]) == 10  # a page of comments, not all of them


def test_a_template_rolls_up_every_copy_and_lists_each_community(client, org, people):
    template = sf.survey(street=org.street_a, created_by=people.street)
    guoao = Survey.objects.get(template=template, community=org.guoao)
    haiyun = Survey.objects.get(template=template, community=org.haiyun)
    sf.answer(guoao)
    sf.answer(haiyun)
    sf.answer(haiyun, channel=Channel.PAPER, by=people.secretary_haiyun)
    client.force_login(people.district)
    page = client.get(reverse("surveys:results", args=[template.pk]))
    assert page.context["figures"][-1].returned == 3
    rows = {r.copy.community.name: r.figures.returned for r in page.context["copies"]}
    assert rows == {"国奥社区": 1, "海韵社区": 2}
    assert page.context["results"][0].respondents == 3
    # A copy reads only its own.
    client.force_login(people.secretary)
    own = client.get(reverse("surveys:results", args=[guoao.pk]))
    assert own.context["figures"][-1].returned == 1


# --- export and posters ----------------------------------------------------------------------------
def test_the_export_has_a_row_per_response_and_a_column_per_question(client, people, survey):
    sf.answer(survey, comment="=HYPERLINK(1)")
    sf.answer(survey, channel=Channel.PAPER, by=people.worker, choices=(1, (2, 3), 2, ""))
    client.force_login(people.street)
    response = client.get(reverse("surveys:export", args=[survey.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "社区", "渠道", "提交时间", "纸质编号")
    assert rows[0][5].startswith("1. ") and rows[0][-1] == "其他意见建议"
    assert len(rows) == 3
    assert rows[1][5:9] == ("环境卫生", "邻居节、百家宴", "4", "希望多办活动")
    assert rows[2][2] == "纸质问卷" and rows[2][6] == "读书会、义诊"
    assert rows[1][-1] == "=HYPERLINK(1)"  # text, never a formula
    assert book.active.cell(row=2, column=len(rows[0])).data_type == "s"
    event = AuditEvent.objects.get(action="survey.export")
    assert event.detail["rows"] == 2 and event.actor == people.street


def test_posters_are_a_png_and_a_pdf_with_the_short_link(client, people, survey, monkeypatch):
    client.force_login(people.secretary)
    png = client.get(reverse("surveys:poster_png", args=[survey.pk]))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    from core import qrposter

    seen = {}
    real = qrposter._pdf

    def capture(html):
        seen["html"] = html
        return real(html)

    monkeypatch.setattr(qrposter, "_pdf", capture)
    pdf = client.get(reverse("surveys:poster_pdf", args=[survey.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    link = posters.short_link(survey)
    assert link.endswith(f"/p/q/{survey.short_code}/") and link in seen["html"]
    assert survey.title in seen["html"] and "扫码填写" in seen["html"]


def test_a_draft_has_no_poster(client, people, org):
    draft = sf.survey(community=org.guoao, created_by=people.secretary, status="draft")
    client.force_login(people.secretary)
    assert client.get(reverse("surveys:poster_png", args=[draft.pk])).status_code == 404


def test_a_templates_page_links_each_copys_poster(client, org, people):
    template = sf.survey(street=org.street_a, created_by=people.street)
    client.force_login(people.street)
    html = client.get(template.get_absolute_url()).content.decode()
    for copy in Survey.objects.filter(template=template):
        assert reverse("surveys:poster_pdf", args=[copy.pk]) in html


# --- triage --------------------------------------------------------------------------------------------
def test_a_comment_is_filed_from_the_results_page_and_links_back_from_the_need(
    client, org, people, survey
):
    response = sf.answer(survey, comment="3号楼楼道灯不亮")
    need = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    client.force_login(people.worker)
    page = client.get(reverse("surveys:results", args=[survey.pk]))
    assert need in page.context["needs"]
    posted = client.post(reverse("surveys:comment_file", args=[response.pk]), {"need": need.pk})
    assert posted.status_code == 302
    response.refresh_from_db()
    assert response.need == need
    from needs.hooks import origin_links

    links = origin_links([f"surveys.response:{response.pk}"])
    label, url = links[f"surveys.response:{response.pk}"]
    assert survey.title in label and url.endswith(f"#response-{response.pk}")


def test_a_comment_becomes_a_need_from_the_results_page(client, org, people, survey):
    response = sf.answer(survey, comment="希望装充电桩")
    client.force_login(people.secretary)
    page = client.get(reverse("surveys:results", args=[survey.pk]))
    posted = client.post(
        reverse("surveys:comment_need", args=[response.pk]),
        {"once": _once(page, "new_need_form"), "title": "装充电桩", "category": "facilities"},
    )
    assert posted.status_code == 302
    assert Need.objects.get(title="装充电桩").source == "questionnaire"


def test_merging_needs_moves_the_filed_comments(org, people, survey):
    from needs.hooks import MERGE_HOOKS

    response = sf.answer(survey, comment="停车难")
    old = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    new = f.NeedFactory(community=org.guoao, created_by=people.secretary)
    Response.objects.filter(pk=response.pk).update(need=old)
    for hook in MERGE_HOOKS:
        hook(old, new, people.secretary)
    response.refresh_from_db()
    assert response.need == new


# --- what a review found ------------------------------------------------------------------------
ENTRY = {"channel": "paper", "q1": "2", "q2": "13", "q3": "4", "q4": ""}


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ({"q1": "²"}, 302),  # str.isdigit() says yes, int() says no: read as 2 (NFKC)
        ({"q2": "1²"}, 302),
        ({"q2": "①③"}, 302),
        ({"q3": "٥٥"}, 422),
        ({"q1": "9" * 5000}, 422),
        ({"q2": "1,x"}, 422),
    ],
)
def test_paper_entry_reads_or_refuses_any_digits_but_never_fails(
    client, people, survey, typed, status
):
    client.force_login(people.worker)
    page = _entry(client, survey)
    url = reverse("surveys:entry", args=[survey.pk])
    response = client.post(url, {"once": _once(page), **ENTRY, **typed})
    assert response.status_code == status
    assert Response.objects.count() == (1 if status == 302 else 0)


def test_paper_entry_reads_a_chinese_input_methods_full_width_digits(client, people, survey):
    client.force_login(people.worker)
    page = _entry(client, survey)
    url = reverse("surveys:entry", args=[survey.pk])
    typed = {"q1": "２", "q2": "１，３", "q3": "５"}
    assert client.post(url, {"once": _once(page), **ENTRY, **typed}).status_code == 302
    saved = Response.objects.get()
    chosen = sorted(saved.answers.values_list("question__order", "option", "rating"))
    assert chosen == [(1, 1, None), (2, 0, None), (2, 2, None), (3, None, 5)]


@pytest.mark.parametrize("query", ["?n=²", "?last=²", "?n=-1", "?last=" + "9" * 40, "?n=1e9"])
def test_odd_numbers_in_the_entry_pages_address_are_ignored(client, people, survey, query):
    client.force_login(people.worker)
    page = _entry(client, survey, query)
    assert page.status_code == 200 and page.context["last"] is None


def test_a_copy_names_a_template_its_community_cannot_open_without_a_link(client, org, people):
    template = sf.survey(district=org.district, created_by=people.district, title="全区调查")
    copy = Survey.objects.get(template=template, community=org.guoao)
    client.force_login(people.secretary)
    html = client.get(copy.get_absolute_url()).content.decode()
    assert template.get_absolute_url() not in html and "区级问卷的社区副本" in html
    assert client.get(template.get_absolute_url()).status_code == 404
    client.force_login(people.district)
    assert template.get_absolute_url() in client.get(copy.get_absolute_url()).content.decode()


def test_a_street_lists_its_communities_copies_of_a_district_survey(client, org, people):
    template = sf.survey(district=org.district, created_by=people.district, title="全区调查")
    own = sf.survey(street=org.street_a, created_by=people.street, title="街道调查")
    client.force_login(people.street)
    listed = set(client.get(reverse("surveys:list")).context["page"].object_list)
    district_copies = set(Survey.objects.filter(template=template, community__street=org.street_a))
    assert district_copies and district_copies <= listed
    assert own in listed and not listed & set(Survey.objects.filter(template=own))
    client.force_login(people.district)
    listed = set(client.get(reverse("surveys:list")).context["page"].object_list)
    assert template in listed and not any(s.template_id for s in listed)


def test_a_district_template_is_made_knowing_it_is_one(client, people):
    client.force_login(people.district)
    html = client.get(reverse("surveys:create")).content.decode()
    assert "区级模板,各社区填写副本" in html


def test_the_results_page_shows_the_questions_before_a_hundred_copies(client, org, people):
    template = sf.survey(street=org.street_a, created_by=people.street)
    client.force_login(people.street)
    html = client.get(reverse("surveys:results", args=[template.pk])).content.decode()
    assert html.index('id="h-questions"') < html.index('id="h-copies"')


# --- correcting a typed copy ------------------------------------------------------------------------
def _typed(survey, by, **kw):
    """A copy typed in from paper: 1:2 2:13 3:4分 4:停车难 unless told otherwise."""
    from surveys import services

    questions = list(Question.objects.filter(survey_id=survey.question_source_id))
    answers = {questions[0].pk: 1, questions[1].pk: [0, 2], questions[2].pk: 4}
    answers[questions[3].pk] = kw.pop("text", "停车难")
    return services.response_submit(
        survey=survey, answers=answers, channel=kw.pop("channel", "paper"), by=by, **kw
    ).response


def _correct_url(survey, response, query=""):
    return reverse("surveys:entry_correct", args=[survey.pk, response.pk]) + query


def test_the_entry_page_lists_the_copies_this_worker_typed_today_with_a_correct_link(
    client, people, survey
):
    first = _typed(survey, people.worker, paper_no="A-1")
    second = _typed(survey, people.worker, paper_no="A-2", channel="visit")
    yesterday = _typed(survey, people.worker, paper_no="A-0")
    Response.objects.filter(pk=yesterday.pk).update(submitted_at=first.submitted_at - timedelta(1))
    _typed(survey, people.secretary, paper_no="S-1")  # another worker's
    sf.answer(survey)  # a resident's, online
    client.force_login(people.worker)
    page = _entry(client, survey, f"?channel=visit&n=2&last={second.pk}")
    assert [r.pk for r in page.context["typed_today"]] == [second.pk, first.pk]
    assert [r.number for r in page.context["typed_today"]] == [2, 1]
    html = page.content.decode()
    listed = html.split('id="typed-today"')[1]
    assert "编号 A-2" in listed and "入户代填" in listed and "编号 A-0" not in listed
    assert "S-1" not in listed
    query = f"?n=2&amp;next_channel=visit&amp;last={second.pk}"
    assert f'href="{_correct_url(survey, first, query)}"' in listed
    last = html.split('id="entry-last"')[1].split("</div>")[0]
    assert f'href="{_correct_url(survey, second, query)}"' in last and ">修改</a>" in last


def test_a_typed_copy_opens_prefilled_and_saving_replaces_it_then_back_to_the_entry_page(
    client, people, survey
):
    typed = _typed(survey, people.worker, paper_no="A-7", comment="楼道太暗")
    client.force_login(people.worker)
    url = _correct_url(survey, typed, f"?n=5&next_channel=paper&last={typed.pk}")
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    values = {name: form[name].value() for name in ("q1", "q2", "q3", "q4", "paper_no", "comment")}
    assert values == {
        "q1": "2",
        "q2": "13",
        "q3": "4",
        "q4": "停车难",
        "paper_no": "A-7",
        "comment": "楼道太暗",
    }
    html = page.content.decode()
    assert "修改第 1 份" in html and 'id="channel-paper" value="paper" checked' in html
    assert f'action="{url.replace("&", "&amp;")}"' in html
    posted = client.post(
        url,
        {
            "once": _once(page),
            "channel": "visit",
            "q1": "3",
            "q2": "24",
            "q3": "1",
            "q4": "",
            "comment": "楼道太暗",
            "paper_no": "A-8",
        },
    )
    assert posted.status_code == 302
    assert posted["Location"] == reverse("surveys:entry", args=[survey.pk]) + (
        f"?channel=paper&n=5&last={typed.pk}"
    )
    typed.refresh_from_db()
    assert (typed.channel, typed.paper_no, typed.comment) == ("visit", "A-8", "楼道太暗")
    chosen = sorted(typed.answers.values_list("question__order", "option", "rating", "text"))
    assert chosen == [(1, 2, None, ""), (2, 1, None, ""), (2, 3, None, ""), (3, None, 1, "")]
    again = client.get(posted["Location"])
    html = again.content.decode()
    assert "已修改第 1 份" in html and "本次已录入 5 份" in html
    assert re.search(r'id="id_q1"[^>]*autofocus', html) and 'value="3"' not in html
    assert AuditEvent.objects.filter(
        action="survey.response.correct", object_id=str(typed.pk)
    ).exists()


def test_a_bad_correction_comes_back_with_the_reason_and_keeps_the_old_answers(
    client, people, survey
):
    typed = _typed(survey, people.worker)
    before = sorted(typed.answers.values_list("question_id", "option", "rating", "text"))
    client.force_login(people.worker)
    page = client.get(_correct_url(survey, typed))
    response = client.post(
        _correct_url(survey, typed),
        {"once": _once(page), "channel": "paper", "q1": "7", "q2": "13", "q3": "4", "q4": ""},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "1到4" in html and 'value="7"' in html
    assert sorted(typed.answers.values_list("question_id", "option", "rating", "text")) == before


def test_a_handled_comment_is_shown_locked_and_changing_it_is_refused(client, org, people, survey):
    from surveys import services

    typed = _typed(survey, people.worker, comment="想要健身器材")
    services.comment_decline(response=typed, reason="场地不够", by=people.secretary)
    client.force_login(people.worker)
    page = client.get(_correct_url(survey, typed))
    assert re.search(r'id="id_comment"[^>]*readonly', page.content.decode())
    response = client.post(
        _correct_url(survey, typed),
        {"once": _once(page), **ENTRY, "q4": "", "comment": "想要乒乓球台"},
    )
    assert response.status_code == 409 and "已经记入需求或答复过" in response.content.decode()
    typed.refresh_from_db()
    assert typed.comment == "想要健身器材" and typed.answers.get(question__order=1).option == 1


def test_an_online_answer_cannot_be_opened_nor_saved_for_correction(client, people, survey):
    online = sf.answer(survey)
    before = online.answers.count()
    client.force_login(people.worker)
    opened = client.get(_correct_url(survey, online, "?n=3"))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("surveys:entry", args=[survey.pk]) + "?channel=paper&n=3"
    assert "居民本人的答卷" in client.get(opened["Location"]).content.decode()
    page = _entry(client, survey)
    posted = client.post(_correct_url(survey, online), {"once": _once(page), **ENTRY})
    assert posted.status_code == 409 and "居民本人的答卷" in posted.content.decode()
    assert online.answers.count() == before and online.answers.filter(option=1).count() == 1


def test_a_copy_out_of_scope_or_of_another_survey_is_not_found(client, org, people, survey):
    typed = _typed(survey, people.worker)
    other = sf.survey(community=org.guoao, created_by=people.secretary)
    client.force_login(people.worker)
    assert client.get(_correct_url(other, typed)).status_code == 404
    assert client.post(_correct_url(other, typed), ENTRY).status_code == 404
    missing = reverse("surveys:entry_correct", args=[survey.pk, typed.pk + 1000])
    assert client.get(missing).status_code == 404
    for outsider in (people.secretary_haiyun, people.secretary2):
        client.force_login(outsider)
        assert client.get(_correct_url(survey, typed)).status_code == 404
    client.force_login(people.street)  # reads the survey, does not type copies
    assert client.get(_correct_url(survey, typed)).status_code == 403
    assert typed.answers.filter(question__order=1, option=1).exists()


def test_the_entry_and_correction_pages_cost_the_same_queries_at_one_and_many_copies(
    client, people, survey, django_assert_max_num_queries
):
    typed = _typed(survey, people.worker, comment="一条")
    client.force_login(people.worker)
    entry = reverse("surveys:entry", args=[survey.pk]) + f"?last={typed.pk}"
    with django_assert_max_num_queries(30) as one_entry:
        client.get(entry)
    with django_assert_max_num_queries(30) as one_correct:
        client.get(_correct_url(survey, typed))
    for n in range(25):
        _typed(survey, people.worker, paper_no=f"B-{n}", text=f"文字{n}")
        sf.answer(survey)
    with django_assert_max_num_queries(len(one_entry.captured_queries)):
        page = client.get(entry)
    assert len(page.context["typed_today"]) == 20
    with django_assert_max_num_queries(len(one_correct.captured_queries)):
        assert client.get(_correct_url(survey, typed)).status_code == 200


def test_the_results_count_the_corrected_answers_not_the_old_ones(client, people, survey):
    typed = _typed(survey, people.worker)
    sf.answer(survey, choices=(1, (0,), 5, ""))
    client.force_login(people.worker)
    page = client.get(_correct_url(survey, typed))
    posted = client.post(
        _correct_url(survey, typed),
        {"once": _once(page), **ENTRY, "q1": "4", "q2": "4", "q3": "1", "q4": "改好了"},
    )
    assert posted.status_code == 302
    results = client.get(reverse("surveys:results", args=[survey.pk])).context["results"]
    single, multiple, rating, text = results
    assert [b.count for b in single.bars] == [0, 1, 0, 1] and single.respondents == 2
    assert [b.count for b in multiple.bars] == [1, 0, 0, 1]
    assert [b.count for b in rating.bars] == [1, 0, 0, 0, 1] and rating.average == 3.0
    assert text.texts == ["改好了"]
