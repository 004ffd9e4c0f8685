"""python manage.py roundtable_daily [--date YYYY-MM-DD]: the round table's daily job by hand
(the same function beat runs: roundtable/schedule.py), printing what it did in Chinese."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from roundtable import schedule


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"--date 应写作 YYYY-MM-DD(如 2026-12-16),而不是 {value!r}。") from None


class Command(BaseCommand):
    help = "圆桌会每日任务:补建本月和下月的圆桌会,发送会前提醒和决议到期提醒(每人每次只发一次)。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天运行(YYYY-MM-DD,默认今天)")

    def handle(self, *args, date=None, **options):
        today = _date(date) if date else timezone.localdate()
        counts = schedule.roundtable_daily(today)
        message = schedule.describe(today, counts)
        if counts["errors"]:
            self.stdout.write(self.style.WARNING(message + "(详见日志)"))
        else:
            self.stdout.write(self.style.SUCCESS(message))
