#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Built by scripts/fuzz (FLOWBATCH_FUZZING, -sanitize=fuzzer): libFuzzer runs the fuzz target and
// takes its usual options. Built plainly: replays the files or folders given through the same target.
#if FLOWBATCH_FUZZING
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argc, &argv, fuzzTestOneInput))
#else
exit(Replay.run(paths: Array(CommandLine.arguments.dropFirst())))
#endif
