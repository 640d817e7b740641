"""The bench's service scenarios: `listing` (a sandbox that already holds many connections) and
`throttle` (a service that admits a fixed number of requests a second). Both read the mock's
request counts by route and status (GET /__mock/stats, which is itself neither counted nor delayed).
"""
import http.client
import json
import math
import os
import statistics
import subprocess
import threading
import time
import urllib.parse

import bench_bodies
import bench_common as common

SPEC_FILTER = "connectionSpec.id==4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62"
# The figure for the real service: 90 listing pages of 100 in about 30 s.
SERVICE_SECONDS_PER_REQUEST = 30 / 90
NAMES_PER_LOOKUP = 40  # ORed in one `property=name==A,B,…` (about 1 KB of query); see `strategies`


def seed(b, mock, count, folder):
    """Creates `count` connections (names `Existing …`) in the mock with the fastest peer; not measured."""
    existing = common.input_file(b.python, count, prefix="Existing")
    bodies = common.bodies_file(existing, count)
    tool = "bare-ahc" if b.bare_ahc else "aiohttp"
    args = b.client_args(tool, mock, 64, existing, bodies, folder)
    with open(os.path.join(folder, "seed.txt"), "wb") as out:
        subprocess.run(args, env=b.env, stdout=out, stderr=subprocess.STDOUT, check=False)
    stats = mock.stats()
    if stats.get("connections") != count:
        raise RuntimeError(f"seeding {count:,} connections with {tool} left {stats.get('connections')}; see {folder}")
    return stats


class FirstCreate:
    """Watches the mock's count of creates from another thread; `seconds` is the time from `start`
    to the first create the mock answered (polled every 5 ms), or None; `stats` the mock's stats
    then (what the run had asked before it: its listing requests are sent one after the other)."""

    def __init__(self, mock, before):
        self.mock, self.before, self.seconds, self.stats = mock, before, None, None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def __enter__(self):
        self.start = time.perf_counter()
        self.thread.start()
        return self

    def watch(self):
        while not self.done.is_set():
            try:
                stats = self.mock.stats()
                if common.count_of(stats, "POST /connections") > self.before:
                    self.seconds = time.perf_counter() - self.start
                    self.stats = stats
                    return
            except OSError:
                pass
            self.done.wait(0.005)

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def is_listing(route):
    """A route of the connections listing (pages, counts, look-ups by name), not the spec's."""
    return route.startswith("GET /connections") and not route.startswith("GET /connectionSpecs")


def listing_run(b, rows, input_path, existing=None, extra=()):
    """A fresh mock holding `existing` connections (default `--existing`), then `flowbatch run` of
    `input_path` with `extra` options (on the client core; the seeding is not measured)."""
    existing = b.options.existing if existing is None else existing
    folder = b.scratch(f"listing-{rows}-into-{existing}{''.join(extra).replace('-', '')}")
    mock = b.mock(0, folder)
    try:
        before = seed(b, mock, existing, folder) if existing else mock.stats()
        args = [*b.client_args("flowbatch", mock, 64, input_path, None, folder), *extra]
        with FirstCreate(mock, common.count_of(before, "POST /connections")) as first:
            result = common.measure(common.pinned(b.client_core, args), env=b.env,
                                    stdout=os.path.join(folder, "stdout.txt"), stderr=os.path.join(folder, "stderr.txt"),
                                    label=f"flowbatch {rows:,} rows into {existing:,} existing")
        after = mock.stats()
    finally:
        mock.stop()
    created = after.get("connections", 0) - before.get("connections", 0)
    if result["exit"] != 0 or created != rows:
        raise RuntimeError(f"the listing run of {rows} rows: exit {result['exit']}, created {created}; see {folder}")
    result["first_create_s"] = first.seconds
    # The listing's requests (pages, count, look-ups) before the first create: the start-up.
    result["before_first_create"] = None if first.stats is None else sum(
        sum(statuses.values()) for route, statuses in common.requests_between(before, first.stats).items()
        if is_listing(route))
    result["requests"] = common.requests_between(before, after)
    result["request_count"] = sum(sum(s.values()) for s in result["requests"].values())
    return result


class Client:
    """Sequential GETs to the mock over one kept-alive connection, as a listing does (each page needs
    the one before it); counts requests."""

    def __init__(self, mock, env):
        url = urllib.parse.urlsplit(mock.url)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        self.headers = {"Authorization": "Bearer " + env["AEP_ACCESS_TOKEN"], "x-api-key": env["AEP_API_KEY"],
                        "x-gw-ims-org-id": env["AEP_ORG_ID"], "x-sandbox-name": "prod", "Accept": "application/json"}
        self.requests = 0

    def get(self, target):
        self.connection.request("GET", common.FLOW_PATH + target, headers=self.headers)
        answer = self.connection.getresponse()
        body = answer.read()
        self.requests += 1
        if answer.status != 200:
            raise RuntimeError(f"GET {target[:120]} answered {answer.status}: {body[:300]!r}")
        return json.loads(body)

    @staticmethod
    def query(pairs):
        return "/connections?" + "&".join(f"{k}={urllib.parse.quote(v, safe='')}" for k, v in pairs)

    def pages(self, limit):
        """Every generic REST connection, `limit` a page; their names."""
        names, target = set(), self.query([("property", SPEC_FILTER), ("limit", str(limit))])
        while target:
            page = self.get(target)
            names.update(item["name"] for item in page.get("items") or [])
            target = ((page.get("_links") or {}).get("next") or {}).get("href")
        return names

    def count(self):
        return self.get(self.query([("property", SPEC_FILTER), ("count", "true")]))["count"]

    def look_up(self, names, per_request):
        """The existing connections among `names`, `per_request` names ORed in one request."""
        found = set()
        for start in range(0, len(names), per_request):
            chunk = names[start:start + per_request]
            target = self.query([("property", SPEC_FILTER), ("property", "name==" + ",".join(chunk)),
                                 ("limit", "1000")])
            while target:
                page = self.get(target)
                found.update(item["name"] for item in page.get("items") or [])
                target = ((page.get("_links") or {}).get("next") or {}).get("href")
        return found


def strategies(b, files):
    """Requests and time of each way to learn which rows' names exist, for each file of `files`
    ({rows: path}), against a fresh mock holding `--existing` connections (sequential, from Python)."""
    folder = b.scratch("listing-strategies")
    mock = b.mock(0, folder)
    measured = []
    try:
        seed(b, mock, b.options.existing, folder)
        for rows, path in files.items():
            names = [row["name"] for row in bench_bodies.rows(path)]
            # A name holding a comma cannot be ORed (the comma would split it): it gets a request of its own.
            plain = [n for n in names if "," not in n]
            ways = {
                "pages of 100 (the service's default; flowbatch before)": lambda c: c.pages(100),
                "pages of 1,000 (the mock's largest)": lambda c: c.pages(1000),
                "count=true, then one look-up per name": lambda c: (c.count(), c.look_up(names, 1)),
                f"count=true, then {NAMES_PER_LOOKUP} names ORed per look-up":
                    lambda c: (c.count(), c.look_up(plain, NAMES_PER_LOOKUP),
                               c.look_up([n for n in names if "," in n], 1)),
            }
            for way, fn in ways.items():
                client = Client(mock, b.env)
                start = time.perf_counter()
                fn(client)
                seconds = time.perf_counter() - start
                # Pages follow each other; look-ups need not: with N in flight they take ceil(k / N) round trips.
                if way.startswith("pages"):
                    trips = client.requests
                else:
                    trips = 1 + math.ceil((client.requests - 1) / 64)
                measured.append({"rows": rows, "way": way, "requests": client.requests, "seconds": seconds,
                                 "round_trips_at_64": trips,
                                 "service_seconds": trips * SERVICE_SECONDS_PER_REQUEST})
                client.connection.close()
    finally:
        mock.stop()
    return measured


def part_listing(b):
    existing = b.options.existing
    files = {rows: common.input_file(b.python, rows) for rows in b.options.listing_rows}
    runs = {rows: b.summary_of([listing_run(b, rows, path) for _ in range(b.options.repeat)]) for rows, path in
            files.items()}
    lines = []
    for rows, summary in runs.items():
        samples = summary["samples"]
        first = [s["first_create_s"] for s in samples if s["first_create_s"] is not None]
        summary["first_create_s"] = statistics.median(first) if first else None
        requests = samples[0]["requests"]
        summary["requests"] = requests
        ahead = [s["before_first_create"] for s in samples if s["before_first_create"] is not None]
        summary["before_first_create"] = max(ahead) if ahead else None
        lines.append([common.fmt(rows), common.fmt(samples[0]["request_count"]),
                      "; ".join(f"{route} {sum(s.values()):,}" for route, s in sorted(requests.items())),
                      "—" if summary["before_first_create"] is None else common.fmt(summary["before_first_create"]),
                      f"{summary['first_create_s']:.2f}" if summary["first_create_s"] is not None else "—",
                      common.fmt(summary["wall_s"], 2), common.fmt(summary["load1"], 2)])
    b.emit(f"### Listing: flowbatch runs into a sandbox of {existing:,} generic REST connections "
           f"(0 ms, N=64, {b.pinning()}, median of {b.options.repeat})")
    b.emit()
    b.emit(common.table(["rows", "requests", "by route", "GET /connections before the first create", "s to the first create",
                         "s whole run", "load"], lines, ["r", "r", "l", "r", "r", "r", "r"]))
    b.emit()
    ways = strategies(b, files)
    b.emit("What each way of learning which names exist costs against the same sandbox (measured: requests, "
           "and seconds one after the other from Python against the mock at 0 ms; modelled: seconds against the "
           f"real service at {SERVICE_SECONDS_PER_REQUEST:.2f} s a request, the issue's 90 pages in ~30 s, "
           "look-ups 64 in flight, pages one after another):")
    b.emit()
    b.emit(common.table(["rows", "way", "requests", "s at the mock", "round trips", "s modelled at the service"],
                        [[common.fmt(w["rows"]), w["way"], common.fmt(w["requests"]), f"{w['seconds']:.2f}",
                          common.fmt(w["round_trips_at_64"]), f"{w['service_seconds']:.1f}"] for w in ways],
                        ["r", "l", "r", "r", "r", "r"]))
    b.emit()
    for rows in files:
        mine = [w for w in ways if w["rows"] == rows]
        best = min(mine, key=lambda w: (w["requests"], w["seconds"]))
        b.emit(f"{rows:,} rows: fewest requests: {best['way']} ({best['requests']:,}).")
    b.emit()
    small = min(runs)
    startup = runs[small]
    startup_requests = startup["before_first_create"]
    first_s = startup["first_create_s"]
    if startup_requests is not None:
        b.target("listing", f"{small:,} rows into {existing:,} existing: listing requests before the first create ≤ 3 "
                 "(as before)", f"{startup_requests}", "≤ 3", startup_requests <= 3)
    if first_s is not None:
        b.target("listing", f"{small:,} rows into {existing:,} existing: s to the first create ≤ 0.12 (as before)",
                 f"{first_s:.2f}", "≤ 0.12", first_s <= 0.12)
    scale = scale_runs(b)
    create = create_runs(b)
    b.report["listing"] = {"existing": existing, "runs": runs, "strategies": ways, "scale": scale, "create": create}


def create_runs(b):
    """`--if-exists create`, which needs to know no existing name: what it asks before its first
    create, into a sandbox of `--scale-existing` connections."""
    rows, existing = 2_000, b.options.scale_existing
    summary = b.summary_of([listing_run(b, rows, common.input_file(b.python, rows), existing=existing,
                                        extra=("--if-exists", "create")) for _ in range(b.options.repeat)])
    samples = summary["samples"]
    ahead = max((s["before_first_create"] for s in samples if s["before_first_create"] is not None), default=None)
    first = [s["first_create_s"] for s in samples if s["first_create_s"] is not None]
    listing = sum(n for route, statuses in samples[0]["requests"].items() if is_listing(route) for n in statuses.values())
    b.emit(f"### `--if-exists create`: {rows:,} rows into {existing:,} connections (0 ms, N=64, {b.pinning()}, "
           f"median of {b.options.repeat})")
    b.emit()
    b.emit(common.table(["rows", "existing", "GET /connections", "of them before the first create",
                         "s to the first create", "s whole run", "load"],
                        [[common.fmt(rows), common.fmt(existing), common.fmt(listing),
                          "—" if ahead is None else common.fmt(ahead),
                          f"{statistics.median(first):.2f}" if first else "—", common.fmt(summary["wall_s"], 2),
                          common.fmt(summary["load1"], 2)]], ["r"] * 7))
    b.emit()
    b.emit("Before the first create the run asks only for the sandbox's newest connection (`orderby=-createdAt`); "
           "the rest are the end-of-run look-up of the names it created.")
    b.emit()
    if ahead is not None:
        b.target("listing", f"--if-exists create, {rows:,} rows into {existing:,}: listing requests before the first "
                 "create = 1 (no listing)", f"{ahead}", "1", ahead == 1)
    return {"rows": rows, "existing": existing, "summary": summary, "before_first_create": ahead}


def scale_runs(b):
    """Client CPU of the same run into an empty sandbox and into one of `--scale-existing`
    connections, in rounds (one of each in turn), and what the listing asked of the mock."""
    rows, existing = b.options.scale_rows, b.options.scale_existing
    path = common.input_file(b.python, rows)
    runs = b.interleaved({0: lambda: listing_run(b, rows, path, existing=0),
                          existing: lambda: listing_run(b, rows, path, existing=existing)})
    lines = []
    for count, summary in runs.items():
        summary["requests"] = summary["samples"][0]["requests"]
        summary["cpu_ms_per_row"] = 1000 * summary["cpu_s"] / rows
        listing = sum(n for route, statuses in summary["requests"].items() if is_listing(route)
                      for n in statuses.values())
        summary["listing_requests"] = listing
        ahead = [s["before_first_create"] for s in summary["samples"] if s["before_first_create"] is not None]
        summary["before_first_create"] = max(ahead) if ahead else None
        lines.append([common.fmt(rows), common.fmt(count), common.fmt(summary["cpu_s"], 2),
                      f"{summary['cpu_ms_per_row']:.3f}", f"{summary['cpu_s'] / runs[0]['cpu_s']:.2f}×",
                      common.fmt(listing), "—" if not ahead else common.fmt(max(ahead)),
                      common.fmt(summary["wall_s"], 2), common.mib(summary["peak_rss_kib"]),
                      common.fmt(summary["load1"], 2)])
    ratio = runs[existing]["cpu_s"] / runs[0]["cpu_s"]
    b.emit(f"### Listing scale: {rows:,} rows into an empty sandbox and into one of {existing:,} connections "
           f"(0 ms, N=64, {b.pinning()}, median of {b.options.repeat})")
    b.emit()
    b.emit(common.table(["rows", "existing", "client CPU s", "CPU ms/row", "÷ empty", "GET /connections",
                         "of them before the first create", "s whole run", "peak RSS MiB", "load"], lines,
                        ["r"] * 10))
    b.emit()
    b.emit("The same file, each run against a fresh mock (the existing connections seeded by a peer first, not "
           "measured; their names are not the file's, so every row is created); `GET /connections`: the listing "
           "pages, counts and name look-ups the run sent, those before its first create and those of the end-of-run "
           "look-up of the names it created (which lists the sandbox again, now holding the run's rows too).")
    b.emit()
    b.target("listing", f"{rows:,} rows into {existing:,} existing: client CPU ≤ 1.2× into an empty sandbox",
             f"{ratio:.2f}×", "≤ 1.20×", ratio <= 1.2)
    return {"rows": rows, "existing": existing, "runs": runs, "ratio": ratio}


def part_throttle(b):
    rows, rps = b.options.throttle_rows, b.options.throttle_rps
    input_path = common.input_file(b.python, rows)
    lines, report = [], {}
    ideal = rows / rps
    for label, extra in (("429 with Retry-After: 1", []), ("bare 429 (--throttle-bare)", ["--throttle-bare"])):
        samples = []
        for _ in range(b.options.repeat):
            samples.append(b.one_run("flowbatch", 0, 64, input_path, None, rows, check=False,
                                     mock_extra=["--throttle-rps", str(rps), *extra]))
        summary = b.summary_of(samples)
        posts = [common.count_of(s["stats"], "POST /connections") for s in samples]
        throttled = [common.count_of(s["stats"], "POST /connections", "429") for s in samples]
        shares = [t / p if p else 0 for t, p in zip(throttled, posts)]
        summary.update({"share_429": statistics.median(shares), "posts": statistics.median(posts),
                        "throttled": statistics.median(throttled),
                        "created": [s["created"] for s in samples], "exits": [s["exit"] for s in samples],
                        "time_vs_ideal": summary["wall_s"] / ideal,
                        "requests": [s["stats"].get("requests") for s in samples]})
        report[label] = summary
        lines.append([label, common.fmt(rows), common.fmt(summary["rows_per_s"], 1), str(rps),
                      f"{summary['rows_per_s'] / rps:.2f}", common.fmt(summary["wall_s"], 1), common.fmt(ideal, 1),
                      f"{summary['time_vs_ideal']:.2f}×", common.fmt(summary["posts"]), common.fmt(summary["throttled"]),
                      f"{100 * summary['share_429']:.1f}%", ", ".join(map(str, summary["created"])),
                      ", ".join(map(str, summary["exits"])), common.fmt(summary["load1"], 2)])
        short = label.split(" (")[0]
        b.target("throttle", f"{short}: ≤ 5% of creates answered 429", f"{100 * summary['share_429']:.1f}%", "≤ 5%",
                 summary["share_429"] <= 0.05)
        b.target("throttle", f"{short}: run ≤ 1.1× the ideal {ideal:.0f} s", f"{summary['time_vs_ideal']:.2f}×",
                 "≤ 1.10×", summary["time_vs_ideal"] <= 1.1)
    b.emit(f"### Throttle: the mock admits {rps} requests/s (all Platform requests), flowbatch --concurrency 64, "
           f"{rows:,} rows ({b.pinning()}, median of {b.options.repeat})")
    b.emit()
    b.emit(common.table(["429s", "rows", "rows/s", "admitted/s", "÷ admitted", "s", "ideal s", "÷ ideal",
                         "creates sent", "answered 429", "share 429", "created", "exit", "load"], lines))
    b.emit()
    b.emit("Ideal = rows ÷ admitted rate. Creates sent and 429s from the mock's counts of `POST /connections`; the "
           "listing at the start is throttled too. `created` and `exit` per run.")
    b.emit()
    b.report["throttle"] = report
