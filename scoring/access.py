"""What a judge's assignments open to them, cheaply.

Being a judge is not a role: it is a row of `Judge`. Every page a logged-in person opens asks
`Project.objects.visible_to(user)`, which asks `READ_GRANTS` (registered in apps.py) for the
projects of the rounds the person judges that are open today. So the answer must cost nothing for
the many who never judged: one cached set of every judge's user id, read from the cache (one
query per TIMEOUT for the whole site, not per person; see judge_ids for transactions). Judges then pay one small query per
request at most (core/memo.py's per-user cache). Whoever changes assignments, a round's status
or its projects forgets both (`forget_judges`, and signals for rows written directly).
"""

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import DISTRICT_BUSINESS, STREET_EXPERTS
from core import memo

# Who may judge: district staff and the streets' experts (a person, assigned; not a role).
JUDGE_ROLES = (*DISTRICT_BUSINESS, *STREET_EXPERTS)

JUDGES_KEY = "scoring:judge_ids"
MEMO_KIND = "judging"


def judge_ids() -> frozenset:
    """The ids of everybody ever assigned to judge a round; every change deletes it now and
    again on commit.

    Read outside a transaction, it is cached (requests are not atomic). Read inside one, it is
    cached only when empty: a set read there may hold rows that are then rolled back, and ids of
    people who are not judges (a database may give their ids to others) would cost those people
    a query; an empty set can only miss a judge whose assignment deletes it anyway."""
    ids = cache.get(JUDGES_KEY)
    if ids is None:
        from .models import Judge

        ids = frozenset(Judge.objects.order_by().values_list("user_id", flat=True).distinct())
        if not ids or not connection.in_atomic_block:
            cache.set(JUDGES_KEY, ids, memo.TIMEOUT)
    return ids


def may_judge(user) -> bool:
    """Assigned to some round, ever (no query for most requests; kept on the request's user).
    Only district staff and experts are ever assigned: nobody else even reads the cached set."""
    known = getattr(user, "_may_judge", None)
    if known is None:
        known = bool(
            user.is_authenticated and user.scope.has(*JUDGE_ROLES) and user.pk in judge_ids()
        )
        user._may_judge = known
    return known


def _assignments(user) -> tuple:
    """(round id, status, opens_on, closes_on, project id or None) per project of each round the
    user judges: one query, cached per user (and kept on the request's user)."""

    def compute():
        from .models import Judge

        return tuple(
            Judge.objects.filter(user_id=user.pk).values_list(
                "round_id",
                "round__status",
                "round__opens_on",
                "round__closes_on",
                "round__entries__project_id",
            )
        )

    known = getattr(user, "_judging", None)
    if known is None:
        known = user._judging = memo.remembered(MEMO_KIND, user.pk, compute)
    return known


def judge_round_ids(user) -> frozenset:
    """The rounds this person is assigned to judge (any status)."""
    if not may_judge(user):
        return frozenset()
    return frozenset(row[0] for row in _assignments(user))


def judged_project_ids(user) -> frozenset:
    """READ_GRANTS' function: the projects of the rounds this person judges that are open today
    (read-only; the rules stay role × object, so nothing here lets them act on a project)."""
    if not may_judge(user):
        return frozenset()
    from .models import RoundStatus

    today = timezone.localdate()
    return frozenset(
        project_id
        for _, status, opens_on, closes_on, project_id in _assignments(user)
        if project_id is not None and status == RoundStatus.OPEN and opens_on <= today <= closes_on
    )


def forget_judge(user_id) -> None:
    """After a change to this person's assignments."""
    memo.forget(MEMO_KIND, user_id)
    cache.delete(JUDGES_KEY)
    _on_commit(lambda: cache.delete(JUDGES_KEY))


def forget_judges(round_id) -> None:
    """After a change to a round's status, dates or projects: its judges' grants change."""
    from .models import Judge

    for user_id in Judge.objects.filter(round_id=round_id).values_list("user_id", flat=True):
        memo.forget(MEMO_KIND, user_id)


def _on_commit(callback) -> None:
    transaction.on_commit(callback)


def own_street_ids(user) -> frozenset:
    """The streets a person is of, for the recusal rule (no judge scores a project of their own
    street): the streets of their street roles and the streets of the communities of their
    community roles (a secretary, worker, partner or resident of 国奥社区 is of its street).
    The rule (`rules.own_street`), the judge's list (`selectors.judge_entries`) and the home
    page's count (`dashboards.selectors.sheets_to_score`) all ask this one function.

    No query for someone without a community role; one otherwise, kept on the request's user
    (a role change is seen on the next request: User.scope is forgotten then)."""
    known = getattr(user, "_own_street_ids", None)
    if known is None:
        if not user.is_authenticated:
            return frozenset()
        from accounts.models import Community
        from accounts.roles import COMMUNITY_SCOPED, STREET_SCOPED

        scope = user.scope
        known = scope.street_ids(STREET_SCOPED)
        communities = scope.community_ids(COMMUNITY_SCOPED)
        if communities:
            known |= frozenset(
                Community.objects.filter(pk__in=communities)
                .order_by()
                .values_list("street_id", flat=True)
            )
        user._own_street_ids = known
    return known
