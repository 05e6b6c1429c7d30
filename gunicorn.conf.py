"""Gunicorn, the production server: `gunicorn -c gunicorn.conf.py` (the app is `recommender:create_app()`).

Configuration comes only from environment variables (see the README): PATHWAYS_BIND, WEB_CONCURRENCY,
PATHWAYS_THREADS, FORWARDED_ALLOW_IPS, plus the app's own (DATABASE_URL, PATHWAYS_*).
Several servers like this one can run behind a reverse proxy on one PostgreSQL database: they keep no state.
"""

import os

wsgi_app = "recommender:create_app()"
bind = os.environ.get("PATHWAYS_BIND", "127.0.0.1:8000")
# Rules, catalogue and ranker are loaded once in the master and shared by the workers (copy on write); a database
# schema that is behind stops the server here, once, with the command that fixes it.
preload_app = True
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("PATHWAYS_THREADS", 4))
timeout = 30
graceful_timeout = 20  # time for a worker to finish its requests and flush queued events
keepalive = 5
# No runtime control socket: several instances share one machine in the scale-out, and one path would clash.
control_socket_disable = True
# Only the reverse proxy may say which scheme the client used (the app never reads client addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# No access log here: the app logs every request itself, as JSON with its request id, and without the IP address,
# user agent or query string that gunicorn's access log would record.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("PATHWAYS_LOG_LEVEL", "info").lower()
# Gunicorn's own messages (start, workers, errors) as JSON lines too; this replaces gunicorn's whole default setup.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "recommender.web.ops.JsonFormatter"}},
    "handlers": {"stderr_json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": []},  # the app's loggers (recommender.*) have their own JSON handler
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr_json"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
