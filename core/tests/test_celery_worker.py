"""The reviewer's notification e-mail goes through a real Celery worker on Redis."""

import os
import time
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.core import mail

from baiseshejing.celery import app
from core.models import Notification
from projects import services
from projects.models import Status
from tests import factories as f

# Run by the same xdist worker as every other real-worker test (publications/tests/
# test_delivery_worker.py says why), on a queue of its own.
pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery_redis_worker"),
]


@pytest.fixture
def redis_worker():
    """A Celery app of its own on Redis (db 15), made current so shared tasks publish to it,
    with a worker thread using the test database."""
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/15"
    worker_app = Celery("baiseshejing-test", set_as_current=False)
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    worker_app.conf.update(
        task_always_eager=False,
        broker_url=redis_url,
        result_backend=redis_url,
        # A queue of this test's own: no other worker (another test, another process) takes
        # its tasks and runs them against another test database.
        task_default_queue=f"test-{uuid.uuid4().hex}",
    )
    # Import every app's tasks before the worker starts, as a real worker does at boot: a task
    # module first imported later (notify() imports core.tasks lazily) is unknown to it.
    worker_app.autodiscover_tasks(force=True)
    with worker_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # a clean queue for this test
    worker_app.set_current()
    try:
        with start_worker(worker_app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
            yield worker_app
    finally:
        # start_worker made worker_app the default app too (the app of threads that never set
        # one, such as live_server's request threads): put the project's app back in both places,
        # or later tests' tasks go to this worker's queue on Redis and never run.
        app.set_current()
        app.set_default()


def test_reviewer_notification_is_mailed_by_a_worker(org, people, redis_worker):
    project = f.ProjectFactory(community=org.guoao, ready=True)
    services.project_submit(project=project, by=people.secretary)  # commits, then queues on Redis
    notification = Notification.objects.get(recipient=people.street, event="project.submitted")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.emailed_at:
            break
        time.sleep(0.2)
    assert notification.emailed_at is not None, "the worker did not send the e-mail"
    assert any(m.to == ["street@example.org"] and project.title in m.subject for m in mail.outbox)
    assert project.status == Status.DRAFT  # the caller's object is untouched; the row moved
