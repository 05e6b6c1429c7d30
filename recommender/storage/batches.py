"""What waits in the writer's queue (writer.py): rows to insert, with the event their sender may wait on, and markers."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from queue import Empty, Queue

from sqlalchemy import Table

# Rows for the writer: (table, rows) pairs, in the order they must be inserted (a parent before its children).
Rows = tuple[tuple[Table, tuple[dict, ...]], ...]
WRITE_BATCH = 500  # queued writes the writer puts in one transaction at most
COUNTS = object()  # asks the writer to write the counts now
STOP = object()


@dataclass
class Write:
    """Rows waiting for the writer; `done` is set once they are committed (`ok`) or given up."""

    rows: Rows
    what: str
    request_id: str | None
    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False
    abandoned: bool = False  # the sender stopped waiting and said "not recorded": never write it after that



def by_table(items: list[Write]) -> list[tuple[Table, list[dict]]]:
    """All the rows of some writes, one list per table, tables in the order they first appear (parents first)."""
    grouped: dict[Table, list[dict]] = {}
    for item in items:
        for table, rows in item.rows:
            grouped.setdefault(table, []).extend(rows)
    return list(grouped.items())


def next_batch(queue: Queue, timeout: float) -> list:
    """The next item (waiting up to `timeout` seconds) and those already waiting behind it; [] if nothing came."""
    try:
        batch = [queue.get(timeout=timeout)]
    except Empty:
        return []
    while len(batch) < WRITE_BATCH and batch[-1] is not STOP:
        try:
            batch.append(queue.get_nowait())
        except Empty:
            break
    return batch
