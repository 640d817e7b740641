#!/usr/bin/env python3
"""The driver of `scripts/bench`: measures flowbatch against its peers and the ideal, in one run, on
the same rows and the same mock server. Run it through `scripts/bench`, which installs what it needs
and builds flowbatch in release mode first.

Parts: ingest (validate vs a plain libcsv parse vs Python's csv), run (flowbatch vs GNU parallel +
curl vs Python asyncio + aiohttp, against the mock at 0 ms and 20 ms), memory (peak RSS against the
number of rows), journal (fsyncs per row, and the cost of a durable journal).

Every child is timed with os.wait4: wall time, CPU time (ru_utime + ru_stime, its reaped
descendants included) and peak RSS (ru_maxrss: for a process tree, the largest single process).
Every run starts a fresh mock and writes to a fresh output folder.
"""
import argparse
import datetime
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(REPO, ".bench")
DATA = os.path.join(WORK, "data")
RUNS = os.path.join(WORK, "runs")
sys.path.insert(0, HERE)
import bench_bodies  # noqa: E402

TOKEN = "flowbatch-bench-token"
ORG = "DEMO0000000000000000@AdobeOrg"
API_KEY = "flowbatch-demo"
FLOW_PATH = "/data/foundation/flowservice"
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


class Mock:
    """A fresh `flowbatch mock` on a free loopback port; stop() returns its own CPU and peak RSS."""

    def __init__(self, binary, latency_ms, log_path):
        args = [binary, "mock", "--port", "0", "--static-token", TOKEN, "--latency", f"{latency_ms}ms",
                "--log-level", "warning"]
        self.log = open(log_path, "wb")
        self.ended = None
        self.usage = None
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        _live[self.process.pid] = self.process
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline().decode() if ready else ""
        match = re.search(r"listening on (http://\S+)", line)
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
        with urllib.request.urlopen(self.url + "/__mock/stats", timeout=10) as answer:
            return json.load(answer)

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


# ---------------------------------------------------------------- inputs

def input_file(python, rows):
    """The generated input of `rows` data rows (made once, remade when the generator changes)."""
    path = os.path.join(DATA, f"input-{rows}.csv")
    generator = os.path.join(HERE, "gen_input.py")
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(generator):
        log(f"generating {rows:,} rows into {os.path.relpath(path, REPO)}")
        subprocess.run([python, generator, "--rows", str(rows), "--out", path + ".tmp"], check=True)
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


class Bench:
    def __init__(self, options):
        self.options = options
        self.binary = options.bin
        self.python = sys.executable
        self.targets = []
        self.report = {}
        self.markdown = []
        self.serial = 0
        self.config_home = os.path.join(WORK, "config")
        os.makedirs(self.config_home, exist_ok=True)
        os.makedirs(DATA, exist_ok=True)
        os.makedirs(RUNS, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AEP_") and not k.startswith("FLOWBATCH_")}
        env.update({"AEP_ACCESS_TOKEN": TOKEN, "AEP_ORG_ID": ORG, "AEP_API_KEY": API_KEY,
                    "XDG_CONFIG_HOME": self.config_home})
        self.env = env

    # ------------------------------------------------------------ plumbing

    def scratch(self, name):
        self.serial += 1
        path = os.path.join(RUNS, f"{self.serial:03d}-{name}")
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        return path

    def emit(self, text=""):
        print(text, flush=True)
        self.markdown.append(text)

    def target(self, part, what, value, goal, met):
        self.targets.append({"part": part, "target": what, "measured": value, "goal": goal, "met": bool(met)})

    def client_args(self, tool, mock, concurrency, input_path, bodies_path, folder):
        if tool == "flowbatch":
            return [self.binary, "run", input_path, "--out", os.path.join(folder, "results.csv"),
                    "--concurrency", str(concurrency), "--endpoint", mock.endpoint, "--ims-url", mock.url,
                    "--progress", "none", "--summary-json", os.path.join(folder, "summary.json")]
        if tool == "aiohttp":
            return [self.python, os.path.join(HERE, "peers", "aiohttp_post.py"), mock.endpoint, bodies_path,
                    str(concurrency)]
        if tool == "parallel+curl":
            return ["bash", os.path.join(HERE, "peers", "parallel_curl.sh"), mock.endpoint, bodies_path,
                    str(concurrency)]
        raise ValueError(tool)

    def one_run(self, tool, latency_ms, concurrency, input_path, bodies_path, rows, env=None, wrap=None, keep=False):
        """One measured run of `tool` against a fresh mock; checks the mock created exactly `rows`."""
        folder = self.scratch(f"{tool.replace('+', '-')}-{latency_ms}ms-n{concurrency}-{rows}")
        mock = Mock(self.binary, latency_ms, os.path.join(folder, "mock.log"))
        try:
            args = self.client_args(tool, mock, concurrency, input_path, bodies_path, folder)
            if wrap:
                args = wrap(folder) + args
            result = measure(args, env=env or self.env, stdout=os.path.join(folder, "stdout.txt"),
                             stderr=os.path.join(folder, "stderr.txt"),
                             label=f"{tool} {latency_ms} ms N={concurrency} {rows:,} rows")
            died = mock.died()
            if died:
                raise RuntimeError(f"the mock ended during the {tool} run ({died}); the client said "
                                   f"exit {result['exit']}; see {folder}")
            stats = mock.stats()
        finally:
            result_mock = mock.stop()
        created = stats.get("connections")
        posts = stats.get("requests", {}).get("POST /connections", {})
        result.update({"rows": rows, "created": created, "posts": posts, "mock_cpu_s": result_mock.get("cpu_s"),
                       "rows_per_s": rows / result["wall_s"], "folder": folder})
        if result["exit"] != 0 or created != rows or stats.get("duplicateNames"):
            raise RuntimeError(f"{tool} at {latency_ms} ms, N={concurrency}: exit {result['exit']}, the mock created "
                               f"{created} of {rows} (answers {posts}, duplicate names "
                               f"{len(stats.get('duplicateNames') or [])}); see {folder}")
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
        return result

    def repeated(self, fn):
        samples = [fn() for _ in range(self.options.repeat)]
        summary = summarize(samples, ("wall_s", "cpu_s", "peak_rss_kib", "load1", "rows_per_s", "mock_cpu_s")
                            if "rows_per_s" in samples[0] else ("wall_s", "cpu_s", "peak_rss_kib", "load1"))
        for key in ("rows", "created", "posts"):
            if key in samples[0]:
                summary[key] = samples[0][key]
        return summary

    # ------------------------------------------------------------ ingest

    def validate_args(self, path):
        return [self.binary, "validate", path]

    def part_ingest(self):
        rows = self.options.ingest_rows
        path = input_file(self.python, rows)
        size = os.path.getsize(path)
        ceiling = c_ceiling()
        with open(path, "rb") as handle:  # the same warm page cache for everyone
            while handle.read(1 << 22):
                pass
        tools = {
            "flowbatch validate": self.validate_args(path),
            "C libcsv (ceiling)": [ceiling, path],
            "Python csv.reader": [self.python, os.path.join(HERE, "python_csv_count.py"), path],
        }
        folder = self.scratch("ingest")
        samples = {name: [] for name in tools}
        for round_ in range(self.options.repeat):
            for name, args in tools.items():
                out = os.path.join(folder, f"{len(samples[name])}-{name.split()[0]}.txt")
                result = measure(args, env=self.env, stdout=out, stderr=out + ".err", label=f"{name} {rows:,} rows")
                text = open(out, encoding="utf-8", errors="replace").read()
                if result["exit"] != 0:
                    raise RuntimeError(f"{name} failed (exit {result['exit']}): see {out}")
                if name != "flowbatch validate":
                    counted = int(text.split()[0])
                    if counted != rows + 1:
                        raise RuntimeError(f"{name} counted {counted} records, expected {rows + 1}")
                else:
                    result["said"] = text.strip().splitlines()[-1] if text.strip() else ""
                    match = re.search(r"(\d+) rows checked: (\d+) valid", result["said"])
                    if not match or int(match.group(1)) != rows or int(match.group(2)) != rows:
                        raise RuntimeError(f"flowbatch validate did not check {rows} valid rows: {result['said']!r}")
                samples[name].append(result)
        results = {}
        for name in tools:
            summary = summarize(samples[name])
            summary["rows_per_s"] = rows / summary["wall_s"]
            summary["mb_per_s"] = size / 1e6 / summary["wall_s"]
            results[name] = summary
        fb, c, py = (results[n] for n in tools)
        vs_c = fb["rows_per_s"] / c["rows_per_s"]
        vs_py = fb["rows_per_s"] / py["rows_per_s"]
        self.emit(f"### Ingest: {rows:,} rows, {size / 1e6:.1f} MB (median of {self.options.repeat})")
        self.emit()
        self.emit(table(
            ["parser", "rows/s", "MB/s", "wall s", "CPU s", "peak RSS MiB", "flowbatch speed ÷ this",
             "same, by CPU time", "load"],
            [[name, fmt(r["rows_per_s"]), fmt(r["mb_per_s"], 1), fmt(r["wall_s"], 2), fmt(r["cpu_s"], 2),
              mib(r["peak_rss_kib"]), f"{fb['rows_per_s'] / r['rows_per_s']:.2f}×",
              f"{r['cpu_s'] / fb['cpu_s']:.2f}×", fmt(r["load1"], 2)]
             for name, r in results.items()]))
        self.emit()
        self.emit(f"flowbatch validate said: `{samples['flowbatch validate'][0].get('said', '')}`")
        self.emit()
        self.target("ingest", "validate ≥ 0.6× the C libcsv parse", f"{vs_c:.2f}×", "≥ 0.60×", vs_c >= 0.6)
        self.target("ingest", "validate ≥ 2× Python csv.reader", f"{vs_py:.2f}×", "≥ 2.00×", vs_py >= 2)
        self.target("ingest", f"validate peak RSS at {rows:,} rows < 16 MiB", f"{mib(fb['peak_rss_kib'])} MiB",
                    "< 16 MiB", fb["peak_rss_kib"] < 16 * 1024)
        self.report["ingest"] = {"rows": rows, "bytes": size, "results": results,
                                 "flowbatch_vs_c": vs_c, "flowbatch_vs_python": vs_py,
                                 "flowbatch_vs_c_by_cpu": c["cpu_s"] / fb["cpu_s"],
                                 "flowbatch_vs_python_by_cpu": py["cpu_s"] / fb["cpu_s"]}
        shutil.rmtree(folder, ignore_errors=True)

    # ------------------------------------------------------------ run

    def part_run(self):
        rows = self.options.rows
        curl_rows = min(self.options.curl_rows, rows)
        input_path = input_file(self.python, rows)
        bodies = bodies_file(input_path, rows)
        curl_bodies = bodies_file(input_path, curl_rows)
        checked = check_bodies(self.binary, input_path, self.env, self.scratch("dry-run"))
        log(f"the peers' bodies match flowbatch --dry-run on the first {checked} rows")
        tools = ["flowbatch", "aiohttp", "parallel+curl"]
        results = []
        for latency in self.options.latencies:
            for concurrency in self.options.concurrency:
                group = {}
                for tool in tools:
                    if tool in self.options.skip:
                        continue
                    n_rows = curl_rows if tool == "parallel+curl" else rows
                    path = curl_bodies if tool == "parallel+curl" else bodies
                    summary = self.repeated(lambda: self.one_run(tool, latency, concurrency, input_path, path, n_rows))
                    summary.update({"tool": tool, "latency_ms": latency, "concurrency": concurrency})
                    if latency > 0:
                        summary["ideal_rows_per_s"] = concurrency / (latency / 1000)
                        summary["efficiency"] = summary["rows_per_s"] / summary["ideal_rows_per_s"]
                    summary["cpu_ms_per_row"] = 1000 * summary["cpu_s"] / summary["rows"]
                    # What the machine allows: every core busy with this client and the mock, nothing else.
                    both = summary["cpu_s"] + (summary.get("mock_cpu_s") or 0)
                    summary["cpu_bound_rows_per_s"] = (os.cpu_count() or 1) * summary["rows"] / both
                    group[tool] = summary
                    results.append(summary)
                fb = group.get("flowbatch")
                for tool, peer in group.items():
                    if fb and tool != "flowbatch":
                        fb[f"vs_{tool}"] = fb["rows_per_s"] / peer["rows_per_s"]
                        fb[f"cpu_per_row_vs_{tool}"] = fb["cpu_ms_per_row"] / peer["cpu_ms_per_row"]
        self.report["run"] = {"rows": rows, "curl_rows": curl_rows, "results": results}
        self.emit(f"### Run: one POST per row against the mock on loopback (median of {self.options.repeat})")
        self.emit()
        lines = []
        for r in results:
            lines.append([
                f"{r['latency_ms']} ms", r["concurrency"], r["tool"], fmt(r["rows"]), fmt(r["rows_per_s"]),
                fmt(r["ideal_rows_per_s"]) if "ideal_rows_per_s" in r else "—",
                f"{r['efficiency']:.2f}" if "efficiency" in r else "—",
                fmt(r["cpu_s"], 2), f"{r['cpu_ms_per_row']:.3f}", mib(r["peak_rss_kib"]),
                fmt(r["mock_cpu_s"], 2) if r.get("mock_cpu_s") is not None else "—",
                fmt(r["cpu_bound_rows_per_s"]), fmt(r["load1"], 2)])
        self.emit(table(["latency", "N", "client", "rows", "rows/s", "ideal rows/s", "efficiency", "CPU s",
                         "CPU ms/row", "peak RSS MiB", "mock CPU s", "CPU-bound rows/s", "load"], lines,
                        ["l", "r", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"]))
        self.emit()
        if curl_rows < rows:
            self.emit(f"parallel+curl ran the first {curl_rows:,} rows (one process per row is slow); the others "
                      f"all {rows:,}. Each run checked: the mock created exactly that many connections.")
        self.emit("Peak RSS of parallel+curl is its largest single process (GNU parallel's Perl), not the sum of "
                  "the N curls in flight. CPU s includes every child process; mock CPU s is the server's. "
                  f"CPU-bound rows/s = {os.cpu_count()} cores ÷ (client + mock CPU per row): the most this machine "
                  "could do with that client if nothing else ran, whatever the latency.")
        self.emit()
        ratio_lines = []
        for r in results:
            if r["tool"] != "flowbatch":
                continue
            cells = [f"{r['latency_ms']} ms", r["concurrency"]]
            for peer in ("aiohttp", "parallel+curl"):
                if f"vs_{peer}" in r:
                    cells += [f"{r['vs_' + peer]:.2f}×", f"{r['cpu_per_row_vs_' + peer]:.2f}"]
                else:
                    cells += ["—", "—"]
            ratio_lines.append(cells)
        self.emit("flowbatch against each peer (rows/s ratio; CPU per row ratio, below 1 is less CPU):")
        self.emit()
        self.emit(table(["latency", "N", "÷ aiohttp rows/s", "CPU/row ÷ aiohttp", "÷ parallel+curl rows/s",
                         "CPU/row ÷ parallel+curl"], ratio_lines, ["l", "r", "r", "r", "r", "r"]))
        self.emit()
        self.run_targets(results)

    def run_targets(self, results):
        def find(tool, latency, n):
            for r in results:
                if r["tool"] == tool and r["latency_ms"] == latency and r["concurrency"] == n:
                    return r
            return None

        fb = find("flowbatch", 20, 64)
        if fb:
            self.target("run", "20 ms, N=64: ≥ 0.95 of ideal", f"{fb['efficiency']:.3f}", "≥ 0.95",
                        fb["efficiency"] >= 0.95)
            if "vs_aiohttp" in fb:
                self.target("run", "20 ms, N=64: ≥ aiohttp", f"{fb['vs_aiohttp']:.2f}×", "≥ 1.00×",
                            fb["vs_aiohttp"] >= 1)
            if "vs_parallel+curl" in fb:
                self.target("run", "20 ms, N=64: ≥ 5× parallel+curl", f"{fb['vs_parallel+curl']:.1f}×", "≥ 5×",
                            fb["vs_parallel+curl"] >= 5)
        fb256 = find("flowbatch", 20, 256)
        if fb256:
            self.target("run", "20 ms, N=256: ≥ 0.9 of ideal", f"{fb256['efficiency']:.3f}", "≥ 0.90",
                        fb256["efficiency"] >= 0.9)
            if fb:
                for peer in ("aiohttp", "parallel+curl"):
                    key = f"vs_{peer}"
                    if key in fb and key in fb256:
                        self.target("run", f"20 ms: the gap to {peer} widens from N=64 to N=256",
                                    f"{fb[key]:.2f}× → {fb256[key]:.2f}×", "wider", fb256[key] > fb[key])
        fb0 = find("flowbatch", 0, 64)
        if fb0:
            self.target("run", "0 ms, N=64: ≥ 10,000 rows/s", fmt(fb0["rows_per_s"]), "≥ 10,000",
                        fb0["rows_per_s"] >= 10000)
            if "vs_aiohttp" in fb0:
                self.target("run", "0 ms, N=64: ≥ 2× aiohttp", f"{fb0['vs_aiohttp']:.2f}×", "≥ 2×",
                            fb0["vs_aiohttp"] >= 2)
            if "vs_parallel+curl" in fb0:
                self.target("run", "0 ms, N=64: ≥ 20× parallel+curl", f"{fb0['vs_parallel+curl']:.1f}×", "≥ 20×",
                            fb0["vs_parallel+curl"] >= 20)
            for peer in ("aiohttp", "parallel+curl"):
                key = f"cpu_per_row_vs_{peer}"
                if key in fb0:
                    self.target("run", f"0 ms, N=64: less CPU per row than {peer}",
                                f"{fb0['cpu_ms_per_row']:.3f} vs {find(peer, 0, 64)['cpu_ms_per_row']:.3f} ms",
                                "less", fb0[key] < 1)

    # ------------------------------------------------------------ memory

    def part_memory(self):
        small_run, large_run = self.options.memory_run_rows
        small_val, large_val = self.options.memory_validate_rows
        lines = []
        measured = {}
        for rows in (small_run, large_run):
            input_path = input_file(self.python, rows)
            summary = self.repeated(lambda: self.one_run("flowbatch", 0, 64, input_path, None, rows))
            measured[("run", rows)] = summary
            lines.append(["flowbatch run (0 ms, N=64)", fmt(rows), mib(summary["peak_rss_kib"]),
                          fmt(summary["wall_s"], 2), fmt(summary["rows_per_s"]), fmt(summary["load1"], 2)])
        for rows in (small_val, large_val):
            path = input_file(self.python, rows)
            samples = [measure(self.validate_args(path), env=self.env, label=f"validate {rows:,} rows")
                       for _ in range(self.options.repeat)]
            summary = summarize(samples)
            summary["rows_per_s"] = rows / summary["wall_s"]
            measured[("validate", rows)] = summary
            lines.append(["flowbatch validate", fmt(rows), mib(summary["peak_rss_kib"]), fmt(summary["wall_s"], 2),
                          fmt(summary["rows_per_s"]), fmt(summary["load1"], 2)])
        run_ratio = measured[("run", large_run)]["peak_rss_kib"] / measured[("run", small_run)]["peak_rss_kib"]
        val_ratio = measured[("validate", large_val)]["peak_rss_kib"] / measured[("validate", small_val)]["peak_rss_kib"]
        self.emit(f"### Memory: peak RSS against the number of rows (median of {self.options.repeat})")
        self.emit()
        self.emit(table(["command", "rows", "peak RSS MiB", "wall s", "rows/s", "load"], lines))
        self.emit()
        self.emit(f"run RSS({short(large_run)}) ÷ RSS({short(small_run)}) = {run_ratio:.2f}; "
                  f"validate RSS({short(large_val)}) ÷ RSS({short(small_val)}) = {val_ratio:.2f}")
        self.emit()
        large = measured[("run", large_run)]["peak_rss_kib"]
        self.target("memory", f"run peak RSS at {large_run:,} rows < 48 MiB", f"{mib(large)} MiB", "< 48 MiB",
                    large < 48 * 1024)
        self.target("memory", f"run RSS({short(large_run)}) ≤ 1.25× RSS({short(small_run)})", f"{run_ratio:.2f}×",
                    "≤ 1.25×", run_ratio <= 1.25)
        self.target("memory", f"validate RSS({short(large_val)}) ≤ 1.1× RSS({short(small_val)})",
                    f"{val_ratio:.2f}×", "≤ 1.10×", val_ratio <= 1.1)
        small_v = measured[("validate", small_val)]["peak_rss_kib"]
        self.target("memory", f"validate peak RSS at {small_val:,} rows < 16 MiB", f"{mib(small_v)} MiB", "< 16 MiB",
                    small_v < 16 * 1024)
        self.report["memory"] = {f"{kind}_{rows}": value for (kind, rows), value in measured.items()}
        self.report["memory"].update({"run_ratio": run_ratio, "validate_ratio": val_ratio})

    # ------------------------------------------------------------ journal

    def part_journal(self):
        rows = self.options.journal_rows
        input_path = input_file(self.python, rows)
        strace = shutil.which("strace")
        if not strace:
            raise RuntimeError("strace is missing (scripts/bench installs it)")
        counts, usecs = {}, {}

        def wrap(folder):
            return [strace, "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", os.path.join(folder, "strace.txt")]

        traced = self.one_run("flowbatch", 0, 64, input_path, None, rows, wrap=wrap, keep=True)
        for line in open(os.path.join(traced["folder"], "strace.txt"), encoding="utf-8"):
            parts = line.split()
            if parts and parts[-1] in ("fsync", "fdatasync"):
                counts[parts[-1]] = int(parts[3])
                usecs[parts[-1]] = int(parts[2])
        shutil.rmtree(traced["folder"], ignore_errors=True)
        syncs = sum(counts.values())
        per_row = syncs / rows
        # Throughput without strace: durable and non-durable runs, alternated so that load drifts evenly.
        rounds = max(self.options.repeat, 3)
        durable, loose = [], []
        no_sync = dict(self.env, FLOWBATCH_BENCH_JOURNAL_NO_SYNC="1")
        for _ in range(rounds):
            durable.append(self.one_run("flowbatch", 0, 64, input_path, None, rows))
            loose.append(self.one_run("flowbatch", 0, 64, input_path, None, rows, env=no_sync))
        keys = ("wall_s", "cpu_s", "peak_rss_kib", "load1", "rows_per_s")
        durable_s, loose_s = summarize(durable, keys), summarize(loose, keys)
        ratio = durable_s["rows_per_s"] / loose_s["rows_per_s"]
        self.emit(f"### Journal: {rows:,} rows, 0 ms, N=64")
        self.emit()
        self.emit(table(["measure", "value"], [
            ["fsync calls (strace -f -c)", counts.get("fsync", 0)],
            ["fdatasync calls", counts.get("fdatasync", 0)],
            ["µs per fdatasync (under strace)", usecs.get("fdatasync", "—")],
            ["syncs per row", f"{per_row:.4f} (1 per {rows / syncs:.0f} rows)" if syncs else "0"],
        ]))
        self.emit()
        self.emit(table(["journal", "rows/s", "wall s", "CPU s", "peak RSS MiB", "load"], [
            ["durable (group commit)", fmt(durable_s["rows_per_s"]), fmt(durable_s["wall_s"], 2),
             fmt(durable_s["cpu_s"], 2), mib(durable_s["peak_rss_kib"]), fmt(durable_s["load1"], 2)],
            ["FLOWBATCH_BENCH_JOURNAL_NO_SYNC=1", fmt(loose_s["rows_per_s"]), fmt(loose_s["wall_s"], 2),
             fmt(loose_s["cpu_s"], 2), mib(loose_s["peak_rss_kib"]), fmt(loose_s["load1"], 2)],
        ]))
        self.emit()
        self.emit(f"durable ÷ non-durable throughput = {ratio:.3f} (median of {rounds} alternated runs each)")
        self.emit()
        self.target("journal", "at most 1 fsync per 20 rows", f"{per_row:.4f} per row", "≤ 0.05", per_row <= 0.05)
        self.target("journal", "durable journal within 10% of non-durable", f"{ratio:.3f}", "≥ 0.90", ratio >= 0.9)
        self.report["journal"] = {"rows": rows, "syncs": counts, "usecs_per_call": usecs, "syncs_per_row": per_row,
                                  "durable": durable_s, "no_sync": loose_s, "ratio": ratio}


def flowbatch_commit():
    try:
        return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", nargs="?", default="all", choices=["ingest", "run", "memory", "journal", "all"])
    parser.add_argument("--bin", required=True, help="the release flowbatch binary")
    parser.add_argument("--repeat", type=int, default=1, help="repeat each measurement K times; report the median")
    parser.add_argument("--json", help="also write the results as JSON to this path")
    parser.add_argument("--rows", type=int, default=20000, help="rows for the run part (default 20,000)")
    parser.add_argument("--curl-rows", type=int, default=500, help="rows for parallel+curl (default 500)")
    parser.add_argument("--ingest-rows", type=int, default=1000000, help="rows for the ingest part (default 1,000,000)")
    parser.add_argument("--latencies", default="0,20", help="mock latencies in ms for the run part (default 0,20)")
    parser.add_argument("--concurrency", default="16,64,256", help="N for the run part (default 16,64,256)")
    parser.add_argument("--skip", default="", help="clients to leave out of the run part, comma-separated")
    parser.add_argument("--journal-rows", type=int, default=20000, help="rows for the journal part (default 20,000)")
    parser.add_argument("--memory-run-rows", default="10000,200000", help="small,large rows for run's peak RSS")
    parser.add_argument("--memory-validate-rows", default="100000,1000000", help="small,large rows for validate's")
    options = parser.parse_args()
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    options.latencies = [int(x) for x in options.latencies.split(",")]
    options.concurrency = [int(x) for x in options.concurrency.split(",")]
    options.skip = set(filter(None, options.skip.split(",")))
    options.memory_run_rows = tuple(int(x) for x in options.memory_run_rows.split(","))
    options.memory_validate_rows = tuple(int(x) for x in options.memory_validate_rows.split(","))

    signal.signal(signal.SIGTERM, _on_signal)
    started = datetime.datetime.now(datetime.timezone.utc)
    bench = Bench(options)
    parts = ["ingest", "run", "memory", "journal"] if options.part == "all" else [options.part]
    load_start = os.getloadavg()
    bench.emit(f"## flowbatch benchmark — {started.strftime('%Y-%m-%d %H:%M UTC')}")
    bench.emit()
    bench.emit(f"Machine: {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}; "
               f"flowbatch {flowbatch_commit() or '?'} (release); load average at start "
               f"{load_start[0]:.2f} / {load_start[1]:.2f} / {load_start[2]:.2f} (1/5/15 min). "
               f"The 'load' columns give the 1-minute load average as each measurement started.")
    bench.emit()
    part_times = {}
    try:
        for part in parts:
            log(f"== {part}")
            begin = time.perf_counter()
            getattr(bench, f"part_{part}")()
            part_times[part] = time.perf_counter() - begin
    finally:
        _stop_live()
    if bench.targets:
        bench.emit("### Targets")
        bench.emit()
        bench.emit(table(["part", "target", "measured", "goal", "met"],
                         [[t["part"], t["target"], t["measured"], t["goal"], "yes" if t["met"] else "**no**"]
                          for t in bench.targets], ["l", "l", "r", "r", "l"]))
        bench.emit()
    load_end = os.getloadavg()
    bench.emit(f"Took {sum(part_times.values()) / 60:.1f} min "
               f"({', '.join(f'{p} {s:.0f} s' for p, s in part_times.items())}); load average at the end "
               f"{load_end[0]:.2f} / {load_end[1]:.2f} / {load_end[2]:.2f}.")
    if options.json:
        document = {
            "date": started.isoformat(timespec="seconds"),
            "machine": {"cores": os.cpu_count(), "arch": platform.machine(), "kernel": platform.release(),
                        "loadavg_start": load_start, "loadavg_end": load_end},
            "flowbatch": {"commit": flowbatch_commit(), "binary": options.bin},
            "options": {"repeat": options.repeat, "rows": options.rows, "curl_rows": options.curl_rows,
                        "ingest_rows": options.ingest_rows, "latencies_ms": options.latencies,
                        "concurrency": options.concurrency},
            "parts": bench.report,
            "part_seconds": part_times,
            "targets": bench.targets,
            "markdown": "\n".join(bench.markdown),
        }
        with open(options.json, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2, default=str)
        log(f"wrote {options.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
