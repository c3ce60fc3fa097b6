import ArgumentParser

@main
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "siamfc-benchmarks",
        abstract: "Benchmarks that print figures. Build with -c release.",
        subcommands: [DecodeBenchmark.self, EngineBenchmark.self, TrackingBenchmark.self, MemoryBenchmark.self, ONNXBenchmark.self,
                      NanoTrackBenchmark.self, VideoDecodeBenchmark.self, TuneBenchmark.self])
}
