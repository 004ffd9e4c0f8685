"""make bench: the key pages under load, against the demo district at scale 10 (QUALITY.md §25).

Loads `seed_demo --scale 10` into a PostgreSQL database of its own, serves it with gunicorn and
DEBUG=False (BENCH=1: no HTTPS redirect, no Secure cookies), logs the demo users in through the
login form, and drives each page with wrk right after /healthz at the same concurrency. Per page:
requests/s at 4 and 16 connections, p50/p95/p99 at 4, queries, rows' size, and the ratios to
/healthz and, for list pages, to the Django admin changelist over the same rows. Medians of
BENCH_REPEAT runs. Cleans up after itself (server, database, Redis db).

Overrides: BENCH_SCALE (10), BENCH_SECONDS (2), BENCH_REPEAT (3), BENCH_PAGES (a regex on page
names; "grade submission" and "survey submission" name the public posting steps), BENCH_GRADES
(400), BENCH_ANSWERS (400), BENCH_PORT (8777), BENCH_DB (baiseshejing_bench), BENCH_REDIS_URL
(redis://127.0.0.1:6379/14), PGHOST/PGPORT/PGUSER/PGPASSWORD, BENCH_KEEP=1 keeps the database.
"""

import http.cookiejar
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PORT = int(os.environ.get("BENCH_PORT", "8777"))
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = int(os.environ.get("BENCH_SECONDS", "2"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
SCALE = os.environ.get("BENCH_SCALE", "10")
ONLY = re.compile(os.environ.get("BENCH_PAGES", ".*"))
PG = {
    "host": os.environ.get("PGHOST", "127.0.0.1"),
    "port": os.environ.get("PGPORT", "5432"),
    "user": os.environ.get("PGUSER", "postgres"),
    "password": os.environ.get("PGPASSWORD", "postgres"),
}
DB = os.environ.get("BENCH_DB", "baiseshejing_bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PASSWORD = "demo-pass-2024"
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %.3f %.3f %.3f %.3f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3))
end
"""


@dataclass
class Page:
    name: str
    path: str
    user: str | None  # None: anonymous
    kind: str  # "list", "detail", "dashboard", "public"
    admin: str = ""  # the admin changelist over the same rows, for list pages
    cookie: str = (
        ""  # a cookie the visitor's device keeps ("bsbj_place=12": /p/'s chosen community)
    )
    # What the page answers: 204 for a thread's poll with nothing new.
    expect: int = 200
    runs: dict = field(default_factory=dict)  # connections -> [(rps, healthz rps, p50, p95, p99)]
    admin_runs: list = field(default_factory=list)
    queries: int = 0
    size: int = 0


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def environment(work: Path) -> dict:
    url = f"postgres://{PG['user']}:{PG['password']}@{PG['host']}:{PG['port']}/{DB}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "baiseshejing.settings",
        "DEBUG": "False",
        "BENCH": "True",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "PUBLIC_BASE_URL": BASE,
        "GUNICORN_ACCESSLOG": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # Not the checkout's staticfiles/: WhiteNoise would rescan it on every test request.
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
    }


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("make bench needs wrk: apt-get install wrk (as root)")
    say("installing wrk (Debian package)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("wrk did not install")


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def manage(env: dict, *args: str) -> None:
    subprocess.run([str(VENV / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def start_gunicorn(env: dict, log: Path) -> subprocess.Popen:
    command = [
        str(VENV / "gunicorn"),
        "baiseshejing.wsgi",
        "-c",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{PORT}",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=1) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"gunicorn did not answer /healthz; see {log}")


def log_in(username: str) -> str:
    """Through the login form, as a browser does; returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{BASE}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    response = opener.open(f"{BASE}/accounts/login/", data)
    if "/accounts/login/" in response.geturl():
        sys.exit(f"could not log in as {username}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def settle() -> None:
    """Wait until the server has worked off the queue a previous run left (slow pages at 16
    connections keep the workers busy after wrk stops), so every run starts from idle."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(f"{BASE}/healthz", timeout=30) as response:
            response.read()
        if time.monotonic() - started < 0.05:
            return
    sys.exit("the server did not become idle within 60 s")


def wrk(binary: str, path: str, cookie: str, connections: int, seconds: float) -> tuple:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    settle()
    command = [binary, f"-t{min(connections, 2)}", f"-c{connections}", f"-d{max(int(seconds), 1)}s"]
    command += ["-s", script.name, "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, BASE + path], capture_output=True, text=True, check=True)
    os.unlink(script.name)
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    requests, errors, duration, p50, p95, p99 = (float(x) for x in line.split()[1:])
    if errors or not requests:
        sys.exit(f"{path}: {int(errors)} errors or non-2xx answers under load\n{out.stdout}")
    return requests / duration, p50, p95, p99


def pages(users: dict) -> list[Page]:
    """The key pages, with ids and deep page numbers read from the loaded demo."""
    from django.conf import settings

    from needs.models import Need
    from partners.models import Partner
    from projects.models import Project, Status

    def deep(count: int) -> int:
        return max(1, int(count / settings.PAGE_SIZE * 0.8))

    guoao = users["secretary"].role_assignments.get().community
    running = Project.objects.get(community=guoao, title="邻居节")
    draft = Project.objects.filter(community=guoao, status=Status.DRAFT).first()
    public = Project.objects.published().filter(community=guoao).first()
    # The demo's project of 国奥社区 in three review rounds (demo/plans.py).
    rounds = Project.objects.filter(community=guoao, rounds__number=3).first()
    # Steps 5–6: 悦海社区's 百家宴 and its next session taking sign-ups; a 国奥社区 compound.
    feast = Project.objects.get(community__name="悦海社区", title="百家宴")
    feast_next = feast.activities.filter(signup_capacity__isnull=False).order_by("-date").first()
    guoao_compound = guoao.compounds.order_by("id").first()
    from reports.models import HalfYearReport

    half_year_report = (
        HalfYearReport.objects.filter(street_id=guoao.street_id).order_by("-year", "-half").first()
    )
    from library.models import LibraryEntry

    entry = LibraryEntry.objects.order_by("id").first()
    from scoring.models import Round

    review_round = Round.objects.get(kind="review")
    from surveys.models import Survey

    street_survey = Survey.objects.get(level="street")
    guoao_survey = Survey.objects.get(community=guoao, title="邻居节活动意见征集")
    from publications.models import Kind, Publication
    from publications.public_views import PLACE_COOKIE

    published = Publication.objects.filter(status="published")
    summary = published.filter(kind=Kind.SUMMARY, street_id=guoao.street_id).latest("month")
    digest = published.filter(kind=Kind.DIGEST).latest("month")
    n_projects, n_needs = Project.objects.count(), Need.objects.count()
    n_partners = Partner.objects.count()
    guoao_partners = Partner.objects.filter(community=guoao).count()
    result = [
        Page("healthz", "/healthz", None, "baseline"),
        *(
            Page(f"dashboard {who}", "/", who, "dashboard")
            for who in ("secretary", "street", "district", "auditor", "partner", "resident")
        ),
        Page("submitted list (street)", f"/projects/?status={Status.SUBMITTED}", "street", "list"),
        Page("review queue (street)", "/projects/reviews/", "street", "list"),
        Page("review queue overdue (district)", "/projects/reviews/?overdue=1", "district", "list"),
        Page("project page, three rounds", rounds.get_absolute_url(), "street", "detail"),
        Page("review round 3 with diff", f"/projects/{rounds.pk}/rounds/3/", "street", "detail"),
        Page("督办 list (district)", "/projects/supervisions/", "district", "list"),
        Page("filings (district)", "/projects/filings/", "district", "list"),
        Page("pipeline (street)", "/projects/pipeline/", "street", "list"),
        Page("overview (district)", "/projects/overview/", "district", "list"),
        Page("project page, running", running.get_absolute_url(), "secretary", "detail"),
        Page("project page, draft", draft.get_absolute_url(), "secretary", "detail"),
        Page("public front page /p/", "/p/", None, "list"),
        Page("public project page", f"/p/announcements/{public.pk}/", None, "public"),
        # Steps 5–6 for residents: the month's calendar of a community and of the district.
        Page(
            "public calendar (community)",
            f"/p/calendar/?community={public.community_id}",
            None,
            "public",
        ),
        Page("public calendar (district)", "/p/calendar/", None, "public"),
        Page("public 百家宴 page (sign-up)", f"/p/announcements/{feast.pk}/", None, "public"),
        Page(
            "sign-up list (secretary2)", f"/signups/sessions/{feast_next.pk}/", "secretary2", "list"
        ),
        Page("session list, 邻居节", f"/projects/{running.pk}/sessions/", "secretary", "list"),
        Page("objections queue (street)", "/projects/objections/", "street", "list"),
        Page("public compound page", f"/p/compounds/{guoao_compound.pk}/", None, "public"),
        Page(
            "compound page (secretary)",
            f"/scenes/compounds/{guoao_compound.pk}/",
            "secretary",
            "detail",
        ),
        # The street's work (streetwork/): 研判 list and summary, field visits.
        Page("assessments list (district)", "/streetwork/assessments/", "district", "list"),
        Page(
            "assessment summary (district)", "/streetwork/assessments/summary/", "district", "list"
        ),
        Page("field visits list (street)", "/streetwork/visits/", "street", "list"),
        # 半年述职 (reports/): every street side by side, and the home street's report.
        Page(
            "half-year reports side by side (district)",
            "/evaluation/reports/compare/",
            "district",
            "list",
        ),
        Page("half-year report (street)", half_year_report.get_absolute_url(), "street", "detail"),
        # The 百社百景库 (library/): the tree and a library project, staff and public.
        Page("library tree (secretary)", "/library/", "secretary", "list"),
        Page("library project (secretary)", f"/library/entries/{entry.pk}/", "secretary", "detail"),
        Page("public library tree", "/p/library/", None, "public"),
        Page("public library project", f"/p/library/{entry.pk}/", None, "public"),
        # Residents' grades (evaluation/): a project's result and comments, the evaluation home,
        # the residents' code page.
        Page(
            "project grades (secretary2)",
            f"/evaluation/projects/{feast.pk}/grades/",
            "secretary2",
            "detail",
        ),
        Page("evaluation home (district)", "/evaluation/", "district", "list"),
        Page("public grading code page", "/p/grade/", None, "public"),
        # Household code slips, the household picker (a search over the communities in scope)
        # and a session's QR poster.
        Page("code slip batches (secretary)", "/evaluation/slips/", "secretary", "list"),
        Page(
            "household picker search (district)",
            "/accounts/households/?pick_q=3号楼 1单元",
            "district",
            "list",
        ),
        Page(
            "session poster (secretary2)",
            f"/evaluation/sessions/{feast_next.pk}/poster/",
            "secretary2",
            "detail",
        ),
        # Judges' scores (scoring/): the ranking board's refresh (the fragment htmx polls every
        # few seconds while judges score), the judge's round page and a published competition.
        Page(
            "ranking board fragment (district)",
            f"/evaluation/rounds/{review_round.pk}/ranking/?board=1",
            "district",
            "detail",
        ),
        Page("round page, judging (expert)", review_round.get_absolute_url(), "expert", "detail"),
        Page(
            "round page, managing (district)", review_round.get_absolute_url(), "district", "detail"
        ),
        Page(
            "judge search (district)",
            f"/evaluation/rounds/{review_round.pk}/judges/search/?q=专家",
            "district",
            "list",
        ),
        Page("public competitions", "/p/competitions/", None, "public"),
        # Questionnaires (surveys/): a street template's roll-up, a community's copy, the list.
        Page(
            "survey results, street template (street)",
            f"/needs/surveys/{street_survey.pk}/results/",
            "street",
            "detail",
        ),
        Page(
            "survey results, 邻居节 (secretary)",
            f"/needs/surveys/{guoao_survey.pk}/results/",
            "secretary",
            "detail",
        ),
        Page("survey list (district)", "/needs/surveys/", "district", "list"),
        # Step 1's suggestions inbox (outreach/): the district's, and a community's new ones.
        Page("suggestions inbox (district)", "/needs/suggestions/", "district", "list"),
        Page(
            "suggestions inbox, new (secretary)",
            "/needs/suggestions/?status=new",
            "secretary",
            "list",
        ),
    ]
    lists = [
        ("projects", "/projects/", "/bench-admin/projects/project/", n_projects, "q=邻居节"),
        ("needs", "/needs/", "/bench-admin/needs/need/", n_needs, "category=environment"),
        (
            "partners",
            "/partners/",
            "/bench-admin/partners/partner/",
            n_partners,
            "category=merchant",
        ),
    ]
    for name, path, admin, count, query in lists:
        result += [
            Page(f"{name} list (district)", path, "district", "list", admin),
            Page(
                f"{name} list p.{deep(count)} (district)",
                f"{path}?page={deep(count)}",
                "district",
                "list",
                # The admin shows 100 rows a page, numbered from 0: the page holding the same rows.
                f"{admin}?p={(deep(count) - 1) * settings.PAGE_SIZE // 100}",
            ),
            Page(f"{name} list filtered (district)", f"{path}?{query}", "district", "list"),
            Page(f"{name} list (secretary)", path, "secretary", "list"),
        ]
    # The needs list (issue 12): every filter at once, grouped by category, the street's with its
    # per-community breakdown, and the charts fragment.
    result += [
        Page(
            "needs list, all filters (district)",
            "/needs/?category=environment&source=home_visit&status=studying&period=year&q=楼",
            "district",
            "list",
        ),
        Page("needs list, grouped (district)", "/needs/?group=on", "district", "list"),
        Page("needs list (street)", "/needs/", "street", "list"),
        Page("needs charts (district)", "/needs/charts/", "district", "detail"),
    ]
    result.append(
        Page(
            f"partners list p.{deep(guoao_partners)} (secretary)",
            f"/partners/?page={deep(guoao_partners)}",
            "secretary",
            "list",
        )
    )
    # Step 2 in depth (issue 13): the coverage view at each level, the practical tasks' public
    # notice, the public recruitment call with its application form, the queue, the lists.
    from partners.models import RecruitmentCall

    call = RecruitmentCall.objects.get(community=guoao, status="open")
    result += [
        Page(
            "partners list, duty + status (district)",
            "/partners/?duty=standby&status=active",
            "district",
            "list",
        ),
        Page("coverage (district)", "/partners/coverage/", "district", "list"),
        Page("coverage (street)", "/partners/coverage/", "street", "list"),
        Page("coverage (secretary)", "/partners/coverage/", "secretary", "list"),
        Page("task notice /p/tasks/", "/p/tasks/", None, "public"),
        Page("task notice, street", f"/p/tasks/?street={guoao.street_id}", None, "public"),
        Page("tasks (district)", "/partners/tasks/", "district", "list"),
        Page("tasks (partner)", "/partners/tasks/", "partner", "list"),
        Page(
            "public call + application form", f"/p/partners/calls/{call.pk}/apply/", None, "public"
        ),
        Page("public calls /p/partners/", "/p/partners/", None, "public"),
        Page("applications queue (secretary)", "/partners/applications/", "secretary", "list"),
        Page("excellent partners (public)", "/p/partners/excellent/", None, "public"),
        Page("partner's own page", "/partners/me/", "partner", "detail"),
        # The monthly rhythm (issue 14): the residents' archive and one summary, /p/ for a
        # resident who chose 国奥社区, the street's and the district's lists, the digest.
        Page("publications archive (public)", "/p/publications/", None, "public"),
        Page(
            "publications archive, street",
            f"/p/publications/?street={guoao.street_id}",
            None,
            "public",
        ),
        Page("public summary page", summary.get_public_url(), None, "public"),
        Page(
            "public front page /p/, chosen community",
            "/p/",
            None,
            "public",
            cookie=f"{PLACE_COOKIE}={guoao.pk}",
        ),
        Page("publications (street)", "/publications/manage/", "street", "list"),
        Page("publications (district)", "/publications/manage/", "district", "list"),
        Page("红色专递 (district)", digest.get_absolute_url(), "district", "detail"),
        Page("deliveries (district)", "/publications/deliveries/", "district", "list"),
    ]
    result += round_table_pages(guoao)
    result += training_pages()
    result += figures_pages(guoao)
    return [p for p in result if p.kind == "baseline" or ONLY.search(p.name)]


def figures_pages(guoao) -> list[Page]:
    """Issue 17: each role's 数据看板 and the residents' 幸福账单 (their figures from the
    five-minute store, as every reader after the first within five minutes meets them; the
    scale test measures computing them), and the fill-once monthly report a street downloads."""
    from django.utils import timezone

    year = timezone.localdate().year
    month = f"{timezone.localdate():%Y-%m}"
    return [
        Page("数据看板 (district)", "/figures/", "district", "dashboard"),
        Page("数据看板 (street)", "/figures/", "street", "dashboard"),
        Page("数据看板 (secretary)", "/figures/", "secretary", "dashboard"),
        Page("幸福账单 (public)", f"/p/bills/{guoao.pk}/{year}/", None, "public"),
        Page(
            "月度工作进展表 (street, Excel)",
            f"/figures/reports/monthly.xlsx?month={month}",
            "street",
            "detail",
        ),
    ]


def round_table_pages(guoao) -> list[Page]:
    """The round table (issue 15), and the evening of the 17th: every community meets at once
    and every phone on an open thread polls it every 5 s. The bench moves 国奥社区's next
    meeting to today and gives one of its topics a thread of 40 posts (its own database), then
    polls it as a phone does: nothing new (204, most polls), and three posts new."""
    from django.utils import timezone

    from roundtable.models import Meeting, MeetingStatus, Participant, Post, Topic

    meetings = Meeting.objects.filter(community=guoao).exclude(topics=None)
    held = meetings.filter(status=MeetingStatus.CLOSED).order_by("-date").first()
    live = meetings.filter(status=MeetingStatus.SCHEDULED).order_by("date").first()
    Meeting.objects.filter(pk=live.pk).update(date=timezone.localdate())
    topic = live.topics.filter(moderation="published").order_by("id").first()
    voices = list(
        Participant.objects.filter(community=guoao, status="verified", kind="resident")[:10]
    )
    Post.objects.bulk_create(
        Post(
            topic=topic,
            participant=voice,
            author_id=voice.user_id,
            body=f"第{n + 1}条发言:同意,建议先在楼栋群里征求一下大家的意见。",
        )
        for n, voice in enumerate(voices * 4)
    )
    Topic.objects.filter(pk=topic.pk).update(posts_count=len(voices) * 4)
    newest = list(Post.objects.filter(topic=topic).order_by("-id").values_list("id", flat=True)[:4])
    poll = f"/p/roundtable/topics/{topic.pk}/posts/?every=5&after="
    return [
        Page("round tables (secretary)", "/roundtable/", "secretary", "list"),
        Page("round tables (district)", "/roundtable/", "district", "list"),
        Page("round-table meeting (secretary)", f"/roundtable/{held.pk}/", "secretary", "detail"),
        Page("round-table resolutions (district)", "/roundtable/resolutions/", "district", "list"),
        Page("round-table meeting (public, on the day)", live.get_public_url(), None, "public"),
        Page("round-table thread (public, on the day)", topic.get_public_url(), None, "public"),
        Page("thread poll, nothing new", f"{poll}{newest[0]}", None, "public", expect=204),
        Page("thread poll, 3 new posts", f"{poll}{newest[3]}", None, "public"),
    ]


def training_pages() -> list[Page]:
    """头雁工程 (issue 16): the attendance report over a year of classes, a class page, the
    secretary's own training page and a consultation thread."""
    from training.models import Consultation, Session

    held_class = (
        Session.objects.filter(kind="class", status="held", attendances__user__username="secretary")
        .order_by("starts_at")
        .first()
    )
    thread = Consultation.objects.filter(asker__username="secretary").earliest("created_at")
    return [
        Page("attendance report (district)", "/training/attendance/", "district", "list"),
        Page("class page (district)", held_class.get_absolute_url(), "district", "detail"),
        Page("my training (secretary)", "/training/", "secretary", "detail"),
        Page("consultation thread (secretary)", thread.get_absolute_url(), "secretary", "detail"),
    ]


def count_queries(page: Page, users: dict) -> None:
    """Queries and size of one request, counted in-process against the same database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if page.cookie:
        name, _, value = page.cookie.partition("=")
        client.cookies[name] = value
    if page.user:
        client.force_login(users[page.user])
        client.get(page.path)  # the session's first write happens once, not per request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(urllib.parse.quote(page.path, safe="/?=&"))
    if response.status_code != page.expect:
        sys.exit(f"{page.name}: {page.path} answers {response.status_code}")
    # A download (the Excel reports) streams its body.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    page.queries, page.size = len(captured.captured_queries), len(body)


GRADES = int(os.environ.get("BENCH_GRADES", "400"))
GRADERS = 8


def _grade_pairs(count: int) -> list[tuple[int, str]]:
    """(project id, household code) of households that have not graded that project yet, of
    the project's own community, spread over the gradeable projects."""
    from accounts.models import Household
    from evaluation.models import Grade
    from evaluation.services import GRADEABLE_STATUSES
    from projects.models import Project

    pairs = []
    for project in Project.objects.alive().filter(status__in=GRADEABLE_STATUSES).order_by("id"):
        graded = Grade.objects.filter(project=project).exclude(household=None)
        homes = (
            Household.objects.filter(building__compound__community_id=project.community_id)
            .exclude(pk__in=graded.values("household_id"))
            .values_list("code", flat=True)
            .order_by("id")[: count - len(pairs)]
        )
        pairs += [(project.pk, code) for code in homes]
        if len(pairs) >= count:
            break
    return pairs


def _grade_form(project_id: int, code: str, session_id: int) -> tuple:
    """A resident opens /p/grade/ and types the code: (their browser, the grade post's data).
    A household that graded every project on its page has no form left there: its one-time
    token then comes from a session's on-site page (tokens are not tied to a form)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    page = opener.open(f"{BASE}/p/grade/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"household_code": code, "csrfmiddlewaretoken": csrf})
    page = opener.open(f"{BASE}/p/grade/", data.encode()).read().decode()
    if 'name="once"' not in page:
        page = opener.open(f"{BASE}/p/grade/sessions/{session_id}/").read().decode()
    once = re.search(r'name="once" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"once": once, "verdict": "satisfied", "comment": "", "csrfmiddlewaretoken": csrf}
    )
    return opener, f"{BASE}/p/grade/projects/{project_id}/", data.encode()


def _grade_post(form: tuple) -> int:
    """The grade's POST; its status (302: saved, 422: refused)."""
    opener, url, data = form
    try:
        return opener.open(url, data).status
    except urllib.error.HTTPError as answer:
        return answer.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def grade_submission() -> str:
    """BENCH_GRADES residents grade through the public online form, GRADERS at a time (each
    opened the page and typed the code first; the grade posts are timed), then the same
    households again: the first round must all be saved, the second all refused, and the
    database must hold exactly the saved ones (none lost, none doubled)."""
    from concurrent.futures import ThreadPoolExecutor

    from evaluation.models import Grade
    from projects.models import Activity, Project, SessionStatus

    pairs = _grade_pairs(GRADES)
    # A held session: its on-site page has a form (a session still to come or cancelled has none).
    session_id = (
        Activity.objects.filter(project__in=Project.objects.published(), status=SessionStatus.HELD)
        .values_list("id")
        .first()
    )[0]
    before = Grade.objects.count()
    with ThreadPoolExecutor(GRADERS) as pool:
        forms = list(pool.map(lambda pair: _grade_form(*pair, session_id), pairs))
        started = time.monotonic()
        first = list(pool.map(_grade_post, forms))
        seconds = time.monotonic() - started
        again = list(pool.map(_grade_post, pool.map(lambda p: _grade_form(*p, session_id), pairs)))
    saved = first.count(302)
    written = Grade.objects.count() - before
    rate = len(pairs) / seconds
    ok = saved == len(pairs) == written and again.count(422) == len(pairs) and rate >= 100
    return (
        f"grade submission: {len(pairs)} residents' online grade posts ({GRADERS} at a time, "
        f"after the code) in {seconds:.1f} s = {rate:.0f} grades/s; "
        f"saved {saved}, written {written}, the same households again refused "
        f"{again.count(422)}/{len(pairs)} — target ≥ 100 grades/s, none lost or doubled: "
        f"{'ok' if ok else 'MISSES'}"
    )


ANSWERS = int(os.environ.get("BENCH_ANSWERS", "400"))


def _answer_page(opener, code: str) -> tuple[str, str]:
    """(csrf token, one-time token) of the questionnaire's page opened in this browser."""
    page = opener.open(f"{BASE}/p/q/{code}/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    once = re.search(r'name="once" value="([^"]+)"', page).group(1)
    return csrf, once


def _answer_form(code: str, data: dict) -> tuple:
    """A resident's phone opens the questionnaire's short link (the device cookie comes with
    it): (their browser, the answer post's address, its data, the page's csrf token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    csrf, once = _answer_page(opener, code)
    body = urllib.parse.urlencode({**data, "once": once, "csrfmiddlewaretoken": csrf}, doseq=True)
    return opener, f"{BASE}/p/q/{code}/", body.encode(), csrf


def _again(form: tuple, code: str, data: dict) -> tuple:
    """The same phone posts once more with a fresh one-time token (its own page has no form
    any more: the token comes from a stranger's page; tokens are not tied to a phone)."""
    opener, url, _, csrf = form
    stranger = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    once = _answer_page(stranger, code)[1]
    body = urllib.parse.urlencode({**data, "once": once, "csrfmiddlewaretoken": csrf}, doseq=True)
    return opener, url, body.encode()


def survey_submission() -> str:
    """BENCH_ANSWERS residents answer an open questionnaire on their phones, GRADERS at a time
    (each opened the page first; the answer posts are timed), then each phone once more: the
    first round must all be saved, the second all refused (one answer per device, 409), and
    the database must hold exactly the saved ones (none lost, none doubled)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.utils import timezone

    from surveys.models import Question, Response, Survey

    today = timezone.localdate()
    survey = (
        Survey.objects.filter(
            level="community",
            status="open",
            allow_repeat=False,
            starts_on__lte=today,
            ends_on__gte=today,
            deleted_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    values = {"single": "0", "multiple": ["0", "1"], "rating": "4", "text": "希望多办活动"}
    questions = Question.objects.filter(survey_id=survey.question_source_id)
    data = {f"q{n}": values[q.kind] for n, q in enumerate(questions, start=1)}
    before = Response.objects.filter(survey=survey).count()
    with ThreadPoolExecutor(GRADERS) as pool:
        forms = list(pool.map(lambda _: _answer_form(survey.short_code, data), range(ANSWERS)))
        started = time.monotonic()
        first = list(pool.map(lambda form: _grade_post(form[:3]), forms))
        seconds = time.monotonic() - started
        again = list(pool.map(lambda f: _grade_post(_again(f, survey.short_code, data)), forms))
    saved = first.count(200)
    written = Response.objects.filter(survey=survey).count() - before
    rate = ANSWERS / seconds
    ok = saved == ANSWERS == written and again.count(409) == ANSWERS and rate >= 100
    return (
        f"survey submission: {ANSWERS} residents' answers to “{survey.title}” ({GRADERS} at a "
        f"time, after opening the page) in {seconds:.1f} s = {rate:.0f} answers/s; saved "
        f"{saved}, written {written}, the same phones again refused {again.count(409)}/{ANSWERS}"
        f" — target ≥ 100 answers/s, none lost or doubled: {'ok' if ok else 'MISSES'}"
    )


def _apply_form(call_id: int, data: dict) -> tuple:
    """A person's phone opens the recruitment call's application form (the device cookie comes
    with it): (their browser, the post's address, its data, the page's csrf token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    url = f"{BASE}/p/partners/calls/{call_id}/apply/"
    page = opener.open(url).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    once = re.search(r'name="once" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({**data, "once": once, "csrfmiddlewaretoken": csrf}, doseq=True)
    return opener, url, body.encode(), csrf


def application_submission() -> str:
    """BENCH_ANSWERS people apply to a community's recruitment call on their phones, GRADERS at a
    time (each opened the form first; the posts are timed), then each once more with the same
    phone: the first round must all be saved, the second recognised (the same applications,
    `times` 2) — none lost, none doubled."""
    from concurrent.futures import ThreadPoolExecutor

    from partners.models import Application, Duty, RecruitmentCall

    call = RecruitmentCall.objects.filter(status="open").order_by("-pk").first()
    duty = Duty.objects.get(code="service")

    def data(n: int) -> dict:
        return {
            "kind": "person",
            "name": f"报名人{n}",
            "phone": f"1990{n:07d}",
            "category": "volunteer",
            "duties": [str(duty.pk)],
            "availability": ["weekend"],
            "skills": "志愿服务",
            "consent": "on",
        }

    before = Application.objects.filter(call=call).count()
    with ThreadPoolExecutor(GRADERS) as pool:
        forms = list(pool.map(lambda n: _apply_form(call.pk, data(n)), range(ANSWERS)))
        started = time.monotonic()
        first = list(pool.map(lambda form: _grade_post(form[:3]), forms))
        seconds = time.monotonic() - started
        again = list(
            pool.map(lambda n: _grade_post(_apply_form(call.pk, data(n))[:3]), range(ANSWERS))
        )
    written = Application.objects.filter(call=call).count() - before
    twice = Application.objects.filter(call=call, times=2).count()
    rate = ANSWERS / seconds
    ok = first.count(302) == ANSWERS == written == twice and again.count(302) == ANSWERS
    return (
        f"application submission: {ANSWERS} people apply to “{call.title}” ({GRADERS} at a time, "
        f"after opening the form) in {seconds:.1f} s = {rate:.0f} applications/s; saved "
        f"{first.count(302)}, written {written}; the same phones again: {again.count(302)} "
        f"accepted, recognised as repeats {twice} — none lost or doubled: {'ok' if ok else 'MISSES'}"
    )


def measure(binary: str, page_list: list[Page], cookies: dict) -> None:
    for page in page_list:
        if page.kind == "baseline":
            continue
        cookie = "; ".join(filter(None, (cookies.get(page.user, ""), page.cookie)))
        path = urllib.parse.quote(page.path, safe="/?=&")
        for connections in (4, 16):
            runs = []
            for _ in range(REPEAT):
                healthz = wrk(binary, "/healthz", "", connections, max(SECONDS // 2, 1))[0]
                runs.append((*wrk(binary, path, cookie, connections, SECONDS), healthz))
            page.runs[connections] = runs
        if page.admin:
            for _ in range(REPEAT):
                admin_path = urllib.parse.quote(page.admin, safe="/?=&")
                page.admin_runs.append(wrk(binary, admin_path, cookie, 4, SECONDS)[0])
        print(f"    {page.name}: {summary(page)}", flush=True)


TARGETS = {"list": 0.10, "dashboard": 0.10, "detail": 0.25, "public": 0.25}


def median(values):
    return statistics.median(values) if values else 0.0


def summary(page: Page) -> str:
    four, sixteen = page.runs[4], page.runs[16]
    rps4 = median([r[0] for r in four])
    ratio = median([r[0] / r[4] for r in four])
    p50, p95, p99 = (median([r[i] for r in four]) for i in (1, 2, 3))
    rps16 = median([r[0] for r in sixteen])
    ratio16 = median([r[0] / r[4] for r in sixteen])
    admin = f"{rps4 / median(page.admin_runs):.1f}×" if page.admin_runs else "—"
    target = TARGETS[page.kind]
    ok = (
        ratio >= target
        and p95 < 100
        and (not page.admin_runs or rps4 >= 5 * median(page.admin_runs))
    )
    return (
        f"| {page.name} | {rps4:.0f} | {ratio:.3f}× | {rps16:.0f} | {ratio16:.3f}× | "
        f"{p50:.1f} / {p95:.1f} / {p99:.1f} | {page.queries} | {page.size / 1024:.0f} KB | "
        f"{admin} | ≥ {target:.2f}× | {'ok' if ok else 'MISSES'} |"
    )


def report(page_list: list[Page], seed_seconds: float) -> str:
    import platform

    lines = [
        f"make bench — {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} cores, "
        f"{platform.python_version()}, seed_demo --scale {SCALE} ({seed_seconds:.0f} s), "
        f"gunicorn {os.environ.get('WEB_CONCURRENCY', 2 * os.cpu_count() + 1)} workers, wrk {SECONDS:g} s × "
        f"{REPEAT} (median); BENCH=1: HTTPS redirect and Secure cookies off",
        "",
        "| page | req/s @4 | ÷ healthz @4 | req/s @16 | ÷ healthz @16 | p50 / p95 / p99 ms @4 "
        "| queries | size | ÷ admin | target | |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [summary(p) for p in page_list if p.kind != "baseline"]
    return "\n".join(lines)


def main() -> None:
    binary = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="baiseshejing-bench."))
    env = environment(work)
    os.environ.update(env)
    server = None
    try:
        say(f"fresh database {DB}, Redis {REDIS}")
        recreate_database()
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        say(f"seed_demo --scale {SCALE}")
        started = time.monotonic()
        manage(env, "seed_demo", "--scale", SCALE, "--force")
        seed_seconds = time.monotonic() - started
        say(f"gunicorn on {BASE} (DEBUG=False, BENCH=1)")
        server = start_gunicorn(env, work / "gunicorn.log")

        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from accounts.models import User

        names = [
            "secretary",
            "secretary2",
            "street",
            "expert",
            "district",
            "auditor",
            "partner",
            "resident",
        ]
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        cookies = {name: log_in(name) for name in names}
        page_list = pages(users)
        for page in page_list:
            count_queries(page, users)
        say(f"wrk on {len(page_list) - 1} pages, each right after /healthz")
        measure(binary, page_list, cookies)
        table = report(page_list, seed_seconds)
        if ONLY.search("grade submission"):
            say("grade submission through the public online form")
            table += "\n\n" + grade_submission()
        if ONLY.search("application submission"):
            say("application submission through the public recruitment form")
            table += "\n\n" + application_submission()
        if ONLY.search("survey submission"):
            say("survey submission through the public answer form")
            table += "\n\n" + survey_submission()
        print("\n" + table)
        out = ROOT / "artifacts" / "bench.md"
        out.parent.mkdir(exist_ok=True)
        out.write_text(table + "\n")
        say(f"written to {out.relative_to(ROOT)}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(20)
        if os.environ.get("BENCH_KEEP") != "1":
            drop_database()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
