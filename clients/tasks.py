"""Daily clean-up of clients' documents: files under DOCUMENTS_ROOT that no document names."""

from celery import shared_task

from .documents import orphan_files_remove


@shared_task(acks_late=True)
def document_orphans_remove_task() -> None:
    orphan_files_remove()
