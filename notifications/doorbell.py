"""The broker is only a doorbell: the outbox row is the truth, and ringing is best effort.

A transaction rings once, after commit, for every notice it queued, over one broker connection
with short timeouts. If the broker does not answer, the rows stay pending for the sweep, the
process stops trying for a few seconds (so a burst of requests does not each wait on a dead
broker), and the request learns that delivery is delayed so it can say so."""

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)

# After a failure, requests in this process skip the broker for this long; the sweep still tries.
QUIET_SECONDS = 15.0
_quiet_until = 0.0
_delayed: ContextVar[bool] = ContextVar("delivery_delayed", default=False)


class _Batch:
    """The on-commit hook of one transaction, holding every message id it queued."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def __call__(self) -> None:
        enqueue(self.ids)


def enqueue_on_commit(ids: list[int]) -> None:
    if not ids:
        return
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        # Django keeps the hooks of the open transaction in run_on_commit, with the savepoints
        # they were registered in, and drops those of a rolled-back savepoint. A hook of ours
        # whose savepoints are all still open runs with this change, or not at all.
        open_savepoints = set(conn.savepoint_ids)
        for savepoints, hook, _robust in conn.run_on_commit:
            if isinstance(hook, _Batch) and set(savepoints) <= open_savepoints:
                hook.ids.extend(ids)
                return
    batch = _Batch()
    batch.ids.extend(ids)
    transaction.on_commit(batch)


def enqueue(ids: list[int], *, force: bool = False) -> bool:
    """Hand the ids to the broker; False when it is down (the rows wait for the sweep).
    `force` (the sweep) tries even while requests are keeping quiet."""
    global _quiet_until
    if not ids:
        return True
    from .tasks import deliver_messages

    app = deliver_messages.app
    batches = _batches(ids)
    if app.conf.task_always_eager:
        # Tests and the in-process mode: the delivery itself runs here, and its failure is the
        # outbox's to record, not a broker outage.
        for batch in batches:
            try:
                deliver_messages.apply_async((batch,))
            except Exception:
                log.exception("Delivering messages %s in-process failed; the sweep retries", batch)
        return True
    if not force and time.monotonic() < _quiet_until:
        _delayed.set(True)
        return False
    try:
        with app.connection_for_write() as conn:
            # One try, no kombu retry loop: that loop sleeps seconds before giving up.
            conn.ensure_connection(max_retries=0)
            producer = app.amqp.Producer(conn)
            for batch in batches:
                deliver_messages.apply_async((batch,), producer=producer, retry=False)
    except Exception as exc:  # each transport raises its own errors
        _quiet_until = time.monotonic() + QUIET_SECONDS
        _delayed.set(True)
        log.warning(
            "Broker unavailable (%s); %d message(s) wait for the sweep",
            type(exc).__name__,
            len(ids),
        )
        return False
    _quiet_until = 0.0
    return True


def _batches(ids: list[int]) -> list[list[int]]:
    """A task per few messages, not per message: a worker's process pays its connection, the
    agency's scope and the task's own costs once for the batch, while a fan-out is still
    spread over the worker's processes."""
    size = settings.OUTBOX_BATCH_SIZE
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def forget_outage() -> None:
    """Try the broker at the next ring (a new broker URL, or a test that starts one)."""
    global _quiet_until
    _quiet_until = 0.0


def delivery_delayed() -> bool:
    """Whether a notice queued in this request (or task) could not be handed to the broker."""
    return _delayed.get()


def reset_delayed() -> None:
    _delayed.set(False)
