"""Gunicorn, the production server: `gunicorn -c gunicorn.conf.py` (the app is `recommender:create_app()`).

Configuration comes only from environment variables (see the README), validated like the app's own
(recommender/settings.py: a wrong one stops the server with its name and what is allowed): PATHWAYS_BIND,
WEB_CONCURRENCY, PATHWAYS_THREADS, FORWARDED_ALLOW_IPS, plus the app's (DATABASE_URL, PATHWAYS_*).
Several servers like this one can run behind a reverse proxy on one PostgreSQL database: they keep no state.
"""

from recommender.settings import server_settings

_server = server_settings()

wsgi_app = "recommender:create_app()"
bind = _server.bind
# Rules, catalogue and ranker are loaded once in the master and shared by the workers (copy on write); so is the
# rate limit's shared memory (recommender/web/limitstore.py), which is what makes the workers count together. A
# database schema that is behind stops the server here, once, with the command that fixes it.
preload_app = True
workers = _server.workers
worker_class = "gthread"
threads = _server.threads
timeout = 30
graceful_timeout = 20  # time for a worker to finish its requests and flush queued events
keepalive = 5
# No runtime control socket: several instances share one machine in the scale-out, and one path would clash.
control_socket_disable = True
# Only the reverse proxy may say which scheme the client used; the app reads client addresses from it only through
# PATHWAYS_TRUSTED_PROXIES (recommender/web/ratelimit.py).
forwarded_allow_ips = _server.forwarded_allow_ips

# No access log here: the app logs every request itself, as JSON with its request id, and without the IP address,
# user agent or query string that gunicorn's access log would record. Gunicorn's own lines (start, workers, errors,
# malformed requests) go through the same scrubbing filter: no query string, no client address (recommender/web/logs.py).
accesslog = None
errorlog = "-"
loglevel = _server.log_level.lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "recommender.web.logs.JsonFormatter"}},
    "filters": {"scrub": {"()": "recommender.web.logs.Scrub"}},
    "handlers": {"stderr_json": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["scrub"], "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": []},  # the app puts its own scrubbed JSON handler on the root
    "loggers": {
        "gunicorn.error": {"level": _server.log_level, "handlers": ["stderr_json"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
