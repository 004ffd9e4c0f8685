"""python manage.py publish_monthly --kind {preview,summary,digest} --month YYYY-MM [--street …]
[--sign-off]: compile a month's publications by hand, through the same services as the daily job
(publications/services.py), and say what it did."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import District, Street
from core.workflow import Conflict
from publications import services
from publications.models import Kind, PublicationStatus


def _month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value.strip(), "%Y-%m").date()
    except ValueError:
        raise CommandError(f"--month 应写作 YYYY-MM(如 2026-05),而不是 {value!r}。") from None


class Command(BaseCommand):
    help = "汇编某月的月初预告、月末总结或红色专递(与每日任务同一服务),可选直接签发。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=Kind.values)
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--street", help="街道的编号或名称(默认:全部街道)")
        parser.add_argument(
            "--sign-off",
            action="store_true",
            help="以系统身份签发(发布并投递);已发布的保持不变",
        )

    def handle(self, *args, kind, month, street=None, sign_off=False, **options):
        month = _month(month)
        if kind == Kind.DIGEST and street:
            raise CommandError("红色专递属于全区,不能指定 --street。")
        scopes = self._scopes(kind, street)
        counts = {"created": 0, "existing": 0, "published": 0, "already": 0}
        for district, one in scopes:
            try:
                publication, created = services.publication_compile(
                    kind=kind, district=district, street=one, month=month
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            counts["created" if created else "existing"] += 1
            state = "created 新汇编" if created else "exists 已存在"
            if sign_off:
                if publication.status == PublicationStatus.PUBLISHED:
                    counts["already"] += 1
                    state += ",already published 早已发布"
                else:
                    try:
                        services.publication_sign_off(publication=publication, by=services.SYSTEM)
                    except Conflict:
                        counts["already"] += 1
                        state += ",already published 早已发布"
                    else:
                        counts["published"] += 1
                        state += ",published 已签发"
            elif publication.status == PublicationStatus.PUBLISHED:
                state += ",already published 已发布"
            self.stdout.write(f"{publication.title} (#{publication.pk}): {state}")
        summary = f"共 {len(scopes)} 期:新汇编 {counts['created']},已存在 {counts['existing']}"
        if sign_off:
            summary += f",本次签发 {counts['published']},早已发布 {counts['already']}"
        self.stdout.write(self.style.SUCCESS(summary))

    def _scopes(self, kind: str, street: str | None) -> list:
        if kind == Kind.DIGEST:
            districts = list(District.objects.order_by("pk"))
            if not districts:
                raise CommandError("还没有区:请先建立区和街道。")
            return [(d, None) for d in districts]
        streets = Street.objects.select_related("district").order_by("district_id", "pk")
        if street:
            value = street.strip()
            found = list(streets.filter(pk=int(value)) if value.isdigit() else [])
            found = found or list(streets.filter(name=value))
            if not found:
                raise CommandError(f"找不到街道 {street!r}:请写街道的编号或完整名称。")
            if len(found) > 1:
                raise CommandError(f"有 {len(found)} 个街道叫 {street!r}:请改用编号。")
            streets = found
        else:
            streets = list(streets)
        if not streets:
            raise CommandError("还没有街道。")
        return [(s.district, s) for s in streets]
