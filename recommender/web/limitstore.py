"""Where rate-limit counts live: shared by the workers of one machine by default, or in Redis behind a breaker.

- `local://` (the default), `SharedWindows`: fixed-window counters in a shared memory map created when the app is
  built, that is before gunicorn forks its workers (`preload_app = True`): every worker of the server counts in the
  same place, without any server to run. Updates take a lock in the map's file (fcntl), which the kernel releases if
  a worker dies holding it.
- `redis://...`: shared by several machines. Every call has connect and read timeouts of a few milliseconds and no
  retry; after a failure, `Guarded` counts on the local map for RETRY_SECONDS before it asks Redis again, and says so
  in at most one warning a minute. A silent Redis thus costs one call in a few seconds a few milliseconds, never a stall.
- `memory://`: one process only (tests, `flask run`).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import mmap
import os
import struct
import tempfile
import threading
import time
import weakref
from contextlib import contextmanager

from limits.storage import MemoryStorage, Storage, storage_from_string
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger("recommender.web.ratelimit")

SLOT = struct.Struct("<QdQ")  # key digest, end of the window (epoch seconds), count
SLOTS = 1 << 16  # different addresses counted at once per limit window (1.5 MB); past that the oldest windows go
PROBES = 8
RETRY_SECONDS = 5.0  # how long a failed Redis is left alone
WARNING_EVERY = 60.0


class SharedWindows(Storage):
    """Fixed-window counts in memory shared by every process forked after it was made."""

    STORAGE_SCHEME = ["local"]

    def __init__(self, uri: str = "local://", slots: int = SLOTS, **options):
        super().__init__(uri, **options)
        self.slots = slots
        folder = "/dev/shm" if os.path.isdir("/dev/shm") else None
        self._fd, path = tempfile.mkstemp(prefix="pathways-ratelimit-", dir=folder)
        os.unlink(path)  # nothing to clean up: the map lives as long as a process holds it
        os.ftruncate(self._fd, slots * SLOT.size)
        self._map = mmap.mmap(self._fd, slots * SLOT.size)  # pages are only taken as slots are used
        self._threads = threading.Lock()
        _MAPS.add(self)
        weakref.finalize(self, _close, self._map, self._fd)

    @property
    def base_exceptions(self):
        """What this storage raises."""
        return OSError

    def forked(self) -> None:
        """In a new child process: a lock held by another thread at fork time would never be released here."""
        self._threads = threading.Lock()

    @contextmanager
    def _locked(self):
        """Hold the map: this process's threads, then the other processes (fcntl)."""
        with self._threads:
            fcntl.lockf(self._fd, fcntl.LOCK_EX, 1, 0)
            try:
                yield
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, 0)

    def _slot(self, digest: int, now: float) -> int:
        """The slot of `digest`: its own, else a free or expired one, else the one whose window ends first."""
        start = digest % self.slots
        candidates = [(start + step) % self.slots for step in range(PROBES)]
        spare = None
        for index in candidates:
            held, end, _count = SLOT.unpack_from(self._map, index * SLOT.size)
            if held == digest:
                return index
            if spare is None and (held == 0 or end <= now):
                spare = index
        if spare is not None:
            return spare
        return min(candidates, key=lambda index: SLOT.unpack_from(self._map, index * SLOT.size)[1])

    def _live(self, key: str, now: float) -> tuple[int, int, float, int]:
        """(digest, slot, window end, count) of a key, the count 0 once its window is over."""
        digest = _digest(key)
        index = self._slot(digest, now)
        held, end, count = SLOT.unpack_from(self._map, index * SLOT.size)
        if held != digest or end <= now:
            return digest, index, now, 0
        return digest, index, end, count

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add to a key's count, starting a window of `expiry` seconds if none is running; the new count."""
        now = time.time()
        with self._locked():
            digest, index, end, count = self._live(key, now)
            if count == 0:
                end = now + expiry
            SLOT.pack_into(self._map, index * SLOT.size, digest, end, count + amount)
        return count + amount

    def get(self, key: str) -> int:
        """A key's count in its current window."""
        with self._locked():
            return self._live(key, time.time())[3]

    def get_expiry(self, key: str) -> float:
        """When a key's window ends (now, if none is running)."""
        with self._locked():
            return self._live(key, time.time())[2]

    def check(self) -> bool:
        """Always usable."""
        return True

    def reset(self) -> int | None:
        """Forget every count."""
        with self._locked():
            self._map[:] = bytes(len(self._map))
        return None

    def clear(self, key: str) -> None:
        """Forget one key's count."""
        with self._locked():
            digest, index, _, count = self._live(key, time.time())
            if count:
                SLOT.pack_into(self._map, index * SLOT.size, 0, 0.0, 0)


_MAPS: weakref.WeakSet[SharedWindows] = weakref.WeakSet()
os.register_at_fork(after_in_child=lambda: [shared.forked() for shared in list(_MAPS)])


def _close(shared: mmap.mmap, descriptor: int) -> None:
    """Release a map nobody uses any more."""
    shared.close()
    os.close(descriptor)


def _digest(key: str) -> int:
    """A key as 64 nonzero bits (0 marks a free slot)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") or 1


class Guarded(Storage):
    """A remote storage (Redis) that never makes a caller wait on it: on failure, the local fallback counts for a while."""

    STORAGE_SCHEME = None

    def __init__(self, remote: Storage, fallback: Storage):
        super().__init__("guarded://")
        self.remote, self.fallback = remote, fallback
        self._retry_at = 0.0
        self._failures = 0
        self._warned_at = -WARNING_EVERY

    @property
    def base_exceptions(self):
        """What this storage raises."""
        return Exception

    def _call(self, name: str, *args):
        """Ask the remote storage unless it failed lately; else, or if it fails now, the local one."""
        if time.monotonic() >= self._retry_at:
            try:
                return getattr(self.remote, name)(*args)
            except Exception as error:
                self._failed(error)
        return getattr(self.fallback, name)(*args)

    def _failed(self, error: Exception) -> None:
        """Leave the remote store alone for a while; warn at most once a minute, with how often it failed."""
        now = time.monotonic()
        self._retry_at, self._failures = now + RETRY_SECONDS, self._failures + 1
        if now - self._warned_at >= WARNING_EVERY:
            log.warning("rate limit storage unreachable (%s): counting on this machine, asking it again every %.0f s; %d failures since the last warning",
                        type(error).__name__, RETRY_SECONDS, self._failures)
            self._warned_at, self._failures = now, 0

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add to a key's count."""
        return self._call("incr", key, expiry, amount)

    def get(self, key: str) -> int:
        """A key's count."""
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        """When a key's window ends."""
        return self._call("get_expiry", key)

    def check(self) -> bool:
        """Whether the storage answers."""
        return self._call("check")

    def reset(self) -> int | None:
        """Forget every count."""
        return self._call("reset")

    def clear(self, key: str) -> None:
        """Forget one key's count."""
        self._call("clear", key)


class SweptMemoryStorage(MemoryStorage):
    """limits' in-memory storage, with expired counts swept by the calls themselves, every few seconds.

    limits 5.8 sweeps from a timer thread that it starts again every 10 ms while calls arrive: a hundred thread
    starts a second per process, each waiting for the GIL, which left a third of the CPU idle under load (py-spy).
    Counts still expire on time: reading a key drops it once its window is over; the sweep only frees memory.
    """

    SWEEP_EVERY = 5.0  # seconds

    def __init__(self, uri: str | None = None, **options):
        self._next_sweep = 0.0
        self.clock = time.monotonic
        super().__init__(uri, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the timer thread (a name-mangled method of limits)
        """Sweep expired counts at most every SWEEP_EVERY seconds, from the calling thread."""
        now = self.clock()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY
            self._MemoryStorage__expire_events()


def storage_for(uri: str, timeout_ms: int) -> Storage:
    """The storage a PATHWAYS_RATELIMIT_STORAGE_URI names (settings.py has checked its scheme)."""
    if uri.startswith("memory://"):
        return SweptMemoryStorage()
    local = SharedWindows()
    if uri.startswith("local://"):
        return local
    seconds = timeout_ms / 1000
    remote = storage_from_string(uri, socket_timeout=seconds, socket_connect_timeout=seconds, retry=Retry(NoBackoff(), 0))
    return Guarded(remote, local)
