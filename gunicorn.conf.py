"""gunicorn settings for the production image (gunicorn -c gunicorn.conf.py)."""

import multiprocessing
import os

# The search segmenter's dictionary (rjieba: about 33 MB, built as the module is imported)
# is loaded once, here in the master, and shared by every worker it forks (copy-on-write:
# nothing writes to it after loading), instead of 33 MB more in each worker that serves a
# search. The app itself is not preloaded.
import rjieba  # noqa: F401

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# An empty value (as .env.example ships it) means the default, like an unset one.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Heartbeat files on tmpfs, not on the container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# X-Forwarded-* are trusted only from these addresses (the load balancer).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
preload_app = False
# gunicorn's control socket would go to $HOME/.gunicorn, which the app user cannot write in
# the image: off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
