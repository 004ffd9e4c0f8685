"""Fixtures of the cross-app tests."""

import pytest
from django.db import transaction
from django.test import override_settings

import conftest
from tests.url_matrix import World


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once inside a transaction that is rolled back after the module. Each test runs in a
    savepoint within it (pytest-django's `db`), rolled back after the test: every case starts from
    the same rows, and a successful POST (or a logout) changes nothing for the next one."""
    media_root = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        org = conftest.org.__wrapped__(None)
        with override_settings(MEDIA_ROOT=media_root):
            world = World(org, conftest.people.__wrapped__(org))
        world.media_root = media_root
        yield world
        transaction.set_rollback(True)
