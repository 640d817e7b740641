#if FLOWBATCH_FUZZING
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// libFuzzer's entry point: checks one input; a broken invariant stops the process, so that libFuzzer
/// keeps the input as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let violations = ReaderFuzzer.check(bytes)
    guard violations.isEmpty else {
        fatalError("broken invariants:\n" + violations.joined(separator: "\n"))
    }
    return 0
}

/// libFuzzer's driver, called from `main` instead of libFuzzer's own `main` (SwiftPM names the
/// executable's entry point `main` at link time, so libFuzzer's cannot be used).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif
