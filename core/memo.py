"""Small per-user facts every page needs (a person's roles, their unread count), kept in the cache
between requests so a logged-in page starts with one query (the user) instead of four.

Only computed values read outside a transaction are stored: a value read inside one might include
rows that are then rolled back. Whoever changes the facts calls `forget()`, which deletes the
entry now and again when the transaction commits.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction

# Every change forgets its entry at once; the timeout only bounds a change made behind the
# portal's back (a shell, raw SQL).
TIMEOUT = 300


def key(kind: str, user_id) -> str:
    return f"memo:{kind}:{user_id}"


def remembered(kind: str, user_id, compute: Callable[[], object]):
    """The cached value, or compute() (stored unless a transaction is open)."""
    name = key(kind, user_id)
    value = cache.get(name)
    if value is None:
        value = compute()
        if not connection.in_atomic_block:
            cache.set(name, value, TIMEOUT)
    return value


def drop(kind: str, user_id) -> None:
    """Delete the entry now."""
    cache.delete(key(kind, user_id))


def forget(kind: str, user_id) -> None:
    """Delete the entry now and again when the transaction commits (a value computed meanwhile,
    by another request, did not see this change)."""
    drop(kind, user_id)
    transaction.on_commit(lambda: drop(kind, user_id))
