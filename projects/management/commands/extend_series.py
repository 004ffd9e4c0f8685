"""Keep every live series of sessions twelve months ahead (what the daily beat task does)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from projects.sessions import series_extend_all


class Command(BaseCommand):
    help = "按系列活动的重复规则,续排未来 12 个月内的活动场次(可重复运行)。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按这一天计算(YYYY-MM-DD,默认今天)")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from exc
        made = series_extend_all(today=today)
        self.stdout.write(f"续排活动 {made} 场。")
