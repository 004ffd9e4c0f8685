"""Session QR posters (邀请现场评): a printable poster per session with a big QR code of the
session's public grading page; residents scan it in WeChat and grade on their phone.

The layout follows the announcement poster (public/templates/public/poster.html): the same
`.poster` print styles and segno for the code."""

import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from projects.models import Activity

from . import slip_rules  # noqa: F401  (registers evaluation.print_poster)


def session_grade_link(session: Activity) -> str:
    """The address the poster's QR code opens: the session's on-site grading page."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("evaluation:onsite", args=[session.pk])


def poster_context(session: Activity) -> dict:
    link = session_grade_link(session)
    return {
        "session": session,
        "project": session.project,
        "link": link,
        "qr": segno.make(link, error="m").svg_data_uri(scale=8, border=2),
        # Printed ahead of the day: the page it opens says when grading opens.
        "upcoming": session.date > timezone.localdate(),
    }


def poster_png(session: Activity) -> bytes:
    """The QR code alone as a PNG (for a WeChat group, a screen, a bigger print)."""
    buffer = io.BytesIO()
    segno.make(session_grade_link(session), error="m").save(buffer, kind="png", scale=16, border=3)
    return buffer.getvalue()
