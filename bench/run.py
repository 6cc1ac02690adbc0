"""The load benchmark: every public page under wrk, at several archive sizes, as ratios
against the floor (/healthz on the same gunicorn, which touches no database).

    python bench/run.py [--sizes 1000,10000,100000] [--duration 10] [--smoke]

Each size gets a fresh PostgreSQL database filled by `manage.py bench_data`; gunicorn runs
from gunicorn.conf.py with production settings (DEBUG off), once with the page cache off and
once with it on (Redis). Prints a table per size and writes bench/results/<date>.json.
"""

import argparse
import datetime
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BASE = PG_ADMIN.rsplit("/", 1)[0]
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
PORT = int(os.environ.get("BENCH_PORT", "8799"))
QUERIES = ["诈骗", "养老诈骗", "白彦花"]
# One key for the whole run: the editor's session is made by one process and read by gunicorn.
SECRET_KEY = "bench-" + secrets.token_urlsafe(40)

TARGETS = {  # uncached ratio to the floor at the largest size
    "article": 0.45, "home": 0.35, "section": 0.35, "agency": 0.35, "officer": 0.35,
    "section p50": 0.30, "search": 0.15, "feed": 0.30, "sitemap": 0.30, "admin": 0.10,
}  # fmt: skip


def run(cmd, env=None, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, text=True, **kwargs)


def django_env(database_url, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        DJANGO_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def manage(env, *args, capture=False):
    result = run([PYTHON, "manage.py", *args], env=env, capture_output=capture)
    return result.stdout if capture else None


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install Debian's package wrk")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env, capture_output=True)
    run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True)


def fresh_database(name):
    run(["psql", PG_ADMIN, "-q", "-c", f"DROP DATABASE IF EXISTS {name}",
         "-c", f"CREATE DATABASE {name}"], capture_output=True)  # fmt: skip
    return f"{PG_BASE}/{name}"


def pick_urls(env):
    """Representative pages of this archive, chosen by a query (same choice every run)."""
    script = """
import json
from django.db.models import Count
from agencies.models import Agency, Officer
from articles.models import Article, Section
live = Article.objects.live()
section = Section.objects.annotate(n=Count("articles")).order_by("-n", "pk").first()
agency = Agency.objects.filter(children__isnull=False, kind="bureau").order_by("pk").first()
officer = Officer.objects.annotate(n=Count("articles")).order_by("-n", "pk").first()
article = live.order_by("-publish_at").first()
pages = -(-live.filter(section=section).count() // 20)
print(json.dumps({
    "home": "/",
    "section": section.get_absolute_url(),
    "agency": agency.get_absolute_url(),
    "officer": officer.get_absolute_url(),
    "article": article.get_absolute_url(),
    # Page 50, or the last page of a smaller archive.
    "section p50": section.get_absolute_url() + "?page=%d" % min(50, max(1, pages)),
}))
"""
    urls = json.loads(manage(env, "shell", "-c", script, capture=True).strip().splitlines()[-1])
    for n, q in enumerate(QUERIES, start=1):
        urls[f"search {n}"] = "/search/?q=" + urllib.request.quote(q)
    urls["feed"] = "/feed/"
    urls["sitemap"] = "/sitemap.xml"
    return urls


def editor_cookie(env):
    script = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
User = get_user_model()
user, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
user.groups.add(Group.objects.get(name="编辑"))
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
from django.conf import settings
s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.create()
print(s.session_key)
"""
    return manage(env, "shell", "-c", script, capture=True).strip().splitlines()[-1]


class Gunicorn:
    running = None  # the server being measured, whose log a failed sample prints

    def __init__(self, env):
        # Workers are not recycled during a run: a recycled worker closes its keep-alive
        # connections, which browsers and proxies retry but wrk counts as errors (and the
        # new worker's start-up lands in the figures).
        self.env = dict(env, GUNICORN_BIND=f"127.0.0.1:{PORT}", GUNICORN_MAX_REQUESTS="0")
        self.process = None
        # gunicorn's error log goes to a file, printed when a sample fails (a pipe nobody
        # reads would stall every process writing to it once 64 KB were written).
        self.log = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed on exit)

    def log_tail(self, size=3000):
        self.log.seek(0)
        return self.log.read()[-size:]

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "--config", "gunicorn.conf.py",
             "--access-logfile", "/dev/null"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log, text=True,
        )  # fmt: skip
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                Gunicorn.running = self
                return self
            except OSError:
                if self.process.poll() is not None:
                    sys.exit("gunicorn exited:\n" + self.log_tail())
                time.sleep(0.1)
        sys.exit("gunicorn did not start")

    def workers(self):
        return subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()

    def worker_cpu_seconds(self):
        """The CPU time (user and system) the workers have used so far."""
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime: in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def worker_rss_mb(self):
        """The largest worker's resident memory (RSS), and its proportional share (PSS:
        pages shared with the master and the other workers, such as the search
        dictionary loaded before they fork, counted once among them)."""
        sizes = []
        for pid in self.workers():
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            rss, pss = (
                int(re.search(rf"^{field}:\s+(\d+)", rollup, re.M).group(1)) / 1024
                for field in ("Rss", "Pss")
            )
            sizes.append((rss, pss))
        if not sizes:
            return None, None
        rss, pss = max(sizes)
        return round(rss, 1), round(pss, 1)

    def __exit__(self, *exc):
        Gunicorn.running = None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        tail = self.log_tail()
        if "WORKER TIMEOUT" in tail or "Traceback" in tail:
            print("gunicorn's log ends:\n" + tail, file=sys.stderr)
        self.log.close()


FLOODERS = 6  # clients guessing passwords while readers load the home page


def flood_logins(base, stop, statuses):
    """Wrong passwords posted to the login form as fast as one client can, until ``stop``:
    the answers' status codes are counted in ``statuses`` (200: refused, 429: locked)."""
    with urllib.request.urlopen(base + "/admin/login/", timeout=10) as response:
        page = response.read().decode()
        # Production settings mark the cookie Secure; over the benchmark's plain HTTP it is
        # sent back by hand, as a browser behind the TLS proxy would.
        cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    n = 0
    while not stop.is_set():
        form = {"csrfmiddlewaretoken": token, "username": f"bianji{n % 3}", "password": "wrong"}
        request = urllib.request.Request(
            base + "/admin/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Cookie": f"csrftoken={cookie}"},
        )
        try:
            status = urllib.request.urlopen(request, timeout=30).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = "error"
        statuses[status] = statuses.get(status, 0) + 1
        n += 1


def under_login_flood(base, path, duration):
    """``path`` under wrk while FLOODERS clients guess passwords: what a flood of logins
    costs readers (the throttle refuses a locked login before any password is hashed)."""
    stop, statuses, threads = threading.Event(), {}, []
    for _ in range(FLOODERS):
        thread = threading.Thread(target=flood_logins, args=(base, stop, statuses))
        thread.start()
        threads.append(thread)
    try:
        result = wrk(base + path, duration)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    result["logins"] = {str(status): count for status, count in sorted(statuses.items(), key=str)}
    return result


STORM_WORKERS = "2"
POLL_SECONDS = 0.02
# Stories published during the storm, one a second, by another process (as an editor's
# publish is a commit in another worker): each is a new live story at the top of the home
# page and of its section.
PUBLISHER = """
import json, os, sys, time
from django.utils import timezone
from django.db import transaction
from articles.models import Article, Section, State
section = Section.objects.order_by("pk").first()
def publish(title):
    return Article.objects.create(title=title, body="正文。", section=section,
                                  state=State.PUBLISHED, publish_at=timezone.now(),
                                  source_document="bench-storm")
# Started before the storm, and warmed up as a worker that has served the desk is (Django
# loaded, and a first story published and rolled back: what a publication loads on first
# use, such as the segmenter's and the pinyin dictionaries, is loaded): an editor
# publishes from a running worker, and a new process's start-up is not part of the
# readers' load. The storm begins when the harness says so.
with transaction.atomic():
    publish("预热")
    transaction.set_rollback(True)
print("ready", flush=True)
sys.stdin.readline()
for n in range(int(os.environ["STORM_STORIES"])):
    started = time.monotonic()
    title = f"风暴稿件{n:04d}号"
    publish(title)
    print(json.dumps({"title": title, "committed": time.time()}), flush=True)
    time.sleep(max(0, 1 - (time.monotonic() - started)))
"""
ROTATE = """
paths = {%s}
n = 0
request = function()
  n = n %% #paths + 1
  return wrk.format("GET", paths[n])
end
"""


def watch_story(base, title, committed, served, window=0.95):
    """Load the home page on fresh connections (so across the workers) until ``window``
    seconds after a commit: the time from the commit to the first answer showing the story
    after the last one still missing it, i.e. until every worker shows it (an upper bound:
    the watcher's first look may come late on a busy machine; ``window`` when it was still
    missing at the end). Each page it is served is counted in ``served``: they are readers'
    requests too."""
    shown_at = None
    while time.time() < committed + window:
        time.sleep(POLL_SECONDS)  # a reader's pace, not a second load on the workers
        request = urllib.request.Request(base + "/", headers={"Host": "127.0.0.1"})
        with urllib.request.urlopen(request, timeout=10) as response:
            if title.encode() not in response.read():
                shown_at = None
            elif shown_at is None:
                shown_at = time.time()
        served[0] += 1
    return window if shown_at is None else max(0.0, shown_at - committed)


def watch_publisher(publisher, base, delays, served):
    for line in publisher.stdout:
        if line.startswith("{"):  # the shell may print a banner first
            delays.append(watch_story(base, **json.loads(line), served=served))


def publish_storm(database, urls, duration):
    """The home page, a section and an article under wrk (page cache on, two workers) while
    another process publishes a story every second: throughput as a ratio of the floor,
    quiet and during the storm, and for each story the time from its commit until every
    worker shows it."""
    env = django_env(database, NEWSROOM_PAGE_CACHE_SECONDS="300", REDIS_URL=REDIS,
                     WEB_CONCURRENCY=STORM_WORKERS)  # fmt: skip
    run(["redis-cli", "-u", REDIS, "FLUSHDB"], capture_output=True)
    base = f"http://127.0.0.1:{PORT}"
    paths = [urls["home"], urls["section"], urls["article"]]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(ROTATE % ", ".join(f'"{path}"' for path in paths))
    rotate = ["-s", script.name]
    # The floor under the same load generator: wrk running the same script (its Lua call a
    # request costs wrk about a twentieth of its speed here), over the floor's address.
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as floor_script:
        floor_script.write(ROTATE % ", ".join(['"/healthz"'] * len(paths)))
    rotate_floor = ["-s", floor_script.name]
    with Gunicorn(env) as server:
        wrk(base + "/", 1, extra=rotate)  # warm-up
        before = floor_sample(base, duration, extra=rotate_floor)
        cpu = server.worker_cpu_seconds()
        quiet = wrk(base + "/", duration, extra=rotate)
        quiet["worker_cpu_ms"] = per_request_ms(server.worker_cpu_seconds() - cpu, quiet, duration)
        publisher = subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", PUBLISHER],
            cwd=ROOT, env=dict(env, STORM_STORIES=str(duration)), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        while publisher.stdout.readline().strip() != "ready":
            pass
        delays, served = [], [0]
        watcher = threading.Thread(
            target=watch_publisher, args=(publisher, base, delays, served)
        )  # fmt: skip
        watcher.start()
        publisher.stdin.write("go\n")
        publisher.stdin.flush()
        cpu = server.worker_cpu_seconds()
        stormy = wrk(base + "/", duration, extra=rotate)
        watched = served[0]  # the watcher's pages during wrk's window (near enough)
        stormy["watcher_rps"] = round(watched / duration, 1)
        stormy["worker_cpu_ms"] = per_request_ms(
            server.worker_cpu_seconds() - cpu, stormy, duration
        )
        publisher.wait()
        watcher.join()
        after = floor_sample(base, duration, extra=rotate_floor)
    Path(script.name).unlink()
    Path(floor_script.name).unlink()
    manage(env, "shell", "-c", "from articles.models import Article; "
           "Article.objects.filter(source_document='bench-storm').delete()")  # fmt: skip
    floor = (before["rps"] + after["rps"]) / 2
    delays.sort()
    return {
        "floor_rps": round(floor, 1),
        "quiet": quiet | {"ratio": round(quiet["rps"] / floor, 3)},
        "storm": stormy
        | {
            "ratio": round(stormy["rps"] / floor, 3),
            "ratio_with_watcher": round((stormy["rps"] + stormy["watcher_rps"]) / floor, 3),
        },
        "published": len(delays),
        "visible_p50_s": round(delays[len(delays) // 2], 3) if delays else None,
        "visible_max_s": round(delays[-1], 3) if delays else None,
        "urls": paths,
    }


def per_request_ms(cpu_seconds, sample, duration):
    """The workers' CPU time per page served in a window (the watcher's pages included)."""
    served = sample["rps"] * duration + sample.get("watcher_rps", 0) * duration
    return round(cpu_seconds * 1000 / served, 3) if served else None


def floor_seconds(duration):
    return max(2, duration // 2)


def floor_sample(base, duration, extra=()):
    """The floor, /healthz under wrk. /healthz runs none of the app (the first middleware
    answers it), so errors there are the machine's or the load generator's, not a page's:
    such a sample is measured once more, and kept in the report (``failed_first``) beside
    the one used. A second failure stands, and fails the run."""
    sample = wrk(base + "/healthz", floor_seconds(duration), extra=extra)
    if sample["errors"] or sample["non_2xx"]:
        again = wrk(base + "/healthz", floor_seconds(duration), extra=extra)
        sample = again | {"failed_first": sample}
    return sample


def wrk(url, duration, cookie=None, extra=()):
    cmd = ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", "-H", "Host: 127.0.0.1", *extra]
    if cookie:
        cmd += ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    result = parse_wrk(out)
    if result["rps"] == 0 or result["errors"] or result["non_2xx"]:
        # What went wrong, where CI's log shows it: wrk's own report and the server's log.
        print(f"wrk {url}:\n{out}", file=sys.stderr)
        if Gunicorn.running is not None:
            print("gunicorn's log ends:\n" + Gunicorn.running.log_tail(), file=sys.stderr)
    return result


def _ms(text):
    match = re.match(r"([\d.]+)(\w+)", text)
    if match is None:  # wrk prints "-nan" when no request completed
        return float("nan")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    kinds = ("connect", "read", "write", "timeout")
    socket_errors = dict.fromkeys(kinds, 0)
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        socket_errors = dict(zip(kinds, map(int, match.groups()), strict=True))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    result = {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": sum(socket_errors.values())}
    if result["errors"]:
        result["socket_errors"] = socket_errors
    return result | {"non_2xx": non2xx}


def what_failed(page):
    """A failed row's errors by kind, sample by sample for the floor (measured between
    every two pages: the sample says which page it followed)."""
    samples = page.get("samples", [page])
    return "; ".join(
        f"sample {n}: {sample.get('socket_errors', {})}, non-2xx {sample['non_2xx']}"
        for n, sample in enumerate(samples)
        if sample["errors"] or sample["non_2xx"]
    )


def existing_archive(name, size):
    """True when database ``name`` already holds a synthetic archive of ``size`` stories."""
    query = "SELECT count(*) FROM articles_article WHERE source_document = 'bench'"
    result = subprocess.run(
        ["psql", f"{PG_BASE}/{name}", "-tA", "-c", query], capture_output=True, text=True
    )
    return result.returncode == 0 and result.stdout.strip() == str(size)


def measure(size, duration, warmup, reuse=False, storm_only=False):
    name = f"newsroom_bench_{size}"
    bench_data_seconds = None
    if reuse and existing_archive(name, size):
        database = f"{PG_BASE}/{name}"
        env = django_env(database)
        manage(env, "migrate", "-v0")
        run(["psql", database, "-q", "-c", "VACUUM ANALYZE"], capture_output=True)
    else:
        database = fresh_database(name)
        env = django_env(database)
        manage(env, "migrate", "-v0")
        started = time.monotonic()
        manage(env, "bench_data", "--articles", str(size))
        bench_data_seconds = round(time.monotonic() - started, 1)
    urls = pick_urls(env)
    cookie = editor_cookie(env)
    counts = json.loads(
        manage(env, "bench_queries", *urls.values(), capture=True).strip().splitlines()[-1]
    )
    results = {"bench_data_seconds": bench_data_seconds, "modes": {}}
    modes = [
        ("uncached", {"NEWSROOM_PAGE_CACHE_SECONDS": "0"}),
        ("cached", {"NEWSROOM_PAGE_CACHE_SECONDS": "300", "REDIS_URL": REDIS}),
    ]
    for mode, extra in [] if storm_only else modes:
        if mode == "cached":
            run(["redis-cli", "-u", REDIS, "FLUSHDB"], capture_output=True)
        pages = {}
        with Gunicorn(django_env(database, **extra)) as server:
            base = f"http://127.0.0.1:{PORT}"
            targets = dict(urls)
            if mode == "uncached":
                targets["admin"] = "/admin/articles/article/"
            # The floor is measured again between pages, and each page is compared with the
            # floors on either side of it: this machine's speed drifts during a run.
            floors = [floor_sample(base, duration)]
            for name, path in targets.items():
                cookie_for = cookie if name == "admin" else None
                wrk(base + path, warmup, cookie_for)  # warm-up
                pages[name] = wrk(base + path, duration, cookie_for) | {"url": path}
                pages[name].update(counts.get(path, {}))
                floors.append(floor_sample(base, duration))
                around = (floors[-2]["rps"] + floors[-1]["rps"]) / 2
                pages[name]["floor_rps"] = round(around, 1)
                pages[name]["ratio"] = round(pages[name]["rps"] / around, 3) if around else None
            if mode == "uncached":
                flooded = under_login_flood(base, urls["home"], duration) | {"url": urls["home"]}
                floors.append(floor_sample(base, duration))
                around = (floors[-2]["rps"] + floors[-1]["rps"]) / 2
                flooded["floor_rps"] = round(around, 1)
                flooded["ratio"] = round(flooded["rps"] / around, 3) if around else None
                pages["home, logins flooded"] = flooded
            rss, pss = server.worker_rss_mb()
        # The floor's own row: its median sample (every sample is in the report).
        floor = dict(sorted(floors, key=lambda sample: sample["rps"])[len(floors) // 2])
        floor.update(
            url="/healthz", ratio=1.0, samples=floors,
            errors=sum(sample["errors"] for sample in floors),
            non_2xx=sum(sample["non_2xx"] for sample in floors),
        )  # fmt: skip
        pages = {"floor": floor} | pages
        results["modes"][mode] = {"pages": pages, "worker_rss_mb": rss, "worker_pss_mb": pss}
    results["publish_storm"] = publish_storm(database, urls, duration)
    return results


def import_page_seconds():
    env = django_env(f"sqlite:///{ROOT}/.bench-import.sqlite3")
    Path(ROOT / ".bench-import.sqlite3").unlink(missing_ok=True)
    manage(env, "migrate", "-v0")
    manage(env, "loaddata", "fixtures/reference.json", "-v0")
    started = time.monotonic()
    manage(env, "import_page", "fixtures/source/000_18634d81e59b4d2f.txt", capture=True)
    seconds = round(time.monotonic() - started, 2)
    Path(ROOT / ".bench-import.sqlite3").unlink(missing_ok=True)
    return seconds


def report(results):
    lines = []
    for size, data in results["sizes"].items():
        made = data["bench_data_seconds"]
        note = f"bench_data {made} s" if made is not None else "archive reused"
        lines.append(f"\n## {size} stories ({note})\n")
        lines.append("Ratios are to the floor measured just before and just after each page.\n")
        lines.append("| page | mode | req/s | p50 ms | p99 ms | errors | ratio | queries | bytes |")
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for mode, block in data["modes"].items():
            for name, page in block["pages"].items():
                lines.append(
                    f"| {name} | {mode} | {page['rps']:.0f} | {page['p50_ms']:.1f} | "
                    f"{page['p99_ms']:.1f} | {page['errors'] + page['non_2xx']} | "
                    f"{page['ratio']:.1%} | {page.get('queries', '')} | {page.get('bytes', '')} |"
                )
            lines.append(
                f"| worker RSS ({mode}) | | {block['worker_rss_mb']} MB "
                f"(PSS {block.get('worker_pss_mb')} MB) | | | | | | |"
            )
            retried = [
                sample["failed_first"]
                for sample in block["pages"]["floor"]["samples"]
                if "failed_first" in sample
            ]
            if retried:
                lines.append(
                    f"\n{len(retried)} floor sample(s) had errors and were measured again: "
                    + "; ".join(what_failed(sample) for sample in retried)
                    + ".\n"
                )
            flooded = block["pages"].get("home, logins flooded")
            if flooded:
                lines.append(
                    f"\nDuring 'home, logins flooded', {FLOODERS} clients posted wrong passwords:"
                    f" answers by status {flooded['logins']}.\n"
                )
        storm = data.get("publish_storm")
        if storm:
            lines.append(
                f"\nPublish storm ({storm['published']} stories, one a second, {STORM_WORKERS}"
                f" workers, page cache on; home, section and article in turn): "
                f"{storm['quiet']['ratio']:.0%} of the floor quiet, "
                f"{storm['storm']['ratio']:.0%} during the storm "
                f"({storm['storm']['ratio_with_watcher']:.0%} with the watcher's own "
                f"{storm['storm']['watcher_rps']} pages/s); each story on every worker "
                f"within {storm['visible_p50_s']} s (p50), {storm['visible_max_s']} s (worst). "
                f"The workers' CPU time a page: {storm['quiet']['worker_cpu_ms']} ms quiet, "
                f"{storm['storm']['worker_cpu_ms']} ms during the storm."
            )
    sizes = list(results["sizes"])
    if len(sizes) > 1:
        first, last = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
        lines.append(f"\n## p50 growth, {sizes[0]} → {sizes[-1]} stories (uncached)\n")
        for name, page in last["modes"]["uncached"]["pages"].items():
            before = first["modes"]["uncached"]["pages"].get(name)
            if before and before["p50_ms"]:
                growth = page["p50_ms"] / before["p50_ms"]
                lines.append(
                    f"- {name}: {before['p50_ms']:.1f} → {page['p50_ms']:.1f} ms ({growth:.2f}×)"
                )
    lines.append(f"\nimport_page (seed page): {results['import_page_seconds']} s")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="1000 stories, 2 s a page")
    parser.add_argument(
        "--reuse", action="store_true", help="keep an archive of the right size from a past run"
    )
    parser.add_argument("--storm-only", action="store_true", help="only the publish storm")
    args = parser.parse_args()
    if args.smoke:
        args.sizes, args.duration, args.warmup = "1000", 2, 1
    ensure_wrk()
    env = django_env("sqlite:////tmp/unused-bench.sqlite3")
    run(["sh", "docker/collectstatic.sh"], env=dict(env, PYTHON=PYTHON))
    results = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count()},
        "wrk": "-t2 -c16",
        "sizes": {},
        "import_page_seconds": import_page_seconds(),
    }
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"-- {size} stories", flush=True)
        results["sizes"][size] = measure(
            size, args.duration, args.warmup, args.reuse, args.storm_only
        )
    text = report(results)
    print(text)
    out = ROOT / "bench" / "results" / f"{datetime.date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwritten: {out.relative_to(ROOT)}")
    failures = [
        f"{size} {mode} {name} ({what_failed(page)})"
        for size, data in results["sizes"].items()
        for mode, block in data["modes"].items()
        for name, page in block["pages"].items()
        if page["errors"] or page["non_2xx"]
    ] + [
        f"{size} publish storm"
        for size, data in results["sizes"].items()
        if data["publish_storm"]["storm"]["errors"] or data["publish_storm"]["storm"]["non_2xx"]
    ]
    if failures:
        sys.exit("errors or non-2xx responses: " + ", ".join(failures))


if __name__ == "__main__":
    main()
