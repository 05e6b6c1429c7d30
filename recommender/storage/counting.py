"""Usage counts waiting in a process's memory, and the upserts that add them to the database's.

Counting a recommendation is a few dictionary additions; the writer (writer.py) adds what was counted to the database
every few seconds in one upsert per table, and puts the counts back if the database did not take them.
"""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

# Counts for the writer, each one more of (table, key in the order of its primary key, column counted).
Counts = list[tuple[Table, tuple, str]]
MAX_COUNTED_KEYS = 100_000  # different keys a process keeps while the database is away (~20 MB); new ones are dropped


class PendingCounts:
    """The counts of one process not yet in the database."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: Counter[tuple[Table, tuple, str]] = Counter()

    def __len__(self) -> int:
        return len(self._counts)

    def add(self, counts: Counts) -> bool:
        """Count these; False when too many different keys are already waiting (the database has been away long)."""
        with self._lock:
            if len(self._counts) < MAX_COUNTED_KEYS or all(count in self._counts for count in counts):
                self._counts.update(counts)
                return True
        return False

    def take(self) -> Counter[tuple[Table, tuple, str]]:
        """Everything counted so far, leaving nothing behind."""
        with self._lock:
            pending, self._counts = self._counts, Counter()
        return pending

    def keep(self, pending: Counter[tuple[Table, tuple, str]]) -> None:
        """Put back counts the database did not take, with those counted since: the next write retries them."""
        with self._lock:
            newer, self._counts = self._counts, pending
            pending.update(newer)


def count_rows(counts: Counter[tuple[Table, tuple, str]]) -> list[tuple[Table, list[dict]]]:
    """Counts as rows, one list per table; tables and rows in key order, so that two processes adding to the same
    counts lock them in the same order (on PostgreSQL, different orders could deadlock)."""
    by_table: dict[Table, dict[tuple, dict[str, int]]] = {}
    for (table, key, column), amount in counts.items():
        by_table.setdefault(table, {}).setdefault(key, {})[column] = amount
    grouped = []
    for table in sorted(by_table, key=lambda table: table.name):
        keys = [column.name for column in table.primary_key]
        nothing = {column.name: 0 for column in table.columns if not column.primary_key}
        grouped.append((table, [dict(zip(keys, key)) | nothing | amounts for key, amounts in sorted(by_table[table].items())]))
    return grouped


def adding(table: Table, backend: str):
    """INSERT ... ON CONFLICT (primary key) DO UPDATE SET n = table.n + excluded.n: rows add to the counts already stored."""
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[backend](table)
    counted = [column for column in table.columns if not column.primary_key]
    return insert.on_conflict_do_update(index_elements=list(table.primary_key), set_={column.name: column + insert.excluded[column.name] for column in counted})
