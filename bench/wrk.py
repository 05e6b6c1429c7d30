"""Load with wrk (Debian package `wrk`): a Lua script cycles through request bodies and reports percentiles as JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

MARK = "BENCH_JSON "
SCRIPT = r"""
local bodies = {%(bodies)s}
local headers = {["Content-Type"] = "application/json"}
local counter = 0
request = function()
  counter = counter %% #bodies + 1
  return wrk.format("POST", "%(path)s", headers, bodies[counter])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('%(mark)s{"requests": %%d, "duration_s": %%.3f, "bytes": %%d, "connect_errors": %%d, "read_errors": %%d, ' ..
    '"write_errors": %%d, "status_errors": %%d, "timeouts": %%d, "p50_ms": %%.3f, "p95_ms": %%.3f, "p99_ms": %%.3f, "max_ms": %%.3f, "mean_ms": %%.3f}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
"""


def available() -> bool:
    """Whether wrk is installed."""
    return shutil.which("wrk") is not None


def lua_script(bodies: list[bytes], path: str) -> str:
    """The script, with the bodies as Lua long strings."""
    quoted = ",\n".join("[==[" + body.decode() + "]==]" for body in bodies)
    return SCRIPT % {"bodies": quoted, "path": path, "mark": MARK}


def run(port: int, bodies: list[bytes], *, connections: int, seconds: float, path: str = "/api/v1/recommendations") -> dict:
    """One wrk run; returns requests/s, latency percentiles (ms) and error counts."""
    threads = max(1, min(connections, 2))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(bodies, path))
    try:
        output = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s", "-s", script.name, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        ).stdout
    finally:
        Path(script.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith(MARK))
    result = json.loads(line[len(MARK):])
    result["errors"] = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    result["requests_per_s"] = round(result["requests"] / result["duration_s"], 1)
    result["connections"] = connections
    return result
