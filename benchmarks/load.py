"""Load on the web server: the production server (gunicorn) beside the development server.

    .venv/bin/python benchmarks/load.py [--clients 20] [--seconds 15] [--max-requests 5000] [--work DIR]

Builds the demo landlord in DIR (default /tmp/putright-load-bench; kept between runs), then for
each server in turn (`putright serve`, then `putright serve --dev`) starts it on 127.0.0.1,
signs in one handler session per client, and has --clients threads ask, round and round, for
the queue page, a case page and the residents' complaint form (its start page and its first
question). Each mode stops after --seconds or --max-requests, whichever comes first. Prints
requests per second, the 50th/95th/99th percentile times and the errors (anything but a
200 or a redirect, and failed connections) for each. Loopback only; not part of the tests.

The clients share this process, so on a small machine they take some of the CPU the server
would have: read the figures side by side, not as the server's ceiling.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUTRIGHT = str(ROOT / ".venv" / "bin" / "putright")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name] = rest.split(";")[0]
            return response.status, text
        finally:
            conn.close()

    def sign_in(self) -> None:
        _, page = self.request("GET", "/sign-in/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", "/sign-in/", f"csrfmiddlewaretoken={csrf}&username=handler&password=putright-demo")
        if status != 302:
            raise SystemExit(f"signing in failed ({status})")


def wait_for(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped ({process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def run_mode(name: str, args: list[str], env: dict, options) -> dict:
    port = free_port()
    log = open(Path(options.work) / f"{name}.log", "wb")
    process = subprocess.Popen([PUTRIGHT, "serve", "--addr", f"127.0.0.1:{port}", *args], env=env, stdout=log, stderr=log)
    try:
        wait_for(port, process)
        sessions = [Session(port) for _ in range(options.clients)]
        for session in sessions:
            session.sign_in()
        _, queue = sessions[0].request("GET", "/cases/")
        case_paths = sorted(set(re.findall(r'href="(/cases/[A-Z]{2,4}-?[0-9][^"/]*/)"', queue)))[:10]
        _, start = sessions[0].request("GET", "/")
        first_question = re.search(r'href="(/complain/[a-z0-9-]+/)"', start)
        paths = ["/cases/", *(case_paths[:1] or []), "/", first_question.group(1) if first_question else "/how-to-complain/"]
        if options.queue_only:
            paths = ["/cases/"]
        if not case_paths:
            raise SystemExit("no case links on the queue page")

        times: list[float] = []
        errors = 0
        lock = threading.Lock()
        stop_at = time.monotonic() + options.seconds
        budget = [options.max_requests]

        def client(session: Session, offset: int) -> None:
            nonlocal errors
            i = offset
            while time.monotonic() < stop_at:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                path = paths[i % len(paths)]
                if path.startswith("/cases/") and path != "/cases/":
                    path = case_paths[i % len(case_paths)]
                i += 1
                started = time.monotonic()
                try:
                    status, _ = session.request("GET", path)
                    ok = status in (200, 301, 302)
                except OSError:
                    ok = False
                elapsed = time.monotonic() - started
                with lock:
                    times.append(elapsed)
                    errors += 0 if ok else 1

        began = time.monotonic()
        threads = [threading.Thread(target=client, args=(s, n)) for n, s in enumerate(sessions)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - began
        load = os.getloadavg()[0]
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    cuts = statistics.quantiles(times, n=100) if len(times) > 1 else [0.0] * 99
    return {
        "mode": name, "requests": len(times), "rps": len(times) / wall,
        "p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000, "errors": errors, "load": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: putright serve's)")
    parser.add_argument("--work", default="/tmp/putright-load-bench")
    parser.add_argument("--queue-only", action="store_true", help="ask for the queue page only (issue 19's measure)")
    parser.add_argument("--no-dev", action="store_true", help="time the production server only")
    options = parser.parse_args()
    Path(options.work).mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUTRIGHT_")}
    env.update(PUTRIGHT_DEMO="1", PUTRIGHT_VAR_DIR=options.work, PUTRIGHT_LOG_LEVEL="WARNING")
    subprocess.run([PUTRIGHT, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)

    workers = ["--workers", str(options.workers)] if options.workers else []
    results = [run_mode("gunicorn", workers, env, options)]
    if not options.no_dev:
        results.append(run_mode("dev", ["--dev"], env, options))
    what = "the queue page" if options.queue_only else "queue page, case pages, complaint form"
    print(f"{options.clients} clients, at most {options.seconds:g} s or {options.max_requests} requests per server, "
          f"{os.cpu_count()} CPUs; {what}; load: 1-minute load average at the end of the run")
    print(f"{'server':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} {'load':>5}")
    for r in results:
        print(f"{r['mode']:<10} {r['requests']:>8} {r['rps']:>7.1f} {r['p50']:>7.0f} {r['p95']:>7.0f} {r['p99']:>7.0f} {r['errors']:>6} {r['load']:>5.1f}")


if __name__ == "__main__":
    sys.exit(main())
