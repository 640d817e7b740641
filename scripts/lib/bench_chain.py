"""The bench's `chain` part: `run --through flow` makes four resources a row (base connection, source
connection, target connection, flow), each created exactly once, one after the other; at N rows in
flight against a mock answering after a latency L, no client can beat rows × 4 × L / N. Beside it,
`--through connection` on four times the rows: as many creates, none waiting for another, so what the
chain's order costs shows apart from what any create costs. Every run checks that the mock holds
exactly one of each kind per row.
"""
import shutil

import bench_common as common

# The mock's demo dataset and mapping set (it serves them unless started with others).
DATASET = "6390f5b3e1e7ee1c07d1f3d1"
MAPPING_SET = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
KINDS = ("connections", "sourceConnections", "targetConnections", "flows")
GOAL = 0.9


def part(b):
    rows, n, latency = b.options.chain_rows, b.options.chain_concurrency, b.options.latency
    lines, report = [], {}
    for through, creates, count in (("connection", 1, rows * 4), ("flow", 4, rows)):
        input_path = common.input_file(b.python, count, shape="chain", prefix="Chain")
        extra = ["--through", through]
        if through == "flow":
            extra += ["--dataset", DATASET, "--mapping-set", MAPPING_SET]
        samples = []
        for _ in range(b.options.repeat):
            sample = b.one_run("flowbatch", latency, n, input_path, None, count, extra=extra, keep=True)
            made = {kind: sample["stats"].get(kind) for kind in KINDS[:creates]}
            if any(held != count for held in made.values()):
                raise RuntimeError(f"--through {through}: the mock holds {made} for {count} rows; see {sample['folder']}")
            shutil.rmtree(sample["folder"], ignore_errors=True)
            samples.append(sample)
        summary = b.summary_of(samples)
        ideal = count * creates * latency / 1000 / n
        summary.update({"ideal_s": ideal, "efficiency": ideal / summary["wall_s"], "creates_per_row": creates})
        report[through] = summary
        lines.append([f"--through {through}", common.fmt(count), str(creates), common.fmt(summary["wall_s"], 2),
                      common.fmt(ideal, 2), f"{summary['efficiency']:.3f}",
                      f"{summary['cpu_s'] * 1000 / (count * creates):.3f}", common.fmt(summary["load1"], 2)])
    b.emit(f"### The onboarding chain: {common.fmt(rows * 4)} creates at N={n} against {latency} ms, "
           f"{b.pinning()} (median of {b.options.repeat})")
    b.emit()
    b.emit(common.table(["run", "rows", "creates/row", "wall s", "ideal s", "efficiency", "CPU ms/create", "load"],
                        lines, ["l", "r", "r", "r", "r", "r", "r", "r"]))
    b.emit()
    b.emit("ideal = rows × creates a row × latency ÷ N: every create of a row waits for the one before it. "
           "The wall time includes the start (token, connection spec, flow spec, dataset, mapping set, listing) "
           "and the end (the look-up of the names created).")
    b.emit()
    mine = report["flow"]["efficiency"]
    b.target("chain", f"--through flow, {rows:,} rows, N={n}, {latency} ms: ≥ {GOAL} of the ideal", f"{mine:.3f}",
             f"≥ {GOAL}", mine >= GOAL)
    b.report["chain"] = report
