"""python manage.py training_daily [--date YYYY-MM-DD]: the training programme's daily job by
hand (the same function beat runs: training/reminders.py)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from training import reminders


class Command(BaseCommand):
    help = "头雁工程每日任务:向明天参加培训的学员发送提醒(每人每次只发一次)。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天运行(YYYY-MM-DD,默认今天)")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date.strip()) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date 应写作 YYYY-MM-DD,而不是 {date!r}。") from None
        counts = reminders.training_daily(today)
        self.stdout.write(
            self.style.SUCCESS(f"{today:%Y-%m-%d}:发送培训提醒 {counts['reminded']} 条。")
        )
