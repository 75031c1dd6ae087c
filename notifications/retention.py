"""How long a notice's addresses stay: a finished notice (sent, failed or cancelled) past
RETENTION_OUTBOX_DAYS loses whom and what it was about, and its error; the row keeps its
purpose, channel, state and times, so the counts still add up. The embedded default's mail and
text files (var/mail, var/sms) go at the same age."""

import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Message, State

FINISHED = (State.SENT, State.FAILED, State.CANCELLED)
BATCH = 1000


def strip_finished(*, days: int, batch_size: int = BATCH) -> int:
    """Empties the recipient, the subject and the error of finished notices older than `days`
    (by when they were sent, or made when never sent). A batch at a time; a row already
    stripped is never taken again, so two runs at once or one after the other strip each row
    once. Returns how many rows it stripped. The caller sets the scope."""
    cutoff = timezone.now() - timedelta(days=days)
    expired = Message.objects.filter(
        Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True, created_at__lt=cutoff),
        state__in=FINISHED,
    ).filter(Q(recipient_id__isnull=False) | Q(subject_id__isnull=False) | ~Q(recipient_label=""))
    stripped = 0
    while ids := list(expired.order_by("id").values_list("pk", flat=True)[:batch_size]):
        n = expired.filter(pk__in=ids).update(
            recipient_id=None, subject_id=None, recipient_label="", last_error=""
        )
        if not n:
            break  # another run took them
        stripped += n
    return stripped


def delivered_file_folders() -> list[Path]:
    """Where the embedded default writes what it sends, when it does."""
    folders = []
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        folders.append(Path(settings.EMAIL_FILE_PATH))
    if settings.SMS_BACKEND.endswith("FileSmsBackend"):
        folders.append(Path(settings.SMS_FILE_PATH))
    return folders


def prune_delivered_files(*, days: int) -> int:
    """Removes mail and text files not written to for `days`. A file another run removed first
    is not an error."""
    cutoff = time.time() - days * 24 * 60 * 60
    removed = 0
    for folder in delivered_file_folders():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
    return removed
