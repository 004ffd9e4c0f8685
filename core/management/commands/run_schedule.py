"""manage.py run_schedule: the beat schedule in-process, for the embedded default (`make run`).

Checks the schedule every 20 seconds and runs what is due (core/schedule.py). Production does not
use it: there Celery beat sends the same entries to the worker. It stops with its parent (the
shell of `make run`) so that no scheduler outlives the development server.
"""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.schedule import InProcessBeat

TICK_SECONDS = 20


class Command(BaseCommand):
    help = "在本进程内按 CELERY_BEAT_SCHEDULE 定时执行任务(仅用于 make run 的嵌入式默认环境)。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", help="列出各定时任务及下次执行时间后退出。"
        )

    def handle(self, *args, **options):
        beat = InProcessBeat(settings.CELERY_BEAT_SCHEDULE, started=timezone.now())
        if options["list"]:
            for entry in beat.entries:
                when = timezone.localtime(entry.next_run()).strftime("%Y-%m-%d %H:%M")
                self.stdout.write(f"{when}  {entry.name}  ({entry.task})")
            return
        parent = os.getppid()
        self.stdout.write(f"定时任务已在本进程内启动:{len(beat.entries)} 项。")
        while os.getppid() == parent:
            for name in beat.tick(timezone.now()):
                self.stdout.write(f"{timezone.localtime():%H:%M} 已执行定时任务 {name}")
            time.sleep(TICK_SECONDS)
