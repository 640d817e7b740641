"""What every part of `scripts/bench` shares: where things live, the credentials the mock accepts,
measuring a child (wall, CPU, peak RSS), a fresh mock, the generated inputs and bodies, and the
table helpers. bench.py (the driver and its own parts) and the parts in modules of their own
(bench_binary, bench_profile, bench_service) import this module; it imports none of them.
"""
import json
import os
import re
import select
import signal
import ssl
import statistics
import subprocess
import sys
import time
import urllib.request

import bench_bodies


HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(REPO, ".bench")
DATA = os.path.join(WORK, "data")
RUNS = os.path.join(WORK, "runs")
TOKEN = "flowbatch-bench-token"
ORG = "DEMO0000000000000000@AdobeOrg"
API_KEY = "flowbatch-demo"
FLOW_PATH = "/data/foundation/flowservice"
# The bare AsyncHTTPClient loop of Benchmarks/ (bare-ahc-loop), by the options of each mode.
BARE_AHC = {"bare-ahc": [], "bare-ahc futures": ["--futures"]}
MIB = 1024 * 1024

_live = {}  # pid -> Popen of children still running, stopped on exit


def log(message):
    print(message, file=sys.stderr, flush=True)


def load1():
    return round(os.getloadavg()[0], 2)


def _stop_live(grace=10.0):
    """Stops every child still running, newest first (the client before its mock): SIGTERM to the
    process group each child leads (start_new_session; bench_spawn also passes it on and waits for
    its command), then SIGKILL to the group if the child is still there after `grace` seconds."""
    for pid in reversed(list(_live)):
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + grace
        while True:
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    break
            except ChildProcessError:
                break
            if time.monotonic() > deadline:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                deadline = time.monotonic() + grace  # SIGKILL cannot be refused: the next wait ends
            time.sleep(0.05)
        _live.pop(pid, None)


def _on_signal(number, frame):
    raise SystemExit(128 + number)


# ---------------------------------------------------------------- measuring children

def spawner():
    """bench_spawn, the small launcher that reports its child's peak RSS (see bench_spawn.c)."""
    return compiled("bench_spawn.c", "bench_spawn")


def compiled(source_name, binary_name, libraries=()):
    """A helper C program compiled with gcc -O2 (once, again when its source changes)."""
    source = os.path.join(HERE, source_name)
    binary = os.path.join(DATA, binary_name)
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        subprocess.run(["gcc", "-O2", "-o", binary + ".tmp", source, *libraries], check=True)
        os.replace(binary + ".tmp", binary)
    return binary


def measure(args, env=None, stdout=None, stderr=None, label=""):
    """Runs args to the end; wall seconds, CPU seconds and peak RSS.

    Wall and CPU time (ru_utime + ru_stime of the child and its reaped descendants) come from
    os.wait4 here. Peak RSS comes from bench_spawn's own wait4 on the command: a child forked from
    this Python process would start from this process's peak RSS (see bench_spawn.c)."""
    out = open(stdout or os.devnull, "wb")
    err = open(stderr or os.devnull, "wb")
    report = os.path.join(DATA, f".spawn-{os.getpid()}.txt")
    sample_load = load1()
    start = time.perf_counter()
    process = subprocess.Popen([spawner(), report, "--", *args], env=env, stdout=out, stderr=err,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    _live[process.pid] = process
    try:
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:  # interrupted: stop the child's process group, not only the launcher
        _stop_live()
        raise
    finally:
        _live.pop(process.pid, None)
        out.close()
        err.close()
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    with open(report, encoding="ascii") as handle:
        _, _, _, maxrss, code = handle.read().split()
    os.remove(report)
    result = {
        "wall_s": wall,
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_kib": int(maxrss),
        "exit": int(code),
        "load1": sample_load,
    }
    if label:
        log(f"  {label}: {wall:.2f} s wall, {result['cpu_s']:.2f} s CPU, "
            f"{result['peak_rss_kib'] / 1024:.1f} MiB peak, exit {result['exit']}, load {sample_load}")
    return result


def pinned(core, args):
    """args run on `core` only (taskset, which execs the command: the pid and wait4 stay its own);
    args unchanged when `core` is None."""
    return args if core is None else ["taskset", "-c", str(core), *args]


class Mock:
    """A fresh `flowbatch mock` on a free loopback port, on `core` if given, with `extra` options
    (faults), serving HTTPS with `tls` (TLSFiles) if given; stop() returns its own CPU and peak RSS."""

    def __init__(self, binary, latency_ms, log_path, core=None, extra=(), tls=None):
        if tls:
            extra = [*tls.mock_options(), *extra]
        self.context = ssl.create_default_context(cafile=tls.ca) if tls else None
        args = pinned(core, [binary, "mock", "--port", "0", "--static-token", TOKEN, "--latency",
                             f"{latency_ms}ms", "--log-level", "warning", *extra])
        self.log = open(log_path, "wb")
        self.ended = None
        self.usage = None
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        _live[self.process.pid] = self.process
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline().decode() if ready else ""
        match = re.search(r"listening on (https?://\S+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"the mock did not start (said {line!r}; see {log_path})")
        self.url = match.group(1).rstrip("/")
        self.endpoint = self.url + FLOW_PATH

    def died(self):
        """How the mock ended, if it ended on its own (a crash): 'exit N' or 'signal S', else None."""
        if self.ended is None:
            try:
                pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            except ChildProcessError:  # already stopped and reaped (an interrupted run)
                self.ended = "stopped"
                return None
            if pid == 0:
                return None
            self._ended(status, usage)
        return None if self.ended == "stopped" else self.ended

    def _ended(self, status, usage):
        code = os.waitstatus_to_exitcode(status)
        self.ended = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit {code}"
        self.usage = usage
        _live.pop(self.process.pid, None)

    def stats(self):
        with urllib.request.urlopen(self.url + "/__mock/stats", timeout=10, context=self.context) as answer:
            return json.load(answer)

    def count(self, route, status=None):
        """Answers to `route` (e.g. "POST /connections") so far, of `status` or of any."""
        return count_of(self.stats(), route, status)

    def stop(self):
        """Stops the mock (SIGTERM) and returns its CPU seconds and peak RSS."""
        if self.died() is None and self.ended is None:
            try:
                os.kill(self.process.pid, signal.SIGTERM)
                _, status, usage = os.wait4(self.process.pid, 0)
                self._ended(status, usage)
            except (ProcessLookupError, ChildProcessError):
                pass
        self.process.returncode = 0
        self.process.stdout.close()
        self.log.close()
        if self.usage is None:
            return {}
        return {"cpu_s": self.usage.ru_utime + self.usage.ru_stime, "peak_rss_kib": self.usage.ru_maxrss}


class TLSFiles:
    """A certificate authority made for the bench and a server certificate it signed for the mock
    (localhost and 127.0.0.1), with openssl, in `folder`: the mock serves HTTPS with `server` and
    `key` (--tls-cert, --tls-key); the clients trust `ca` (flowbatch's --ca-file, the peers'
    SSL_CERT_FILE). P-256 keys, as the tests' TestCertificates makes them."""

    def __init__(self, folder):
        os.makedirs(folder, exist_ok=True)
        self.ca = os.path.join(folder, "ca.pem")
        self.server = os.path.join(folder, "server.pem")
        self.key = os.path.join(folder, "server.key")
        key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        extensions = os.path.join(folder, "server.cnf")
        with open(extensions, "w", encoding="ascii") as handle:
            handle.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
                         "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
        ca_key, csr = os.path.join(folder, "ca.key"), os.path.join(folder, "server.csr")
        for args in (
            ["req", "-x509", *key, "-keyout", ca_key, "-out", self.ca, "-days", "2", "-subj", "/CN=flowbatch bench CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["req", *key, "-keyout", self.key, "-out", csr, "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", ca_key, "-CAcreateserial", "-out", self.server,
             "-days", "2", "-extfile", extensions],
        ):
            subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def mock_options(self):
        return ["--tls-cert", self.server, "--tls-key", self.key]


def count_of(stats, route, status=None):
    """Answers to `route` in a stats snapshot, of `status` (e.g. "429") or of any."""
    statuses = stats.get("requests", {}).get(route, {})
    return statuses.get(status, 0) if status else sum(statuses.values())


def requests_between(before, after):
    """{route: {status: n}} of the answers between two stats snapshots (routes that had none left out)."""
    routes = {}
    for route, statuses in after.get("requests", {}).items():
        earlier = before.get("requests", {}).get(route, {})
        delta = {status: n - earlier.get(status, 0) for status, n in statuses.items() if n - earlier.get(status, 0)}
        if delta:
            routes[route] = delta
    return routes


# ---------------------------------------------------------------- inputs

def input_file(python, rows, shape="bench", prefix="Source"):
    """The generated input of `rows` data rows of `shape` whose names start with `prefix` (see
    gen_input.py; made once, remade when the generator changes)."""
    name = "input" if (shape, prefix) == ("bench", "Source") else f"{shape}-{prefix.lower()}"
    path = os.path.join(DATA, f"{name}-{rows}.csv")
    generator = os.path.join(HERE, "gen_input.py")
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(generator):
        log(f"generating {rows:,} rows ({shape}, names '{prefix} …') into {os.path.relpath(path, REPO)}")
        subprocess.run([python, generator, "--rows", str(rows), "--shape", shape, "--prefix", prefix,
                        "--out", path + ".tmp"], check=True)
        os.replace(path + ".tmp", path)
    return path


def bodies_file(input_path, rows):
    """The bodies flowbatch sends for the first `rows` rows of input_path, for the peers."""
    path = os.path.join(DATA, f"bodies-{os.path.basename(input_path)[:-4]}-{rows}.tsv")
    sources = [input_path, os.path.join(HERE, "bench_bodies.py")]
    if not os.path.exists(path) or os.path.getmtime(path) < max(map(os.path.getmtime, sources)):
        count = bench_bodies.write(input_path, path + ".tmp", limit=rows)
        assert count == rows, (count, rows)
        os.replace(path + ".tmp", path)
    return path


def c_ceiling():
    """libcsv_count, compiled with gcc -O2 against libcsv."""
    return compiled("libcsv_count.c", "libcsv_count", ["-lcsv"])


def check_bodies(binary, input_path, env, scratch):
    """Checks that the peers' bodies are flowbatch's: its --dry-run prints each body (secrets masked)."""
    rows = 6
    out = os.path.join(scratch, "dry.txt")
    args = [binary, "run", input_path, "--dry-run", "--limit", str(rows), "--out", os.path.join(scratch, "dry.csv")]
    env = {k: v for k, v in env.items() if not k.startswith("AEP_")}  # no credentials: no look-ups, offline
    with open(out, "wb") as handle:
        subprocess.run(args, env=env, stdout=handle, stderr=subprocess.STDOUT, check=False)
    printed = open(out, encoding="utf-8").read()
    ours = []
    for index, row in enumerate(bench_bodies.rows(input_path)):
        if index == rows:
            break
        ours.append(bench_bodies.body(row, masked=True)[1])
    missing = [text for text in ours if text not in printed]
    if missing:
        raise RuntimeError("the peers' bodies differ from what flowbatch --dry-run prints; first ours:\n"
                           f"{missing[0]}\nflowbatch printed (see {out}):\n{printed[:1500]}")
    return rows


# ---------------------------------------------------------------- helpers

def median_of(samples, key):
    return statistics.median(sample[key] for sample in samples)


def summarize(samples, keys=("wall_s", "cpu_s", "peak_rss_kib", "load1")):
    """The median of each key over repeated samples, with the samples themselves."""
    summary = {key: median_of(samples, key) for key in keys}
    summary["samples"] = samples
    return summary


def table(headers, rows, align=None):
    align = align or ["l"] + ["r"] * (len(headers) - 1)
    lines = ["| " + " | ".join(headers) + " |",
             "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def short(rows):
    """10000 -> 10k, 1000000 -> 1M, 500 -> 500."""
    for size, suffix in ((1000000, "M"), (1000, "k")):
        if rows >= size and rows % size == 0:
            return f"{rows // size}{suffix}"
    return f"{rows:,}"


def mib(kib):
    return f"{kib / 1024:.1f}"


def fmt(value, digits=0):
    return f"{value:,.{digits}f}"
