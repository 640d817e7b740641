"""The bench's `profile` part: flowbatch (and its peers) under valgrind's callgrind, whose
instruction counts do not depend on the machine's load, so they compare runs made hours apart.

Each client runs twice under callgrind on the client core (the mock, natively, on the other core,
at 0 ms, N=64): `--profile-rows` small and big. Instructions per row = (Ir(big) − Ir(small)) ÷
(big − small), which leaves out what does not grow with the rows (start-up, the listing, the
connection pool). The big flowbatch run is then broken down with callgrind_annotate: per row by
where the code comes from (flowbatch's folders, each package, the Swift runtime, libc), by a few
cross-cutting costs (malloc/free, retain/release, the concurrency runtime), and the top functions
by inclusive cost (async functions summed over their partial functions). Callgrind counts user-space
instructions only: time in the kernel (syscalls) does not show.
"""
import collections
import os
import re
import shutil
import subprocess

import bench_common as common

CLIENTS = ["flowbatch", "bare-ahc", "bare-ahc futures", "aiohttp"]
LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*?)\s*(?:\[(.*)\])?\s*$")
# Cross-cutting costs, by function name (self cost); a function in none of them is left out.
CROSS_CUTTING = [
    ("malloc / free (libc)", re.compile(r"\b(malloc|free|realloc|calloc|_int_malloc|_int_free|_int_realloc|"
                                        r"malloc_consolidate|tcache_\w+|unlink_chunk|cfree|aligned_alloc|"
                                        r"posix_memalign|__libc_malloc|__libc_free)\b")),
    ("Swift object alloc / dealloc", re.compile(r"swift_(allocObject|deallocObject|slowAlloc|slowDealloc|"
                                                r"deallocClassInstance|allocBox|deallocUninitializedObject|"
                                                r"deallocPartialClassInstance)")),
    ("retain / release", re.compile(r"swift_(retain|release|bridgeObjectRetain|bridgeObjectRelease|"
                                    r"unknownObjectRetain|unknownObjectRelease|nonatomic_\w+|tryRetain)")),
    ("exclusivity checks", re.compile(r"swift_(beginAccess|endAccess)")),
    ("generic metadata, casts, witness tables", re.compile(r"swift_(getGenericMetadata|dynamicCast|"
                                                           r"conformsToProtocol|getWitnessTable|checkMetadataState|"
                                                           r"getTypeByMangledName|getAssociated)|swift::.*Metadata|"
                                                           r"ConformanceState|_conformsToProtocol")),
    ("concurrency runtime (tasks, jobs, continuations, executors)", re.compile(
        r"swift_task_|swift_job_|swift_continuation_|swift_asyncLet|swift::(AsyncTask|Job|TaskGroup|"
        r"TaskStatus|.*Executor)|libswift_Concurrency")),
    ("locks and atomics (pthread)", re.compile(r"pthread_mutex|pthread_cond|__lll_lock|futex|pthread_rwlock")),
    ("syscall wrappers (user side)", re.compile(r"\b(epoll_wait|epoll_ctl|__?read|__?write|writev|readv|sendmsg|"
                                                r"recvmsg|__libc_recv|__libc_send|syscall|fdatasync|eventfd_\w+|"
                                                r"clock_gettime|__clock_gettime)\b")),
]


class Binaries:
    """Valgrind 3.19 cannot read the DWARF 5 that Swift 6.3 writes (it gives up on the binary), so
    clients run from copies without debug info (`objcopy --strip-debug`; the symbols stay), and the
    source file of each function is read from the original with llvm-addr2line."""

    def __init__(self, folder):
        self.folder = os.path.join(folder, "bin")
        os.makedirs(self.folder, exist_ok=True)
        self.originals = {}  # stripped copy -> original
        self.addresses = {}  # original -> {symbol: address}
        self.files = {}  # (original, symbol) -> source file

    def stripped(self, binary):
        copy = os.path.join(self.folder, os.path.basename(binary))
        if not os.path.exists(copy) or os.path.getmtime(copy) < os.path.getmtime(binary):
            subprocess.run(["objcopy", "--strip-debug", binary, copy + ".tmp"], check=True)
            os.replace(copy + ".tmp", copy)
        self.originals[copy] = binary
        return copy

    def source_files(self, obj, symbols):
        """{symbol: source file:line} for `symbols` of the stripped copy `obj` (None when not known)."""
        original = self.originals.get(obj)
        if not original:
            return {}
        if original not in self.addresses:
            table = {}
            for line in subprocess.run(["nm", "--defined-only", original], capture_output=True, text=True).stdout.splitlines():
                parts = line.split(" ", 2)
                if len(parts) == 3:
                    table[parts[2]] = parts[0]
            self.addresses[original] = table
        wanted = [s for s in symbols if (original, s) not in self.files and s in self.addresses[original]]
        if wanted and shutil.which("llvm-addr2line"):
            answer = subprocess.run(["llvm-addr2line", "-e", original],
                                    input="\n".join("0x" + self.addresses[original][s] for s in wanted) + "\n",
                                    capture_output=True, text=True).stdout.splitlines()
            for symbol, line in zip(wanted, answer):  # file:line of the function's first instruction
                file = line.rsplit(":", 1)[0]
                self.files[(original, symbol)] = None if file in ("??", "/<compiler-generated>") else line
        return {s: self.files.get((original, s)) for s in symbols}


def demangled(names):
    """{name: its demangled form} (swift demangle; C names stay as they are)."""
    names = list(dict.fromkeys(names))
    text = subprocess.run(["swift", "demangle"], input="\n".join(names) + "\n", capture_output=True, text=True,
                          check=True).stdout.splitlines()
    return dict(zip(names, text)) if len(text) == len(names) else {n: n for n in names}


def module_of(name):
    """The module a demangled Swift function belongs to (`FlowBatch.RowWorker.run…` -> FlowBatch), after
    the wrappers Swift puts in front (partial functions, closures, specializations, thunks)."""
    while True:
        shorter = re.sub(r"<[^<>]*>", "", name)
        if shorter == name:
            break
        name = shorter
    name = re.sub(r"^(\(\d+\) )?(await |suspend )?(resume partial function for |async function pointer to )?", "", name)
    name = re.sub(r"^((merged|outlined \w+ of|specialized|generic specialization  of|partial apply forwarder for|"
                  r"reabstraction thunk helper|protocol witness for|closure #\d+ \w*\s*in|implicit closure #\d+ in|"
                  r"key path getter for|lazy protocol witness table accessor for type|type metadata accessor for|"
                  r"value witness for|dispatch thunk of|method lookup function for)\s+)+", "", name)
    match = re.match(r"\(?([A-Za-z_][A-Za-z0-9_]*)\.", name)
    return match.group(1) if match else None


OURS = ("FlowBatch", "flowbatch", "FlowBatchModel", "FlowBatchIngest", "FlowServiceAPI", "FlowBatchEngine",
        "FlowBatchReport", "CLibCSV")


def origin(file, name, obj, binaries):
    """Where a function's code comes from: a folder of flowbatch, a package, the stdlib, or its library."""
    if file:
        match = re.search(r"/Sources/(\w+)/(?:([\w+]+)/)?[^/]+$", file)
        if match and "/checkouts/" not in file:
            return f"flowbatch {match.group(1)}/{match.group(2)}" if match.group(2) else f"flowbatch {match.group(1)}"
        match = re.search(r"/checkouts/([^/]+)/(?:Sources/([^/]+)/)?", file)
        if match:
            return f"{match.group(1)} ({match.group(2)})" if match.group(2) else match.group(1)
    base = os.path.basename(obj or "")
    if obj in binaries.originals:
        module = module_of(name)
        if module in OURS:
            return f"flowbatch {module} (file not known)"
        if module in (None, "Swift", "_Concurrency", "Synchronization"):
            return f"{module or 'Swift'}: generic code specialized into the binary"
        return f"{module} (file not known)"
    if base.startswith("libc.so") and CROSS_CUTTING[0][1].search(name):
        return "libc malloc / free"
    return base or "?"


def annotate(out, inclusive, binaries):
    """[(Ir, source file or None, demangled function, object)] of every function in callgrind output `out`."""
    text = subprocess.run(["callgrind_annotate", f"--inclusive={'yes' if inclusive else 'no'}", "--threshold=100",
                           "--auto=no", out], capture_output=True, text=True, check=True).stdout
    raw = []
    for line in text.splitlines():
        match = LINE.match(line)
        if not match or "PROGRAM TOTALS" in line:
            continue
        location = match.group(2)
        file, _, function = location.partition(":")
        raw.append((int(match.group(1).replace(",", "")), None if file == "???" else file, function,
                    match.group(3) or ""))
    names = demangled(function for _, _, function, _ in raw)
    files = {}
    for obj in {obj for _, _, _, obj in raw if obj in binaries.originals}:
        files.update(binaries.source_files(obj, [f for _, _, f, o in raw if o == obj]))
    return [(ir, file or files.get(function), names.get(function, function), obj) for ir, file, function, obj in raw]


def total_ir(out):
    for line in open(out, encoding="utf-8", errors="replace"):
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {out}")


def simplified(name):
    """A demangled Swift name without its partial-function prefix and module prefixes, shortened."""
    name = re.sub(r"^(\(\d+\) )?(await |suspend )?(resume partial function for |async function pointer to )", "", name)
    name = re.sub(r"\b(FlowBatch|flowbatch|NIOCore|NIOPosix|NIOHTTP1|AsyncHTTPClient|Swift|Foundation\w*|Logging|"
                  r"_Concurrency)\.", "", name)
    return name if len(name) <= 140 else name[:137] + "…"


def profiled_run(b, tool, rows, folder, binaries):
    """Ir of one run of `tool` over `rows` rows under callgrind; the callgrind output's path."""
    input_path = common.input_file(b.python, rows)
    bodies = common.bodies_file(input_path, rows) if tool != "flowbatch" else None
    run_folder = b.scratch(f"profile-{tool.replace(' ', '-')}-{rows}")
    mock = b.mock(0, run_folder)
    out = os.path.join(folder, f"callgrind.{tool.replace(' ', '-')}.{rows}.out")
    env = dict(b.env, LD_PRELOAD=common.compiled("sigsuspend_copy.c", "sigsuspend_copy.so", ["-shared", "-fPIC"]))
    try:
        args = b.client_args(tool, mock, 64, input_path, bodies, run_folder)
        if args[0] in (b.binary, b.bare_ahc):
            args[0] = binaries.stripped(args[0])
        args = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *args]
        result = common.measure(common.pinned(b.client_core, args), env=env,
                                stdout=os.path.join(run_folder, "stdout.txt"),
                                stderr=os.path.join(run_folder, "stderr.txt"),
                                label=f"{tool} {rows:,} rows under callgrind")
        created = mock.stats().get("connections")
    finally:
        mock.stop()
    if result["exit"] != 0 or created != rows:
        raise RuntimeError(f"{tool} under callgrind: exit {result['exit']}, created {created} of {rows}; "
                           f"see {run_folder}")
    shutil.rmtree(run_folder, ignore_errors=True)
    return total_ir(out), out, result


def part(b):
    if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
        raise RuntimeError("valgrind is missing (scripts/bench installs it)")
    small, big = b.options.profile_rows
    folder = os.path.join(common.WORK, "profile")
    os.makedirs(folder, exist_ok=True)
    binaries = Binaries(folder)
    clients = b.run_tools(CLIENTS)
    measured = {}
    for tool in clients:
        ir_small, out_small, _ = profiled_run(b, tool, small, folder, binaries)
        ir_big, out_big, result = profiled_run(b, tool, big, folder, binaries)
        measured[tool] = {"ir_small": ir_small, "ir_big": ir_big, "per_row": (ir_big - ir_small) / (big - small),
                          "out_small": out_small, "out_big": out_big, "load1": result["load1"],
                          "wall_s_big": result["wall_s"]}
    fb = measured["flowbatch"]
    b.emit(f"### Profile: instructions per row under callgrind (0 ms, N=64, {b.pinning()})")
    b.emit()
    b.emit(common.table(["client", f"Ir, {small:,} rows", f"Ir, {big:,} rows", "instructions per row",
                         "flowbatch ÷ this", "load"],
                        [[tool, common.fmt(m["ir_small"]), common.fmt(m["ir_big"]), common.fmt(m["per_row"]),
                          f"{fb['per_row'] / m['per_row']:.2f}×", common.fmt(m["load1"], 2)]
                         for tool, m in measured.items()]))
    b.emit()
    b.emit(f"Instructions per row = (Ir({big:,}) − Ir({small:,})) ÷ {big - small:,}: what grows with the rows. "
           "Counts are of user-space instructions and do not move with the machine's load.")
    b.emit()
    floors = [measured[t]["per_row"] for t in ("bare-ahc", "bare-ahc futures") if t in measured]
    if floors:
        ratio = fb["per_row"] / min(floors)
        b.target("profile", "instructions/row ≤ 1.5× the bare AHC loop", f"{ratio:.2f}×", "≤ 1.50×", ratio <= 1.5)
    if "aiohttp" in measured:
        ratio = fb["per_row"] / measured["aiohttp"]["per_row"]
        b.target("profile", "instructions/row ≤ 0.5× aiohttp's", f"{ratio:.2f}×", "≤ 0.50×", ratio <= 0.5)
    breakdown = breakdown_per_row(fb["out_small"], fb["out_big"], big - small, binaries)
    for title, rows_ in breakdown["tables"]:
        b.emit(title)
        b.emit()
        b.emit(common.table(["", "instructions per row", "share"], rows_, ["l", "r", "r"]))
        b.emit()
    top = top_inclusive(fb["out_big"], b.options.profile_top, binaries)
    b.emit(f"Top {b.options.profile_top} functions of the {big:,}-row flowbatch run by inclusive cost "
           "(async functions summed over their partial functions; runtime frames that only run jobs left in):")
    b.emit()
    b.emit(common.table(["Ir (inclusive)", "share", "function", "source"], top, ["r", "r", "l", "l"]))
    b.emit()
    b.emit(f"Callgrind outputs: {os.path.relpath(folder, common.REPO)}/ (open with callgrind_annotate or kcachegrind).")
    b.emit()
    b.report["profile"] = {"rows": [small, big], "clients": measured, "breakdown": breakdown["data"], "top": top}


def grouped(entries, key):
    sums = collections.Counter()
    for ir, file, function, obj in entries:
        label = key(file, function, obj)
        if label:
            sums[label] += ir
    return sums


def breakdown_per_row(out_small, out_big, rows, binaries):
    """Per-row self cost by origin and by cross-cutting kind: the big run's minus the small run's."""
    small, big = annotate(out_small, False, binaries), annotate(out_big, False, binaries)
    total = (sum(e[0] for e in big) - sum(e[0] for e in small)) / rows

    def where(file, function, obj):
        return origin(file, function, obj, binaries)

    def cross(file, function, obj):
        for label, pattern in CROSS_CUTTING:
            if pattern.search(function) or (label.startswith("concurrency") and pattern.search(obj)):
                return label
        return None

    first_lines = {}  # label -> the lowest line among its partial functions

    def function(file, name, obj):
        source = short_source(file, obj)
        path, _, line = source.rpartition(":") if file and source.rpartition(":")[2].isdigit() else (source, "", "")
        label = f"`{simplified(name)}` ({path}"
        if line:
            first_lines[label] = min(first_lines.get(label, int(line)), int(line))
        return label

    tables, data = [], {}
    small_inclusive, big_inclusive = annotate(out_small, True, binaries), annotate(out_big, True, binaries)

    def ours(file, name, obj):  # flowbatch's own functions, by their source file
        return function(file, name, obj) if file and "/Sources/" in file and "/checkouts/" not in file else None

    for title, key, limit, pair in (
            ("Per row, by where the code comes from (self cost):", where, 25, (small, big)),
            ("Per row, cross-cutting costs (self cost, wherever they are called from):", cross, 20, (small, big)),
            ("Per row, the functions that cost most themselves (self cost):", function, 30, (small, big)),
            ("Per row, flowbatch's own functions by inclusive cost (what they and their callees cost; nested "
             "ones overlap; an async function that returns without suspending tail-calls its caller's "
             "continuation, which callgrind then counts as its callee's, so trust self costs first):", ours, 30,
             (small_inclusive, big_inclusive))):
        small_sums, big_sums = grouped(pair[0], key), grouped(pair[1], key)
        per_row = {label: (big_sums[label] - small_sums.get(label, 0)) / rows for label in big_sums}
        ordered = sorted(per_row.items(), key=lambda item: -item[1])[:limit]

        def shown(label):
            if not label.startswith("`"):
                return label
            return label + (f":{first_lines[label]})" if label in first_lines else ")")

        tables.append((title, [[shown(label), common.fmt(value), f"{100 * value / total:.1f}%"]
                               for label, value in ordered]))
        data[title] = per_row
    data["total_per_row"] = total
    return {"tables": tables, "data": data}


def short_source(file, obj):
    """A function's source file from the repository or package root, or its library."""
    if file:
        return re.sub(r"^.*?/(Sources/|checkouts/)", r"\1", file)
    return os.path.basename(obj or "?")


def top_inclusive(out, count, binaries):
    """The `count` functions of `out` with the largest inclusive cost, partial functions merged."""
    entries = annotate(out, True, binaries)
    total = total_ir(out)
    merged, files = collections.Counter(), {}
    for ir, file, function, obj in entries:
        name = simplified(function)
        merged[name] += ir
        files.setdefault(name, short_source(file, obj))
    return [[common.fmt(ir), f"{100 * ir / total:.1f}%", f"`{name}`", files.get(name, "")]
            for name, ir in merged.most_common(count)]
