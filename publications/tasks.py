"""Celery tasks of publications/: each takes ids, fetches, and calls a plain service (so it runs the
same by hand, in tests and on a worker). Each area keeps its tasks in its own module, imported
here so that the worker's autodiscovery registers them all."""

from .tasks_delivery import *  # noqa: F401, F403
from .tasks_pdf import *  # noqa: F401, F403
from .tasks_schedule import *  # noqa: F401, F403
