"""Running actions at the same moment, as two requests would."""

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
