"""A questionnaire's QR poster (PNG and A4 PDF, drawn by core.qrposter): the title, the dates,
"扫码填写", the QR code of the short link and the link printed for those who type it."""

from django.conf import settings
from django.urls import reverse

from core import qrposter

from .models import Survey
from .models import SurveyLevel as Level


def short_link(survey: Survey) -> str:
    """The address residents open: /p/q/<code>/ on the public site."""
    path = reverse("surveys:answer", kwargs={"short_code": survey.short_code})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def poster_content(survey: Survey) -> dict:
    """What the poster says (keyword arguments of core.qrposter's poster functions)."""
    place = survey.community.name if survey.community_id else ""
    dates = f"{survey.starts_on:%Y年%-m月%-d日} 至 {survey.ends_on:%Y年%-m月%-d日}"
    lines = [dates, "微信扫码填写,不需要留姓名和电话"]
    if survey.level != Level.COMMUNITY:
        lines.append("扫码后选择您所在的社区")
    return {
        "title": f"{place} {survey.title}".strip(),
        "lines": lines,
        "link": short_link(survey),
        "footer": "百社百景 · 社区居民需求调查",
    }


def poster_png(survey: Survey) -> bytes:
    return qrposter.poster_png(**poster_content(survey))


def poster_pdf(survey: Survey) -> bytes:
    return qrposter.poster_pdf(**poster_content(survey))
