"""The bench's `binary` part: what the flowbatch binary itself costs before it reads a row.

For the release binary and for release variants built apart (each in its own --scratch-path under
.bench/build/, so the main release build is left as it is; Package.swift is not changed):
  - the size of the file, the shared libraries it loads (ldd) and the dynamic loader's work at start
    (LD_DEBUG=statistics: relocations);
  - what its resident memory is made of when `flowbatch --help` exits (smaps_at_exit.c, preloaded):
    by mapping (the binary, each library, the heap), clean (file pages, shareable) or dirty;
  - peak RSS of `--help` and of `validate` on the ingest file, and validate's speed against the C
    libcsv parse measured in the same rounds.
The default release link already passes `--gc-sections` (SwiftPM's dead stripping, on by default),
so that variant is the release binary itself.
"""
import collections
import os
import re
import subprocess

import bench_common as common

# name -> (scratch folder under .bench/build, swift build options); None: the bench's own binary.
VARIANTS = {
    "release": None,
    "static-stdlib": ("static", ["--static-swift-stdlib"]),
    "Osize": ("osize", ["-Xswiftc", "-Osize"]),
    "Osize+static-stdlib": ("osize", ["-Xswiftc", "-Osize", "--static-swift-stdlib"]),
}
BUILD = os.path.join(common.WORK, "build")
VARIANT_BINARIES = os.path.join(common.WORK, "variants")


def newest_source():
    """The latest modification time of anything a release build reads."""
    newest = os.path.getmtime(os.path.join(common.REPO, "Package.swift"))
    for folder, _, files in os.walk(os.path.join(common.REPO, "Sources")):
        for name in files:
            newest = max(newest, os.path.getmtime(os.path.join(folder, name)))
    return newest


def variant_binary(name):
    """The binary of variant `name`, built (into its scratch path, then copied out, since variants
    that share a scratch path relink the same output) unless a copy newer than the sources exists."""
    if VARIANTS[name] is None:
        return None
    scratch, flags = VARIANTS[name]
    copy = os.path.join(VARIANT_BINARIES, name, "flowbatch")
    stamp = copy + ".flags"
    if (os.path.exists(copy) and os.path.getmtime(copy) > newest_source()
            and os.path.exists(stamp) and open(stamp).read() == " ".join(flags)):
        return copy
    os.makedirs(os.path.dirname(copy), exist_ok=True)
    os.makedirs(BUILD, exist_ok=True)
    command = ["swift", "build", "--package-path", common.REPO, "-c", "release", "--product", "flowbatch",
               "--scratch-path", os.path.join(BUILD, scratch), *flags]
    log_path = os.path.join(BUILD, f"{name}.log")
    common.log(f"building the {name} variant ({' '.join(flags)}; the first build of a scratch path takes minutes; "
               f"log: {os.path.relpath(log_path, common.REPO)})")
    with open(log_path, "wb") as handle:
        done = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise RuntimeError(f"building the {name} variant failed; see {log_path}")
    bin_path = subprocess.run([*command, "--show-bin-path"], capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run(["cp", os.path.join(bin_path, "flowbatch"), copy + ".tmp"], check=True)
    os.replace(copy + ".tmp", copy)
    with open(stamp, "w") as handle:
        handle.write(" ".join(flags))
    return copy


def libraries(binary):
    """The shared libraries `binary` loads (ldd), as (name, path) pairs."""
    found = []
    for line in subprocess.run(["ldd", binary], capture_output=True, text=True).stdout.splitlines():
        match = re.match(r"\s*(\S+)(?: => (\S+))?", line)
        if match and "vdso" not in match.group(1):
            found.append((match.group(1), match.group(2) or match.group(1)))
    return found


def loader_statistics(binary, env):
    """Relocations the dynamic loader processed to start `binary --help` (LD_DEBUG=statistics)."""
    text = subprocess.run([binary, "--help"], env=dict(env, LD_DEBUG="statistics"), capture_output=True,
                          text=True).stderr
    numbers = {}
    for key, pattern in (("relocations", r"number of relocations:\s+(\d+)"),
                         ("relative_relocations", r"number of relative relocations:\s+(\d+)")):
        match = re.search(pattern, text)
        numbers[key] = int(match.group(1)) if match else None
    return numbers


def resident_by_mapping(binary, env, folder):
    """{mapping: {"rss", "anonymous"} in KiB} of `binary --help` as it exits, from /proc/self/smaps.
    Anonymous pages are the process's own (relocated data, heap, stack); the others are the files'
    pages in the page cache, which every process running the same file shares."""
    preload = common.compiled("smaps_at_exit.c", "smaps_at_exit.so", ["-shared", "-fPIC"])
    out = os.path.join(folder, f"smaps-{abs(hash(binary))}.txt")
    subprocess.run([binary, "--help"], env=dict(env, LD_PRELOAD=preload, BENCH_SMAPS_OUT=out),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    groups = collections.defaultdict(lambda: {"rss": 0, "anonymous": 0})
    current = None
    for line in open(out, encoding="utf-8", errors="replace"):
        fields = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            path = fields[5] if len(fields) > 5 else "[anonymous]"
            if path == os.path.abspath(binary):
                path = "(the flowbatch binary)"
            elif path == preload:
                path = None  # the measuring shim itself
            current = os.path.basename(path) if path and path.startswith("/") else path
        elif current and fields[0] == "Rss:":
            groups[current]["rss"] += int(fields[1])
        elif current and fields[0] == "Anonymous:":
            groups[current]["anonymous"] += int(fields[1])
    return dict(groups)


def part(b):
    options = b.options
    rows = options.ingest_rows
    path = b.ingest_files()["bench (11 columns)"]
    folder = b.scratch("binary")
    binaries = {}
    for name in options.variants:
        binaries[name] = variant_binary(name) or b.binary
    ceiling = common.c_ceiling()
    # Rounds: the C parse, then each variant's validate and --help, so that load drift falls on all alike.
    samples = collections.defaultdict(list)
    for _ in range(options.repeat):
        samples["C libcsv"].append(common.measure([ceiling, path], env=b.env, label=f"C libcsv {rows:,} rows"))
        for name, binary in binaries.items():
            result = b.ingest_round({f"flowbatch validate ({name})": [binary, "validate", path]}, rows, folder)
            samples[f"validate {name}"].append(next(iter(result.values())))
            samples[f"help {name}"].append(common.measure([binary, "--help"], env=b.env, label=f"--help ({name})"))
    c = common.summarize(samples["C libcsv"])
    lines, report = [], {}
    for name, binary in binaries.items():
        validate = common.summarize(samples[f"validate {name}"])
        helps = common.summarize(samples[f"help {name}"])
        libs = libraries(binary)
        swift_libs = [lib for lib, where in libs if "/swift/" in where or lib.startswith(("libswift", "libFoundation",
                                                                                              "lib_Foundation",
                                                                                              "libdispatch",
                                                                                              "libBlocksRuntime"))]
        loader = loader_statistics(binary, b.env)
        vs_c = c["wall_s"] / validate["wall_s"]
        report[name] = {"binary": binary, "bytes": os.path.getsize(binary), "libraries": libs,
                        "loader": loader, "validate": validate, "help": helps, "validate_vs_c": vs_c,
                        "resident_at_help_exit": resident_by_mapping(binary, b.env, folder)}
        lines.append([name, f"{os.path.getsize(binary) / common.MIB:.1f}", f"{len(libs)} ({len(swift_libs)} Swift)",
                      f"{common.fmt(loader['relocations'] or 0)} + {common.fmt(loader['relative_relocations'] or 0)}",
                      common.mib(helps["peak_rss_kib"]),
                      f"{helps['wall_s'] * 1000:.0f}", common.mib(validate["peak_rss_kib"]),
                      common.fmt(rows / validate["wall_s"]), f"{vs_c:.2f}×", common.fmt(validate["load1"], 2)])
    b.emit(f"### The binary itself: release variants (median of {options.repeat}; validate on the bench file, "
           f"{rows:,} rows)")
    b.emit()
    b.emit(common.table(["variant", "file MiB", "shared libraries", "relocations at start (symbol + relative)", "--help peak RSS MiB",
                         "--help ms", "validate peak RSS MiB", "validate rows/s", "÷ C libcsv", "load"], lines))
    b.emit()
    b.emit(f"C libcsv parse of the same file in the same rounds: {common.fmt(rows / c['wall_s'])} rows/s, "
           f"peak RSS {common.mib(c['peak_rss_kib'])} MiB. Variants are built with `swift build -c release` plus the "
           "options named (static-stdlib: `--static-swift-stdlib`; Osize: `-Xswiftc -Osize`) into their own "
           "scratch paths; every one links with `--gc-sections` (SwiftPM's default dead stripping).")
    b.emit()
    for name in [n for n in ("release", "static-stdlib") if n in report]:
        groups = report[name]["resident_at_help_exit"]
        total = sum(g["rss"] for g in groups.values())
        top = sorted(groups.items(), key=lambda item: -item[1]["rss"])[:10]
        b.emit(f"What `flowbatch --help` ({name}) holds resident as it exits: {total / 1024:.1f} MiB")
        b.emit()
        own = sum(g["anonymous"] for g in groups.values())
        b.emit(common.table(["mapping", "RSS MiB", "of which its own (anonymous) MiB", "share"],
                            [[mapping, common.mib(g["rss"]), common.mib(g["anonymous"]), f"{100 * g['rss'] / total:.0f}%"]
                             for mapping, g in top]))
        b.emit()
        b.emit(f"Of the {total / 1024:.1f} MiB, {own / 1024:.1f} MiB are the process's own (relocated data, heap, "
               "stack); the rest are pages of the binary and the libraries read from the page cache.")
        b.emit()
    b.report["binary"] = report
