"""Requests a second through PutRight's web servers, measured by a load generator made for the job.

    .venv/bin/python benchmarks/load.py [--clients 20] [--seconds 15] [--queue-only] [--no-dev]
        [--database-url URL | --reuse DIR] [--baseline ROOT] [--rounds 1] [--workers N]
        [--generator wrk|threads] [--path PATH] [--work DIR]

For each server in turn (`putright serve`, gunicorn; then `putright serve --dev`, Django's
development server, unless --no-dev) it starts the server on 127.0.0.1 with the production
settings (a secret key, no demo, plain HTTP on loopback), gives each of --clients connections a
signed-in handler's session of its own, and has them ask, round and round, for the queue page, a
case page and the residents' complaint form (its start page and its first question); with
--queue-only, for the queue page alone (issue 19's measure). Each run lasts --seconds.

The database:
- by default the demo landlord, built in --work (default /tmp/putright-load-bench, kept between runs);
- --reuse DIR: the SQLite database benchmarks/queue.py built in DIR (DIR/bench.sqlite3, a million
  cases with `--cases 1000000`); --database-url URL: any database queue.py built (PostgreSQL too).
  The sessions are then the queue benchmark's `bench-handler`'s, made directly in the database
  (that user has no password). Nothing else is written to it but sessions, which are deleted after.

The load generator is wrk (https://github.com/wg/wrk), a C program that keeps 20 connections busy
with a small fraction of one core, so the server has the machine's CPU, as it would in production.
Install it with `apt-get install wrk` (Debian and Ubuntu); when it is missing and the benchmark runs
as root, the benchmark runs that itself. `--generator threads` keeps the old clients: Python threads
in this process (they take CPU from the server on a small machine, so their figures are lower).

--baseline ROOT serves a second checkout of PutRight (for example `git worktree add /tmp/base main`)
with this checkout's virtual environment, in the same run, alternating with this one --rounds times,
so the two are compared under the same load on the machine; the medians of the rounds are printed.

Printed for each run: requests, requests a second, the 50th/95th/99th percentile times, errors
(any answer but a 200, and failed or timed-out connections; a page that redirects to sign-in is an
error), the 1-minute load average at the end, the CPU the server used (its master and workers) as
a share of the machine's, and the load generator's. Loopback only; not part of the tests.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PUTRIGHT = str(ROOT / ".venv" / "bin" / "putright")  # imports PutRight from PYTHONPATH first (--baseline)
TICKS = os.sysconf("SC_CLK_TCK")

# Makes a signed-in session for USER without a password, as the sign-in view would leave it.
MAKE_SESSIONS = """
import sys, time, django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from putright.operations.sessions import SessionStore
from putright.operations.sessions import SIGNED_IN_AT
user = get_user_model().objects.get(username=sys.argv[1])
for _ in range(int(sys.argv[2])):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s[SIGNED_IN_AT] = time.time()
    s.create()
    print(s.session_key)
"""
DROP_SESSIONS = """
import sys, django
django.setup()
from importlib import import_module
from django.conf import settings
engine = import_module(settings.SESSION_ENGINE)  # wherever this checkout keeps its sessions
for key in sys.argv[1:]:
    engine.SessionStore(session_key=key).delete()
"""

# wrk: one thread a connection, each with its own session cookie; paths taken in turn; any
# answer but a 200 counted; the percentiles printed in a line this script reads.
WRK_SCRIPT = """
local counter = 0
local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
function init(args)
  cookie = args[id]
  paths = {}
  for i = %(clients)d + 1, #args do paths[#paths + 1] = args[i] end
  turn = id
  not_ok = 0
end
function request()
  turn = turn + 1
  return wrk.format("GET", paths[(turn %% #paths) + 1], {["Cookie"] = cookie})
end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("not_ok") end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration, bad,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk with apt-get …", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("benchmarks/load.py needs wrk: `apt-get install wrk` (or --generator threads)")
    return found


def get(port: int, path: str, cookie: str | None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def sign_in_demo(port: int) -> str:
    """The demo handler, signed in through the sign-in page (the demo has its password)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/sign-in/", headers={"Host": f"127.0.0.1:{port}"})
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/sign-in/", body=f"csrfmiddlewaretoken={token}&username=handler&password=putright-demo", headers={
        "Host": f"127.0.0.1:{port}", "Cookie": f"csrftoken={csrf_cookie}", "Origin": f"http://127.0.0.1:{port}",
        "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", ", ".join(response.headers.get_all("Set-Cookie") or []))
    conn.close()
    if response.status != 302 or not session:
        raise SystemExit(f"signing in failed ({response.status})")
    return session.group(1)


def process_tree_ticks(pid: int) -> int:
    """CPU ticks used by PID and its children, the finished ones included (waited for by PID)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        ppid, utime, stime, cutime, cstime = int(fields[1]), *map(int, fields[11:15])
        if int(entry.name) == pid:
            total += utime + stime + cutime + cstime
        elif ppid == pid:
            total += utime + stime
    return total


class Server:
    def __init__(self, name: str, root: Path, args: list[str], env: dict, work: Path):
        self.name, self.root = name, root
        self.port = free_port()
        self.env = dict(env, PYTHONPATH=str(root))
        self.log = open(work / f"{name}.log", "ab")
        command = [PUTRIGHT, "serve", "--addr", f"127.0.0.1:{self.port}", *args]
        self.process = subprocess.Popen(command, env=self.env, cwd=root, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 300  # the first start may collect static files
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped ({self.process.returncode}): see {self.log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the server did not start")

    def django(self, script: str, *args: str) -> str:
        return subprocess.run([PYTHON, "-c", script, *args], env=self.env, cwd=self.root, check=True,
                              capture_output=True, text=True).stdout

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def sessions_for(server: Server, options) -> list[str]:
    if options.demo:
        cookies = [f"sessionid={sign_in_demo(server.port)}" for _ in range(options.clients)]
    else:
        keys = server.django(MAKE_SESSIONS, "bench-handler", str(options.clients)).split()
        cookies = [f"sessionid={key}" for key in keys]
    return [with_csrf_cookie(server.port, cookie) for cookie in cookies]


def with_csrf_cookie(port: int, cookie: str) -> str:
    """The session cookie and the CSRF cookie the first page sets, sent back as a browser would
    (without it every page would make and set a new CSRF secret)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/cases/", headers={"Host": f"127.0.0.1:{port}", "Cookie": cookie})
        response = conn.getresponse()
        response.read()
        found = re.search(r"csrftoken=([^;]+)", ", ".join(response.headers.get_all("Set-Cookie") or []))
    finally:
        conn.close()
    return f"{cookie}; csrftoken={found.group(1)}" if found else cookie


def pages(port: int, cookie: str, options) -> list[str]:
    status, queue = get(port, "/cases/", cookie)
    if status != 200 or 'action="/sign-out/"' not in queue:
        raise SystemExit(f"the queue page did not answer a signed-in handler ({status})")
    if options.path:
        return options.path
    if options.queue_only:
        return ["/cases/"]
    case_paths = sorted(set(re.findall(r'href="(/cases/[A-Z]{2,4}-?[0-9][^"/]*/)"', queue)))[:10]
    if not case_paths:
        raise SystemExit("no case links on the queue page")
    _, start = get(port, "/", cookie)
    first_question = re.search(r'href="(/complain/[a-z0-9-]+/)"', start)
    form = first_question.group(1) if first_question else "/how-to-complain/"
    paths = []
    for case_path in case_paths:
        paths += ["/cases/", case_path, "/", form]
    return paths


def run_wrk(port: int, cookies: list[str], paths: list[str], options) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"clients": len(cookies)})
    command = [options.wrk, "-t", str(len(cookies)), "-c", str(len(cookies)), "-d", f"{options.seconds:g}s",
               "--timeout", "30s", "-s", script.name, f"http://127.0.0.1:{port}", "--", *cookies, *paths]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, _ = process.communicate()
    os.unlink(script.name)
    line = next((l for l in out.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk failed:\n{out}")
    requests, duration_us, bad, failed, p50, p95, p99, _ = map(int, line.split()[1:])
    return {"requests": requests, "wall": duration_us / 1e6, "errors": bad + failed,
            "p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000}


def run_threads(port: int, cookies: list[str], paths: list[str], options) -> dict:
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + options.seconds

    def client(cookie: str, offset: int) -> None:
        nonlocal errors
        i = offset
        while time.monotonic() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            started = time.monotonic()
            try:
                ok = get(port, path, cookie)[0] == 200
            except OSError:
                ok = False
            elapsed = time.monotonic() - started
            with lock:
                times.append(elapsed)
                errors += 0 if ok else 1

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(c, n)) for n, c in enumerate(cookies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - began
    cuts = statistics.quantiles(times, n=100) if len(times) > 1 else [0.0] * 99
    return {"requests": len(times), "wall": wall, "errors": errors,
            "p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def run(name: str, root: Path, args: list[str], env: dict, options) -> dict:
    server = Server(name, root, args, env, Path(options.work))
    cookies: list[str] = []
    try:
        cookies = sessions_for(server, options)
        paths = pages(server.port, cookies[0], options)
        for cookie in cookies:  # every session signed in, and every worker warm
            for path in dict.fromkeys(paths):
                get(server.port, path, cookie)
        generator = run_wrk if options.generator == "wrk" else run_threads
        ticks = process_tree_ticks(server.process.pid)
        mine = os.times()
        result = generator(server.port, cookies, paths, options)
        used = os.times()
        seconds = (process_tree_ticks(server.process.pid) - ticks) / TICKS
        result["server_cpu"] = seconds / result["wall"] / os.cpu_count()
        result["cpu_ms"] = seconds * 1000 / max(result["requests"], 1)
        result["load_cpu"] = ((used.children_user + used.children_system + used.user + used.system)
                              - (mine.children_user + mine.children_system + mine.user + mine.system)) / result["wall"] / os.cpu_count()
        result["load"] = os.getloadavg()[0]
        result["rps"] = result["requests"] / result["wall"]
        status, _ = get(server.port, paths[0], cookies[-1])
        if status != 200:
            raise SystemExit(f"after the run the session no longer reads the queue ({status})")
    finally:
        server.stop()
        if cookies and not options.demo:
            server.django(DROP_SESSIONS, *(c.partition("=")[2].partition(";")[0] for c in cookies))
    result["mode"] = name
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: putright serve's)")
    parser.add_argument("--work", default="/tmp/putright-load-bench", help="the demo database and the servers' logs")
    parser.add_argument("--queue-only", action="store_true", help="ask for the queue page only (issue 19's measure)")
    parser.add_argument("--path", action="append", help="ask for this page instead (repeat for several; e.g. a plain staff page)")
    parser.add_argument("--no-dev", action="store_true", help="time the production server only")
    parser.add_argument("--database-url", help="a database benchmarks/queue.py built (instead of the demo)")
    parser.add_argument("--reuse", metavar="DIR", help="the SQLite database benchmarks/queue.py built in DIR")
    parser.add_argument("--baseline", metavar="ROOT", help="another checkout of PutRight, served side by side")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each server (medians printed)")
    parser.add_argument("--generator", choices=["wrk", "threads"], default="wrk")
    options = parser.parse_args()
    work = Path(options.work)
    work.mkdir(parents=True, exist_ok=True)
    if options.generator == "wrk":
        options.wrk = ensure_wrk()

    env = {k: v for k, v in os.environ.items() if not k.startswith("PUTRIGHT_") and k not in ("DATABASE_URL", "PYTHONPATH")}
    # Production settings, but plain HTTP: the load is on loopback, with no proxy ending HTTPS.
    env.update(PUTRIGHT_VAR_DIR=str(work), PUTRIGHT_LOG_LEVEL="INFO", SECRET_KEY=secrets.token_urlsafe(50),
               PUTRIGHT_SSL_REDIRECT="0", ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="putright.settings")
    url = options.database_url or (f"sqlite:///{Path(options.reuse).resolve() / 'bench.sqlite3'}" if options.reuse else None)
    options.demo = url is None
    if url:
        env["DATABASE_URL"] = url
    else:
        subprocess.run([PUTRIGHT, "demo"], env=dict(env, PUTRIGHT_DEMO="1"),
                       check=True, stdout=subprocess.DEVNULL, cwd=ROOT)

    roots = [("this", ROOT)] + ([("baseline", Path(options.baseline).resolve())] if options.baseline else [])
    servers = [("gunicorn", ["--workers", str(options.workers)] if options.workers else [])]
    if not options.no_dev:
        servers.append(("dev", ["--dev"]))
    results: dict[tuple[str, str], list[dict]] = {}
    for round_ in range(options.rounds):
        order = roots if round_ % 2 == 0 else roots[::-1]
        for server, args in servers:
            for label, root in order:
                r = run(f"{server}-{label}", root, args, env, options)
                results.setdefault((server, label), []).append(r)
                print(f"  round {round_ + 1}: {server:<8} {label:<8} {r['rps']:7.1f} req/s  p50 {r['p50']:5.0f} ms  "
                      f"errors {r['errors']}  load {r['load']:.1f}  server CPU {r['server_cpu']:.0%}  {r['cpu_ms']:.1f} ms/req",
                      file=sys.stderr)

    what = "the queue page" if options.queue_only else "queue page, case pages, complaint form"
    what = ", ".join(options.path) if options.path else what
    database = "the demo landlord" if options.demo else url.split("@")[-1]
    print(f"{options.clients} clients ({options.generator}), {options.seconds:g} s a run, {options.rounds} round(s), "
          f"{os.cpu_count()} CPUs; {what}; {database}")
    print("load: 1-minute load average at the end of the run; server/load CPU: share of all the machine's CPUs; "
          "CPU ms/req: the server's CPU time per request")
    print(f"{'server':<20} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
          f"{'load':>5} {'server CPU':>10} {'CPU ms/req':>10} {'load CPU':>8}")
    for (server, label), runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "mode"}
        name = server if not options.baseline else f"{server} ({label})"
        print(f"{name:<20} {med['requests']:>8.0f} {med['rps']:>7.1f} {med['p50']:>7.0f} {med['p95']:>7.0f} "
              f"{med['p99']:>7.0f} {med['errors']:>6.0f} {med['load']:>5.1f} {med['server_cpu']:>10.0%} {med['cpu_ms']:>10.1f} {med['load_cpu']:>8.0%}")


if __name__ == "__main__":
    sys.exit(main())
