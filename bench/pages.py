"""Bytes a person's browser fetches for the first page and for a results page (HTML plus same-host assets)."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlencode, urljoin, urlparse

from . import serve

RESULTS_QUERY = {"age": 19, "status": "inactive", "region": "11", "disability": "none", "education_level": "none", "goals": "find_job"}
ASSET = re.compile(r"""<(?:link[^>]+href|script[^>]+src|img[^>]+src)=["']([^"']+)["']""", re.IGNORECASE)


def page_weight(port: int, path: str) -> dict:
    """The page and every asset it links on this host, as served and as gzip would send them."""
    status, headers, body = serve.get(port, path)
    if status != 200:
        return {"path": path, "status": status, "exists": False}
    files = {path: body}
    for link in ASSET.findall(body.decode("utf-8", "replace")):
        target = urlparse(urljoin(path, link))
        if target.netloc or target.path in files:
            continue  # other hosts are forbidden by the project's rules; check_third_party reports them
        asset_status, _, asset = serve.get(port, target.path + (f"?{target.query}" if target.query else ""))
        if asset_status == 200:
            files[target.path] = asset
    html, total = len(body), sum(len(content) for content in files.values())
    return {
        "path": path, "status": status, "exists": True, "html_bytes": html, "assets": len(files) - 1,
        "total_bytes": total, "total_gzip_bytes": sum(len(gzip.compress(content, 6)) for content in files.values()),
        "encoding_sent": headers.get("Content-Encoding", "identity"),
        "third_party": sorted({urlparse(link).netloc for link in ASSET.findall(body.decode("utf-8", "replace")) if urlparse(link).netloc}),
    }


def measure(port: int) -> list[dict]:
    """The first page and one results page, in French (the default)."""
    return [page_weight(port, "/"), page_weight(port, "/results?" + urlencode(RESULTS_QUERY))]
