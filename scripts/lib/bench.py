#!/usr/bin/env python3
"""The driver of `scripts/bench`: measures flowbatch against its peers and the ideal, in one run, on
the same rows (within each part) and the same mock server. Run it through `scripts/bench`, which installs what it needs
and builds flowbatch (and the bare AsyncHTTPClient loop of Benchmarks/) in release mode first.

Parts:
  ingest    validate vs a plain C libcsv parse vs Python's csv, on the bench file and on a 13-column
            file of quoted descriptions holding commas; peak RSS of validate and of --help
  binary    what the binary itself costs: shared libraries, what is resident at start, and release
            variants (--static-swift-stdlib, -Osize; every build links with --gc-sections) by size,
            RSS and ingest speed
  run       client CPU per row with the mock pinned to core 1 and each client to core 0 (flowbatch,
            aiohttp, parallel+curl, bare AsyncHTTPClient loop async and futures), 0 ms, over plain
            HTTP and (but parallel+curl) over TLS, the mock serving a certificate of a CA made for
            the bench; then the efficiency against N / latency at 20 ms, N = 64 and 256, pinned
  memory    peak RSS against the number of rows
  journal   fsyncs per row, and the cost of a durable journal
  listing   a sandbox of 9,000 existing connections: requests and time to the first create of a
            small and a big run, and what paging with the largest page or per-name look-ups cost;
            then client CPU of 20,000 rows into 40,000 existing connections against an empty sandbox
  throttle  the mock admitting 100 requests/s: rows/s against it, time against the ideal, 429s
  chain     `run --through flow` (4 creates a row) at N=64 against 20 ms latency, against the ideal
            rows × 4 × latency / N; beside it `--through connection` on four times the rows
  http2     flowbatch over TLS with HTTP/1.1 against HTTP/2 (the mock's --http2): CPU per row at 0 ms,
            efficiency at 20 ms, N = 64 and 256
  profile   flowbatch and its peers under valgrind's callgrind: instructions per row, and where
            flowbatch's go (by origin, malloc/ARC/tasks, top functions by inclusive cost)

Every child is timed with os.wait4: wall time, CPU time (ru_utime + ru_stime, its reaped
descendants included) and peak RSS (ru_maxrss: for a process tree, the largest single process).
Every run starts a fresh mock and writes to a fresh output folder. With two cores or more, the
mock runs on core 1 and the client on core 0 (taskset), so neither's CPU hides the other's.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_binary  # noqa: E402
import bench_chain  # noqa: E402
import bench_http2  # noqa: E402
import bench_profile  # noqa: E402
import bench_service  # noqa: E402
from bench_common import (API_KEY, BARE_AHC, DATA, HERE, ORG, REPO, RUNS, TOKEN, WORK, Mock, TLSFiles,  # noqa: E402
                          _on_signal, _stop_live, bodies_file, c_ceiling, check_bodies, fmt, input_file, log,
                          measure, mib, pinned, short, summarize, table)
# The helpers every part shares live in bench_common, which imports no part: no module imports this one.

TLS = "over TLS"  # the suffix of a client's name in the run part's rounds over TLS


class Bench:
    def __init__(self, options):
        self.options = options
        self.binary = options.bin
        self.bare_ahc = options.bare_ahc
        self.python = sys.executable
        # The mock on core 1, every client on core 0: the client's CPU is its own, and the mock
        # never waits for the client's core (nor the client for the mock's).
        pin = not options.no_pin and (os.cpu_count() or 1) >= 2 and shutil.which("taskset")
        self.client_core, self.mock_core = (0, 1) if pin else (None, None)
        self.targets = []
        self.report = {}
        self.markdown = []
        self.serial = 0
        self.tls_files = None
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

    def pinning(self):
        """How the run was placed, for the tables' notes."""
        if self.client_core is None:
            return "client and mock not pinned (they share every core)"
        return f"mock pinned to core {self.mock_core}, client to core {self.client_core} (taskset)"

    def mock(self, latency_ms, folder, extra=(), tls=False):
        return Mock(self.binary, latency_ms, os.path.join(folder, "mock.log"), core=self.mock_core, extra=extra,
                    tls=self.tls() if tls else None)

    def tls(self):
        """The bench's CA and the mock's certificate (made once a bench run, in .bench/tls)."""
        if self.tls_files is None:
            self.tls_files = TLSFiles(os.path.join(WORK, "tls"))
        return self.tls_files

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
        if tool in BARE_AHC:
            if not self.bare_ahc:
                raise RuntimeError("bare-ahc-loop is not built (Benchmarks/ is missing)")
            return [self.bare_ahc, mock.endpoint, bodies_path, str(concurrency), *BARE_AHC[tool]]
        raise ValueError(tool)

    def one_run(self, tool, latency_ms, concurrency, input_path, bodies_path, rows, env=None, wrap=None, keep=False,
                mock_extra=(), extra=(), check=True, tls=False):
        """One measured run of `tool` (on the client core) against a fresh mock (on the mock core,
        with `mock_extra` options); `extra` options go to flowbatch. Checks that the mock created
        exactly `rows`, unless `check` is false (the throttle scenario reports what happened).
        With `tls`, the mock serves HTTPS with the bench's certificate and the client trusts the
        bench's CA: flowbatch by `--ca-file`, the peers by SSL_CERT_FILE."""
        over = "-tls" if tls else ""
        folder = self.scratch(f"{tool.replace('+', '-').replace(' ', '')}{over}-{latency_ms}ms-n{concurrency}-{rows}")
        mock = self.mock(latency_ms, folder, mock_extra, tls=tls)
        env = env or self.env
        if tls and tool == "flowbatch":
            extra = [*extra, "--ca-file", self.tls().ca]
        elif tls:
            env = dict(env, SSL_CERT_FILE=self.tls().ca)
        try:
            args = [*self.client_args(tool, mock, concurrency, input_path, bodies_path, folder), *extra]
            if wrap:
                args = wrap(folder) + args
            result = measure(pinned(self.client_core, args), env=env,
                             stdout=os.path.join(folder, "stdout.txt"), stderr=os.path.join(folder, "stderr.txt"),
                             label=f"{tool}{' over TLS' if tls else ''} {latency_ms} ms N={concurrency} {rows:,} rows")
            died = mock.died()
            if died:
                raise RuntimeError(f"the mock ended during the {tool} run ({died}); the client said "
                                   f"exit {result['exit']}; see {folder}")
            stats = mock.stats()
        finally:
            result_mock = mock.stop()
        created = stats.get("connections")
        posts = stats.get("requests", {}).get("POST /connections", {})
        summary_path = os.path.join(folder, "summary.json")
        if os.path.exists(summary_path):
            with open(summary_path, encoding="utf-8") as handle:
                result["summary"] = json.load(handle)
        result.update({"rows": rows, "created": created, "posts": posts, "mock_cpu_s": result_mock.get("cpu_s"),
                       "rows_per_s": rows / result["wall_s"], "folder": folder, "stats": stats})
        if check and (result["exit"] != 0 or created != rows or stats.get("duplicateNames")):
            raise RuntimeError(f"{tool} at {latency_ms} ms, N={concurrency}: exit {result['exit']}, the mock created "
                               f"{created} of {rows} (answers {posts}, duplicate names "
                               f"{len(stats.get('duplicateNames') or [])}); see {folder}")
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
        return result

    def repeated(self, fn):
        return self.summary_of([fn() for _ in range(self.options.repeat)])

    def interleaved(self, runs):
        """{name: summary} of `--repeat` calls of each function of `runs` ({name: fn}), called in
        rounds (one of each, in turn) so that a change of the machine's load falls on all alike."""
        samples = {name: [] for name in runs}
        for _ in range(self.options.repeat):
            for name, fn in runs.items():
                samples[name].append(fn())
        return {name: self.summary_of(taken) for name, taken in samples.items()}

    @staticmethod
    def summary_of(samples):
        keys = ("wall_s", "cpu_s", "user_s", "sys_s", "peak_rss_kib", "load1")
        if "rows_per_s" in samples[0]:
            keys += ("rows_per_s", "mock_cpu_s")
        summary = summarize([{k: v for k, v in s.items() if k != "stats"} for s in samples], keys)
        for key in ("rows", "created", "posts"):
            if key in samples[0]:
                summary[key] = samples[0][key]
        return summary

    # ------------------------------------------------------------ ingest

    def validate_args(self, path):
        return [self.binary, "validate", path]

    def ingest_files(self):
        """{label: path} of the ingest part's inputs, `--ingest-rows` rows each."""
        rows = self.options.ingest_rows
        return {"bench (11 columns)": input_file(self.python, rows),
                "described (13 columns, quoted commas)": input_file(self.python, rows, shape="described")}

    def ingest_round(self, tools, rows, folder):
        """One measurement of each of `tools` ({name: args}) on a file of `rows` rows, each checked:
        the parsers counted every record, validate found every row valid. {name: result}."""
        results = {}
        for name, args in tools.items():
            out = os.path.join(folder, f"{self.serial}-{name.split()[0]}.txt")
            self.serial += 1
            result = measure(args, env=self.env, stdout=out, stderr=out + ".err", label=f"{name} {rows:,} rows")
            text = open(out, encoding="utf-8", errors="replace").read()
            if result["exit"] != 0:
                raise RuntimeError(f"{name} failed (exit {result['exit']}): see {out}")
            if not name.startswith("flowbatch"):
                counted = int(text.split()[0])
                if counted != rows + 1:
                    raise RuntimeError(f"{name} counted {counted} records, expected {rows + 1}")
            else:
                result["said"] = text.strip().splitlines()[-1] if text.strip() else ""
                match = re.search(r"(\d+) rows checked: (\d+) valid", result["said"])
                if not match or int(match.group(1)) != rows or int(match.group(2)) != rows:
                    raise RuntimeError(f"flowbatch validate did not check {rows} valid rows: {result['said']!r}")
            results[name] = result
        return results

    def part_ingest(self):
        rows = self.options.ingest_rows
        ceiling = c_ceiling()
        folder = self.scratch("ingest")
        report = {"rows": rows, "files": {}}
        for label, path in self.ingest_files().items():
            size = os.path.getsize(path)
            with open(path, "rb") as handle:  # the same warm page cache for everyone
                while handle.read(1 << 22):
                    pass
            tools = {
                "flowbatch validate": self.validate_args(path),
                "C libcsv (ceiling)": [ceiling, path],
                "Python csv.reader": [self.python, os.path.join(HERE, "python_csv_count.py"), path],
            }
            samples = {name: [] for name in tools}
            for _ in range(self.options.repeat):
                for name, result in self.ingest_round(tools, rows, folder).items():
                    samples[name].append(result)
            results = {}
            for name in tools:
                summary = summarize(samples[name])
                summary["rows_per_s"] = rows / summary["wall_s"]
                summary["mb_per_s"] = size / 1e6 / summary["wall_s"]
                results[name] = summary
            fb, c, py = (results[n] for n in tools)
            vs_c, vs_py = fb["rows_per_s"] / c["rows_per_s"], fb["rows_per_s"] / py["rows_per_s"]
            self.emit(f"### Ingest, {label}: {rows:,} rows, {size / 1e6:.1f} MB (median of {self.options.repeat})")
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
            short_label = label.split()[0]
            self.target("ingest", f"{short_label}: validate ≥ 0.6× the C libcsv parse", f"{vs_c:.2f}×", "≥ 0.60×",
                        vs_c >= 0.6)
            self.target("ingest", f"{short_label}: validate ≥ 2× Python csv.reader", f"{vs_py:.2f}×", "≥ 2.00×",
                        vs_py >= 2)
            self.target("ingest", f"{short_label}: validate peak RSS at {rows:,} rows ≤ 16 MiB",
                        f"{mib(fb['peak_rss_kib'])} MiB", "≤ 16 MiB", fb["peak_rss_kib"] <= 16 * 1024)
            report["files"][label] = {"path": path, "bytes": size, "results": results, "flowbatch_vs_c": vs_c,
                                      "flowbatch_vs_python": vs_py, "flowbatch_vs_c_by_cpu": c["cpu_s"] / fb["cpu_s"]}
        helps = summarize([measure([self.binary, "--help"], env=self.env, label="flowbatch --help")
                           for _ in range(self.options.repeat)])
        self.emit(f"`flowbatch --help` alone: peak RSS {mib(helps['peak_rss_kib'])} MiB, "
                  f"{helps['wall_s'] * 1000:.0f} ms wall, {helps['cpu_s'] * 1000:.0f} ms CPU (load {helps['load1']:.2f}); "
                  "what that is made of: `scripts/bench binary`.")
        self.emit()
        report["help"] = helps
        self.report["ingest"] = report
        shutil.rmtree(folder, ignore_errors=True)

    # ------------------------------------------------------------ run

    def run_tools(self, candidates):
        """The clients of `candidates` this run measures: not --skip'ped, bare-ahc only when built."""
        return [tool for tool in candidates
                if tool not in self.options.skip and (tool not in BARE_AHC or self.bare_ahc)]

    def part_run(self):
        rows = self.options.rows
        curl_rows = min(self.options.curl_rows, rows)
        input_path = input_file(self.python, rows)
        bodies = bodies_file(input_path, rows)
        curl_bodies = bodies_file(input_path, curl_rows)
        checked = check_bodies(self.binary, input_path, self.env, self.scratch("dry-run"))
        log(f"the peers' bodies match flowbatch --dry-run on the first {checked} rows")

        def runner(tool, latency, concurrency, tls=False):
            n_rows, path = (curl_rows, curl_bodies) if tool == "parallel+curl" else (rows, bodies)
            return lambda: self.one_run(tool, latency, concurrency, input_path, path, n_rows, tls=tls)

        # Client CPU per row at 0 ms: the mock answers at once, so the client's CPU is all its own work.
        # Over plain HTTP, then (but for parallel+curl, a TLS handshake a row) over TLS, in the same rounds.
        n = self.options.cpu_concurrency
        tools = self.run_tools(["flowbatch", "aiohttp", "parallel+curl", *BARE_AHC])
        tls_tools = [] if self.options.no_tls else [tool for tool in tools if tool != "parallel+curl"]
        both = self.interleaved({**{tool: runner(tool, 0, n) for tool in tools},
                                 **{f"{tool} {TLS}": runner(tool, 0, n, tls=True) for tool in tls_tools}})
        for summary in both.values():
            for key in ("cpu", "user", "sys", "mock_cpu"):
                if summary.get(f"{key}_s") is not None:
                    summary[f"{key}_ms_per_row"] = 1000 * summary[f"{key}_s"] / summary["rows"]
        cpu = {tool: both[tool] for tool in tools}
        tls = {tool: both[f"{tool} {TLS}"] for tool in tls_tools}
        fb = cpu["flowbatch"]
        self.emit(f"### Client CPU per row: 0 ms, N={n}, {self.pinning()} (median of {self.options.repeat})")
        self.emit()
        lines = [[tool, fmt(r["rows"]), f"{r['cpu_ms_per_row']:.3f}", f"{r['user_ms_per_row']:.3f}",
                  f"{r['sys_ms_per_row']:.3f}", f"{fb['cpu_ms_per_row'] / r['cpu_ms_per_row']:.2f}×",
                  fmt(r["rows_per_s"]), f"{r['mock_cpu_ms_per_row']:.3f}" if "mock_cpu_ms_per_row" in r else "—",
                  mib(r["peak_rss_kib"]), fmt(r["load1"], 2)]
                 for tool, r in cpu.items()]
        self.emit(table(["client", "rows", "CPU ms/row", "user", "sys", "flowbatch ÷ this", "rows/s",
                         "mock CPU ms/row", "peak RSS MiB", "load"], lines))
        self.emit()
        self.emit("CPU ms/row is the client's own (user + sys of its process tree, from wait4), the mock's apart. "
                  "bare-ahc is Benchmarks/' bare-ahc-loop: AsyncHTTPClient POSTing the same bodies with the same "
                  "pool and nothing else (async/await; `futures`: its EventLoopFuture API), the floor this library "
                  f"allows. parallel+curl ran the first {curl_rows:,} rows (one process per row); the others "
                  f"{rows:,}. Every run checked: the mock created exactly that many connections.")
        self.emit()
        floors = [cpu[t] for t in BARE_AHC if t in cpu]
        if floors:
            floor = min(floors, key=lambda r: r["cpu_ms_per_row"])
            ratio = fb["cpu_ms_per_row"] / floor["cpu_ms_per_row"]
            self.target("run", f"0 ms, N={n}: CPU/row ≤ 1.5× the bare AHC loop (its cheaper mode)", f"{ratio:.2f}×",
                        "≤ 1.50×", ratio <= 1.5)
        if "aiohttp" in cpu:
            ratio = fb["cpu_ms_per_row"] / cpu["aiohttp"]["cpu_ms_per_row"]
            self.target("run", f"0 ms, N={n}: CPU/row ≤ 0.5× aiohttp's", f"{ratio:.2f}×", "≤ 0.50×", ratio <= 0.5)
        if tls:
            self.emit_tls(tls, cpu, n)

        # Efficiency at latency: rows/s against the ideal N / latency.
        latency = self.options.latency
        tools = self.run_tools(["flowbatch", "aiohttp", "bare-ahc"])
        efficiency = []
        for concurrency in self.options.efficiency_concurrency:
            group = self.interleaved({tool: runner(tool, latency, concurrency) for tool in tools})
            for tool, summary in group.items():
                summary.update({"tool": tool, "concurrency": concurrency, "latency_ms": latency,
                                "ideal_rows_per_s": concurrency / (latency / 1000),
                                "cpu_ms_per_row": 1000 * summary["cpu_s"] / summary["rows"]})
                summary["efficiency"] = summary["rows_per_s"] / summary["ideal_rows_per_s"]
                efficiency.append(summary)
            target = 0.95 if concurrency <= 64 else 0.9
            mine = group["flowbatch"]["efficiency"]
            self.target("run", f"{latency} ms, N={concurrency}: ≥ {target} of N / latency", f"{mine:.3f}",
                        f"≥ {target:.2f}", mine >= target)
        self.emit(f"### Efficiency at {latency} ms: rows/s ÷ (N / latency), {self.pinning()} "
                  f"(median of {self.options.repeat})")
        self.emit()
        self.emit(table(["N", "client", "rows", "rows/s", "ideal rows/s", "efficiency", "CPU ms/row", "mock CPU s",
                         "load"],
                        [[r["concurrency"], r["tool"], fmt(r["rows"]), fmt(r["rows_per_s"]), fmt(r["ideal_rows_per_s"]),
                          f"{r['efficiency']:.3f}", f"{r['cpu_ms_per_row']:.3f}", fmt(r.get("mock_cpu_s") or 0, 2),
                          fmt(r["load1"], 2)] for r in efficiency], ["r", "l", "r", "r", "r", "r", "r", "r", "r"]))
        self.emit()
        self.emit(f"With the client on one core, rows/s cannot pass 1000 ÷ (its CPU ms/row): at N=256 the ideal "
                  f"{fmt(256 / (latency / 1000))} rows/s asks for ≤ {1000 / (256 / (latency / 1000)):.3f} ms a row.")
        self.emit()
        self.report["run"] = {"rows": rows, "curl_rows": curl_rows, "pinning": self.pinning(),
                              "cpu": cpu, "cpu_tls": tls, "efficiency": efficiency}

    def emit_tls(self, tls, plain, n):
        """The table of client CPU per row over TLS, beside the same run over plain HTTP."""
        fb = tls["flowbatch"]
        self.emit(f"### Client CPU per row over TLS: 0 ms, N={n}, {self.pinning()} (median of {self.options.repeat})")
        self.emit()
        lines = [[tool, fmt(r["rows"]), f"{r['cpu_ms_per_row']:.3f}", f"{r['user_ms_per_row']:.3f}",
                  f"{r['sys_ms_per_row']:.3f}", f"{fb['cpu_ms_per_row'] / r['cpu_ms_per_row']:.2f}×",
                  fmt(r["rows_per_s"]), f"{r['mock_cpu_ms_per_row']:.3f}" if "mock_cpu_ms_per_row" in r else "—",
                  mib(r["peak_rss_kib"]), f"{r['cpu_ms_per_row'] / plain[tool]['cpu_ms_per_row']:.2f}×",
                  fmt(r["load1"], 2)]
                 for tool, r in tls.items()]
        self.emit(table(["client", "rows", "CPU ms/row", "user", "sys", "flowbatch ÷ this", "rows/s",
                         "mock CPU ms/row", "peak RSS MiB", "÷ plain HTTP", "load"], lines))
        self.emit()
        self.emit("The same runs as the table above (in the same rounds), the mock serving HTTPS (`--tls-cert`, "
                  "`--tls-key`) with a certificate signed by a CA made for the bench (openssl, P-256, in "
                  ".bench/tls): flowbatch trusts it by `--ca-file` (besides the system store), aiohttp and the bare "
                  "loop by `SSL_CERT_FILE`. Each client opens its N connections once (one handshake each) and "
                  "keeps them; parallel+curl (a handshake a row) is left out. `÷ plain HTTP`: this client's CPU "
                  "per row over TLS ÷ over plain HTTP.")
        self.emit()
        if "aiohttp" in tls:
            ratio = fb["cpu_ms_per_row"] / tls["aiohttp"]["cpu_ms_per_row"]
            self.target("run", f"0 ms, N={n}, TLS: CPU/row ≤ 0.5× aiohttp's over TLS", f"{ratio:.2f}×", "≤ 0.50×",
                        ratio <= 0.5)

    # ------------------------------------------------------------ the parts in modules of their own

    def part_binary(self):
        bench_binary.part(self)

    def part_listing(self):
        bench_service.part_listing(self)

    def part_throttle(self):
        bench_service.part_throttle(self)

    def part_profile(self):
        bench_profile.part(self)

    def part_chain(self):
        bench_chain.part(self)

    def part_http2(self):
        bench_http2.part(self)

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


PARTS = ["ingest", "binary", "run", "memory", "journal", "listing", "throttle", "chain", "http2", "profile"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] + "\n\n" + __doc__.split("\n\n")[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", nargs="?", default="all", choices=[*PARTS, "all"])
    parser.add_argument("--bin", required=True, help="the release flowbatch binary")
    parser.add_argument("--bare-ahc", help="the release bare-ahc-loop binary of Benchmarks/ (left out if not given)")
    parser.add_argument("--repeat", type=int, default=3, help="repeat each measurement K times; report the median "
                        "(default 3)")
    parser.add_argument("--json", help="also write the results as JSON to this path")
    parser.add_argument("--no-pin", action="store_true", help="do not pin the mock and the clients to cores")
    parser.add_argument("--rows", type=int, default=20000, help="rows for the run part (default 20,000)")
    parser.add_argument("--curl-rows", type=int, default=500, help="rows for parallel+curl (default 500)")
    parser.add_argument("--no-tls", action="store_true", help="leave out the run part's rows over TLS")
    parser.add_argument("--cpu-concurrency", type=int, default=64, help="N of the CPU-per-row table (default 64)")
    parser.add_argument("--latency", type=int, default=20, help="mock latency in ms of the efficiency table "
                        "(default 20)")
    parser.add_argument("--efficiency-concurrency", default="64,256", help="N of the efficiency table "
                        "(default 64,256)")
    parser.add_argument("--skip", default="", help="clients to leave out of the run part, comma-separated "
                        "(flowbatch is always run): aiohttp, parallel+curl, bare-ahc, 'bare-ahc futures'")
    parser.add_argument("--ingest-rows", type=int, default=1000000, help="rows for the ingest and binary parts "
                        "(default 1,000,000)")
    parser.add_argument("--variants", default=",".join(bench_binary.VARIANTS), help="release variants the binary "
                        f"part builds and measures (default {','.join(bench_binary.VARIANTS)})")
    parser.add_argument("--journal-rows", type=int, default=20000, help="rows for the journal part (default 20,000)")
    parser.add_argument("--memory-run-rows", default="10000,200000", help="small,large rows for run's peak RSS")
    parser.add_argument("--memory-validate-rows", default="100000,1000000", help="small,large rows for validate's")
    parser.add_argument("--existing", type=int, default=9000, help="connections already in the sandbox of the "
                        "listing part (default 9,000)")
    parser.add_argument("--listing-rows", default="20,2000", help="small,big files of the listing part "
                        "(default 20,2000)")
    parser.add_argument("--scale-rows", type=int, default=20000, help="rows of the listing part's scale row "
                        "(default 20,000)")
    parser.add_argument("--scale-existing", type=int, default=40000, help="connections already in the sandbox of "
                        "the listing part's scale row, against an empty one (default 40,000)")
    parser.add_argument("--throttle-rows", type=int, default=3000, help="rows of the throttle part (default 3,000)")
    parser.add_argument("--throttle-rps", type=int, default=100, help="what the mock admits in the throttle part "
                        "(default 100 requests/s)")
    parser.add_argument("--chain-rows", type=int, default=1000, help="rows of the chain part (default 1,000)")
    parser.add_argument("--chain-concurrency", type=int, default=64, help="N of the chain part (default 64)")
    parser.add_argument("--profile-rows", default="200,2000", help="small,big runs under callgrind; their "
                        "difference gives the instructions per row (default 200,2000)")
    parser.add_argument("--profile-top", type=int, default=30, help="functions to list by inclusive cost (default 30)")
    options = parser.parse_args()
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    options.efficiency_concurrency = [int(x) for x in options.efficiency_concurrency.split(",")]
    options.skip = set(filter(None, options.skip.split(",")))
    options.variants = [v for v in options.variants.split(",") if v]
    unknown = set(options.variants) - set(bench_binary.VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; known: {', '.join(bench_binary.VARIANTS)}")
    options.memory_run_rows = tuple(int(x) for x in options.memory_run_rows.split(","))
    options.memory_validate_rows = tuple(int(x) for x in options.memory_validate_rows.split(","))
    options.listing_rows = tuple(int(x) for x in options.listing_rows.split(","))
    options.profile_rows = tuple(int(x) for x in options.profile_rows.split(","))

    signal.signal(signal.SIGTERM, _on_signal)
    started = datetime.datetime.now(datetime.timezone.utc)
    bench = Bench(options)
    parts = PARTS if options.part == "all" else [options.part]
    load_start = os.getloadavg()
    bench.emit(f"## flowbatch benchmark — {started.strftime('%Y-%m-%d %H:%M UTC')}")
    bench.emit()
    bench.emit(f"Machine: {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}; "
               f"flowbatch {flowbatch_commit() or '?'} (release: {os.path.relpath(options.bin, REPO)}); load average at start "
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
            "options": {key: sorted(value) if isinstance(value, set) else value
                        for key, value in vars(options).items()},
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
