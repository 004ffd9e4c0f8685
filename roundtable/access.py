"""Small reads every area of the round table shares: who a person is in a community's round table,
and whether a text must wait for a moderator."""

import unicodedata

from django.core.cache import cache

from .models import CommunitySettings, Participant, ParticipantStatus, SensitiveWord

WORDS_KEY = "roundtable:words:{district_id}"
WORDS_TIMEOUT = 3600
# The districts whose list this process cached (tests forget them all between tests: a
# rolled-back test's district id comes back with other words).
_cached_districts: set[int] = set()


def participant_of(user, community_id: int) -> Participant | None:
    """The user's row in this community's round table (any status), or None. Kept on the user
    object for the rest of the request."""
    if not user.is_authenticated:
        return None
    known = getattr(user, "_roundtable_participants", None)
    if known is None:
        known = user._roundtable_participants = {}
    if community_id not in known:
        known[community_id] = (
            Participant.objects.filter(user_id=user.pk, community_id=community_id)
            .exclude(status=ParticipantStatus.LEFT)
            .select_related("building")
            .first()
        )
    return known[community_id]


def settings_of(community) -> CommunitySettings:
    """The community's round-table settings (defaults until someone saves them)."""
    found = CommunitySettings.objects.filter(community_id=community.pk).first()
    return found or CommunitySettings(community=community)


def sensitive_words(district_id: int) -> tuple[str, ...]:
    """The district's list, cached (changing the list forgets it: `forget_words`)."""
    key = WORDS_KEY.format(district_id=district_id)
    words = cache.get(key)
    if words is None:
        words = tuple(
            SensitiveWord.objects.filter(district_id=district_id)
            .order_by("word")
            .values_list("word", flat=True)
        )
        cache.set(key, words, WORDS_TIMEOUT)
        _cached_districts.add(district_id)
    return words


def forget_words(district_id: int) -> None:
    cache.delete(WORDS_KEY.format(district_id=district_id))


def forget_all_words() -> None:
    """Every list this process cached (the tests' clean slate)."""
    cache.delete_many([WORDS_KEY.format(district_id=d) for d in _cached_districts])
    _cached_districts.clear()


def bare_text(text: str) -> str:
    """A text as sensitive words are looked for in it: folded (full-width letters, case) and
    reduced to its letters and digits, so spaces, punctuation, symbols and invisible characters
    put between the characters of a word do not hide it (乱 收·费, 乱\u200b收费, ＡＢＣ)."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


def held_reason(*, district_id: int, review_first: bool, texts) -> str:
    """Why a topic or post must wait for a moderator ("" when it may be published now): the
    district's sensitive words it contains (spaces, punctuation and symbols between the
    characters do not hide one: `bare_text`), or the community's 先审后发."""
    # Texts are joined by a character no word holds, so the end of a title and the start of a
    # body never make up a word together.
    joined = "\x00".join(bare_text(t) for t in texts)
    found = []
    for word in sensitive_words(district_id):
        bare = bare_text(word)
        # A word of punctuation alone (the words page refuses one) would match every text.
        if bare and bare in joined:
            found.append(word)
    if found:
        return "含敏感词:" + "、".join(found[:5])
    if review_first:
        return "本社区圆桌会先审后发"
    return ""


# Partner categories that take part in the round table as organisations (seed: 物业, 业委会).
ORGANISATION_KINDS = {"property": "property", "owners_committee": "owners_committee"}


def _organisation_partner(user, community_id: int):
    """The user's active partner record of category 物业 or 业委会 in this community, or None."""
    from partners.models import Partner

    if not user.is_authenticated:
        return None
    return (
        Partner.objects.alive()
        .active()
        .filter(
            user_id=user.pk,
            community_id=community_id,
            category__code__in=list(ORGANISATION_KINDS),
        )
        .select_related("category")
        .first()
    )


def may_post(user, community_id: int) -> bool:
    """Whether the user may post topics, supports and messages at this community's round table
    as a participant: a verified resident who has not withdrawn consent, or the property company
    or owners' committee through its partner account. Staff post through the staff pages."""
    participant = participant_of(user, community_id)
    if participant is not None:
        return participant.can_post
    return _organisation_partner(user, community_id) is not None


def poster_for(user, community) -> Participant | None:
    """The Participant a post is written as (call it inside the posting transaction): the
    user's own row, made on first use for a 物业 / 业委会 partner account (verified: the
    community approved the partner). None when the user may not post."""
    participant = participant_of(user, community.pk)
    if participant is not None:
        return participant if participant.can_post else None
    partner = _organisation_partner(user, community.pk)
    if partner is None:
        return None
    from django.utils import timezone

    participant, _ = Participant.objects.get_or_create(
        community_id=community.pk,
        user_id=user.pk,
        defaults={
            "kind": ORGANISATION_KINDS[partner.category.code],
            "name": partner.name,
            "partner": partner,
            "status": ParticipantStatus.VERIFIED,
            "status_reason": "经审核的幸福家园合伙人",
            "decided_at": timezone.now(),
        },
    )
    user._roundtable_participants[community.pk] = participant
    return participant
