"""Running actions at the same moment, as two requests would."""

import contextlib
import threading
from collections.abc import Callable

from django.db import connection

from agencies import tenant_db


def run_together(agency_id: int, *actions: Callable[[], object]) -> list[tuple[str, object]]:
    """Start every action at the same moment, each in a thread with its own connection, in the
    agency's scope; ("ok", result) or ("error", exception) for each, in order."""
    barrier = threading.Barrier(len(actions))
    results: list[tuple[str, object]] = [("error", None)] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        try:
            with tenant_db.agency_scope(agency_id):
                barrier.wait(timeout=30)
                results[i] = ("ok", action())
        except Exception as exc:  # the test reads it
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def placing_together(monkeypatch, parties: int = 2) -> None:
    """Each scheduler run, once it has read the free slots, waits for the others to have read
    them too: without the location lock they would all place their officers in the same free
    places. With it, the others are still waiting for the lock; the first gives up waiting
    (after 3 s) and goes on."""
    from checkins import slots as slotlib

    together = threading.Barrier(parties)
    place = slotlib.place

    def place_together(**kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(timeout=3)
        return place(**kwargs)

    monkeypatch.setattr(slotlib, "place", place_together)
