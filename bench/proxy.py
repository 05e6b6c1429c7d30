"""A loopback TCP relay in front of the database, so a benchmark can make the database go away and come back
without touching the real server: `refuse` closes every connection and the port, `blackhole` accepts
connections and never answers, `restore` relays again."""

from __future__ import annotations

import selectors
import socket
import threading

RELAY, REFUSE, BLACKHOLE = "relay", "refuse", "blackhole"


class Relay:
    """127.0.0.1:<port> -> target, with a switch for the three behaviours."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.mode = RELAY
        self.port = 0
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket | None]] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-db-relay", daemon=True)
        self._selector = selectors.DefaultSelector()

    def start(self) -> Relay:
        """Listen on a free loopback port and start relaying."""
        self._listen()
        self._thread.start()
        return self

    def refuse(self) -> None:
        """The database is gone: live connections are cut and new ones refused."""
        with self._lock:
            self.mode = REFUSE
            self._close_all()
            if self._listener is not None:
                self._selector.unregister(self._listener)
                self._listener.close()
                self._listener = None

    def blackhole(self) -> None:
        """The database hangs: connections are accepted (or kept) but nothing comes back."""
        with self._lock:
            self.mode = BLACKHOLE
            self._close_all()
            if self._listener is None:
                self._listen()

    def restore(self) -> None:
        """The database is back."""
        with self._lock:
            self.mode = RELAY
            self._close_all()
            if self._listener is None:
                self._listen()

    def stop(self) -> None:
        """Close everything."""
        self._stopped.set()
        self._thread.join(timeout=5)
        with self._lock:
            self._close_all()
            if self._listener is not None:
                self._listener.close()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.setblocking(False)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._selector.register(listener, selectors.EVENT_READ, None)

    def _close_all(self) -> None:
        for client, server in self._pairs:
            for sock in (client, server):
                if sock is not None:
                    try:
                        self._selector.unregister(sock)
                    except (KeyError, ValueError):
                        pass
                    sock.close()
        self._pairs.clear()

    def _loop(self) -> None:
        while not self._stopped.is_set():
            events = self._selector.select(timeout=0.1) if self._selector.get_map() else []
            if not events:
                self._stopped.wait(0.01)
            with self._lock:
                for key, _ in events:
                    if key.fileobj is self._listener:
                        self._accept()
                    elif key.data is not None and key.fileobj.fileno() != -1:
                        self._forward(key.fileobj, key.data)

    def _accept(self) -> None:
        try:
            client, _ = self._listener.accept()
        except OSError:
            return
        if self.mode == BLACKHOLE:
            self._pairs.append((client, None))  # held open, never read
            return
        try:
            server = socket.create_connection(self.target, timeout=2)
        except OSError:
            client.close()
            return
        self._pairs.append((client, server))
        self._selector.register(client, selectors.EVENT_READ, server)
        self._selector.register(server, selectors.EVENT_READ, client)

    def _forward(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            data = source.recv(65536)
            if data:
                sink.sendall(data)
                return
        except OSError:
            pass
        for pair in [p for p in self._pairs if source in p]:
            self._pairs.remove(pair)
            for sock in pair:
                if sock is not None:
                    try:
                        self._selector.unregister(sock)
                    except (KeyError, ValueError):
                        pass
                    sock.close()
