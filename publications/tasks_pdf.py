"""Celery tasks of publications/ (pdf area; see tasks.py)."""

from celery import shared_task

from . import pdf

__all__ = ["build_publication_pdf"]


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3, acks_late=True)
def build_publication_pdf(self, publication_id: int) -> bool:
    """Make the PDF of one published preview or summary, once (a second run finds it made).
    Returns True when this run made it."""
    return pdf.pdf_build(publication_id)
