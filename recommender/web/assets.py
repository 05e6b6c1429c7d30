"""htmx as npm installed it (package.json), served from node_modules and gzipped once per process."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from flask import Response, abort, current_app, request


def htmx_script() -> Response:
    """htmx, gzipped when the browser accepts it, cached for a day and revalidated by ETag."""
    path: Path = current_app.config["HTMX_FILE"]
    if not path.is_file():
        abort(404)
    zipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(_script_bytes(str(path), zipped), mimetype="text/javascript")
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.cache_control.public, response.cache_control.max_age = True, 86400
    response.add_etag()
    return response.make_conditional(request)


@cache
def _script_bytes(path: str, zipped: bool) -> bytes:
    """The file's bytes, compressed once per process when asked."""
    data = Path(path).read_bytes()
    return gzip.compress(data, mtime=0) if zipped else data
