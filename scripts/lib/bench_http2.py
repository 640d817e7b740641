"""The bench's `http2` part: flowbatch over TLS with HTTP/1.1 (N connections, one request each at a
time) against HTTP/2 (negotiated by ALPN: one connection, a stream per request), the mock offering
both (`--http2`) or HTTP/1.1 alone. Client CPU per row at 0 ms, then the efficiency against N / latency
at 20 ms, N = 64 and 256. The client negotiates HTTP/2 only with FLOWBATCH_BENCH_HTTP2=1: what
this part measures is why it does not by default.
"""
import bench_common as common


def part(b):
    rows, n = b.options.rows, b.options.cpu_concurrency
    latency = b.options.latency
    input_path = common.input_file(b.python, rows)
    versions = {"HTTP/1.1": (b.env, ()), "HTTP/2": (dict(b.env, FLOWBATCH_BENCH_HTTP2="1"), ("--http2",))}

    def runner(version, latency_ms, concurrency, count):
        env, mock_extra = versions[version]
        path = input_path if count == rows else common.input_file(b.python, count)
        return lambda: b.one_run("flowbatch", latency_ms, concurrency, path, None, count, env=env,
                                 mock_extra=mock_extra, tls=True)

    cpu = b.interleaved({version: runner(version, 0, n, rows) for version in versions})
    lines = []
    for version, summary in cpu.items():
        lines.append([version, common.fmt(rows), f"{1000 * summary['cpu_s'] / rows:.3f}",
                      common.fmt(summary["rows_per_s"]), common.fmt(summary["load1"], 2)])
    b.emit(f"### HTTP/1.1 against HTTP/2 over TLS: client CPU per row, 0 ms, N={n}, {b.pinning()} "
           f"(median of {b.options.repeat})")
    b.emit()
    b.emit(common.table(["flowbatch over TLS", "rows", "CPU ms/row", "rows/s", "load"], lines))
    b.emit()
    efficiency, report = [], {"cpu": cpu}
    count = max(1000, rows // 2)
    for concurrency in b.options.efficiency_concurrency:
        group = b.interleaved({version: runner(version, latency, concurrency, count) for version in versions})
        for version, summary in group.items():
            ideal = concurrency / (latency / 1000)
            summary["efficiency"] = summary["rows_per_s"] / ideal
            efficiency.append([version, str(concurrency), common.fmt(count), common.fmt(summary["rows_per_s"]),
                               common.fmt(ideal), f"{summary['efficiency']:.3f}",
                               f"{1000 * summary['cpu_s'] / count:.3f}", common.fmt(summary["load1"], 2)])
        report[f"n{concurrency}"] = group
    b.emit(f"### HTTP/1.1 against HTTP/2 over TLS at {latency} ms: rows/s ÷ (N / latency)")
    b.emit()
    b.emit(common.table(["flowbatch over TLS", "N", "rows", "rows/s", "ideal rows/s", "efficiency", "CPU ms/row",
                         "load"], efficiency))
    b.emit()
    one, two = cpu["HTTP/1.1"]["cpu_s"], cpu["HTTP/2"]["cpu_s"]
    b.emit(f"HTTP/2 ÷ HTTP/1.1 client CPU at 0 ms: {two / one:.2f}×. flowbatch keeps HTTP/1.1 unless HTTP/2 "
           "costs less (`HTTPTransport`'s comment beside `httpVersion` gives the last figures).")
    b.emit()
    b.report["http2"] = report
