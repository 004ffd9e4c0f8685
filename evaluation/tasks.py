from celery import shared_task

from . import slips


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3, acks_late=True)
def render_code_slips(self, batch_id: int) -> str:
    """Make the PDF of one household code slip batch (idempotent: a batch no longer being
    prepared is left alone). Returns the batch's status."""
    return slips.batch_render(batch_id=batch_id)
