"""publications/ public rows of the URL matrix: the residents' archive, a publication's page and
its PDF (publications/public_views.py). Open to everyone, logged in or not; only published
previews and summaries exist there: a draft and the district's 红色专递 are 404 for everybody,
staff included (staff read them under /publications/manage/). The objects are
publications/tests/world_public.py's; none is fetched through visible_to: SCOPED names them
only because every object a row opens is declared there (their 404s are "not published", which
tests/test_url_matrix.py does not audit on residents' pages).

FUZZ also carries the place chooser of /p/ (public:place, public/tests/url_matrix.py), built with
these pages: tests/test_fuzz_forms.py gathers FUZZ from here.
"""

from tests.url_matrix import everyone

MATRIX = {
    "publications_public:archive": {"GET": everyone(200)},
    "publications_public:archive@street": {"query": {"street": "@street"}, "GET": everyone(200)},
    "publications_public:archive@junk": {
        "query": {"street": "x²", "page": "-1"},
        "GET": everyone(200),
    },
    "publications_public:detail": {"kwargs": "pub_preview", "GET": everyone(200)},
    "publications_public:detail@summary": {"kwargs": "pub_summary", "GET": everyone(200)},
    "publications_public:detail@draft": {"kwargs": "pub_draft", "GET": everyone(404)},
    "publications_public:detail@digest": {"kwargs": "pub_digest", "GET": everyone(404)},
    "publications_public:pdf": {"kwargs": "pub_preview", "GET": everyone(200)},
    "publications_public:pdf@draft": {"kwargs": "pub_draft", "GET": everyone(404)},
    "publications_public:pdf@digest": {"kwargs": "pub_digest", "GET": everyone(404)},
    # /publications/ and /publications/<id>/ (DESIGN.md's addresses) lead everyone to /p/.
    "publications_public:entry": {"GET": everyone(302)},
    "publications_public:entry_detail": {"kwargs": "pub_preview", "GET": everyone(302)},
}

FUZZ = {
    "public:place": ("anon", {"community": "@community"}),
}
SCOPED = {"pub_preview", "pub_summary", "pub_draft", "pub_digest"}
