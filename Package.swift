// swift-tools-version:6.0
import PackageDescription

// FFmpeg's headers. Linux: Debian's are on the compiler's default path, and the libraries are not
// linked (CVideoShim loads them), so pkg-config, which would link them, is not used. macOS:
// Homebrew's folders come from libavformat's .pc file, and the libraries are linked.
#if os(Linux)
let ffmpegHeaders: Target = .systemLibrary(
    name: "CFFmpeg",
    providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])])
#else
let ffmpegHeaders: Target = .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat", providers: [.brew(["ffmpeg"])])
#endif

let package = Package(
    name: "SiamFC",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SiamFCSupport", targets: ["SiamFCSupport"]),
        .library(name: "SiamFCImageIO", targets: ["SiamFCImageIO"]),
        .library(name: "SiamFCVideo", targets: ["SiamFCVideo"]),
        .library(name: "SiamFCDrawing", targets: ["SiamFCDrawing"]),
        .library(name: "SiamFCSynthetic", targets: ["SiamFCSynthetic"]),
        .library(name: "SiamFCEngine", targets: ["SiamFCEngine"]),
        .library(name: "SiamFCMNIST", targets: ["SiamFCMNIST"]),
        .library(name: "SiamFCTracker", targets: ["SiamFCTracker"]),
        .library(name: "SiamFCEvaluation", targets: ["SiamFCEvaluation"]),
        .library(name: "SiamFCTraining", targets: ["SiamFCTraining"]),
        .library(name: "SiamFCONNX", targets: ["SiamFCONNX"]),
        .executable(name: "siamfc", targets: ["siamfc"]),
        .executable(name: "siamfc-benchmarks", targets: ["SiamFCBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The protobuf runtime only (ONNX files); the generated code is committed, see SiamFCONNX/Schema.
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        // System libraries, found through pkg-config where Debian ships a .pc file.
        .systemLibrary(
            name: "CJPEG", pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg-dev"]), .brew(["jpeg-turbo"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        ffmpegHeaders,

        // C code that must stay in C: libjpeg and libpng report errors through longjmp.
        .target(name: "CImageShim", dependencies: ["CJPEG", "CPNG"]),
        // C code that keeps FFmpeg's API (and its differences between releases) out of Swift.
        // On Linux it loads FFmpeg with dlopen when a video is first opened (ffmpeg_library.h says why).
        .target(name: "CVideoShim", dependencies: ["CFFmpeg"],
                cSettings: [.define("SFC_FFMPEG_DYNAMIC", .when(platforms: [.linux]))],
                linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
                    + ["avformat", "avcodec", "swscale", "avutil"].map { .linkedLibrary($0, .when(platforms: [.macOS])) }),
        // Vectorised kernels: GEMM for convolutions with few output channels, depthwise convolution
        // and its gradient. include/module.modulemap exports every header in include/.
        .target(name: "CKernels"),
        // The 8-bit fixed-point resize's two passes, AVX2 chosen at run time.
        .target(name: "CImageKernels"),
        // The pause hint and atomic counters of the worker team's spin-waits.
        .target(name: "CConcurrency"),

        // Layers, bottom up.
        // Files, atomic writes, the one lock, RNG, the one team of worker threads and the parallel
        // loops on it, statistics: used everywhere.
        .target(name: "SiamFCSupport", dependencies: ["CConcurrency"]),
        // Codecs, frames, sequences and ground truth. The engine does not depend on it.
        .target(name: "SiamFCImageIO", dependencies: ["SiamFCSupport", "CImageShim", "CImageKernels"]),
        .target(name: "SiamFCDrawing", dependencies: ["SiamFCSupport", "SiamFCImageIO"]),
        // Video files as frame sources (decoding, writing, inspection) and sequences of either kind.
        .target(name: "SiamFCVideo", dependencies: ["SiamFCSupport", "SiamFCImageIO", "CVideoShim"]),
        // The renderer of the demo sequence and of test sequences.
        .target(name: "SiamFCSynthetic", dependencies: ["SiamFCSupport", "SiamFCImageIO"]),
        .target(
            name: "SiamFCEngine",
            dependencies: [
                "SiamFCSupport",
                "CKernels",
                .target(name: "COpenBLAS", condition: .when(platforms: [.linux])),
            ],
            linkerSettings: [.linkedFramework("Accelerate", .when(platforms: [.macOS]))]),
        .target(name: "SiamFCMNIST", dependencies: ["SiamFCSupport", "SiamFCEngine", "CZlib"]),
        // The bundled default model is a resource: trained by `siamfc train`, see MODEL.md.
        .target(name: "SiamFCTracker", dependencies: ["SiamFCSupport", "SiamFCEngine", "SiamFCImageIO", "SiamFCONNX"],
                resources: [.copy("Resources/light-default.safetensors"), .copy("Resources/siamfc-default.safetensors")]),
        .target(name: "SiamFCEvaluation",
                dependencies: ["SiamFCSupport", "SiamFCImageIO", "SiamFCVideo", "SiamFCDrawing", "SiamFCTracker"]),
        .target(name: "SiamFCTraining",
                dependencies: ["SiamFCSupport", "SiamFCEngine", "SiamFCImageIO", "SiamFCDrawing", "SiamFCTracker", "SiamFCONNX"]),
        // ONNX model files, read and validated; onnx.pb.swift is generated from onnx.proto by hand.
        .target(name: "SiamFCONNX",
                dependencies: ["SiamFCSupport", "SiamFCEngine", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["Schema/onnx.proto", "Schema/README.md"]),

        // Command line.
        .executableTarget(
            name: "siamfc",
            dependencies: [
                "SiamFCSupport",
                "SiamFCImageIO",
                "SiamFCVideo",
                "SiamFCDrawing",
                "SiamFCSynthetic",
                "SiamFCEngine",
                "SiamFCMNIST",
                "SiamFCTracker",
                "SiamFCTraining",
                "SiamFCEvaluation",
                "SiamFCONNX",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Fuzz targets: scripts/fuzz builds them with libFuzzer (-DFUZZING); a plain build gives
        // tools that replay the inputs named on their command line.
        .target(name: "FuzzSupport", dependencies: ["SiamFCSupport"], path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "FuzzImageDecoding", dependencies: ["FuzzSupport", "SiamFCImageIO"],
                          path: "Fuzz/FuzzImageDecoding"),
        .executableTarget(name: "FuzzSafetensors", dependencies: ["FuzzSupport", "SiamFCEngine", "SiamFCTracker"],
                          path: "Fuzz/FuzzSafetensors"),
        .executableTarget(name: "FuzzIDX", dependencies: ["FuzzSupport", "SiamFCMNIST"], path: "Fuzz/FuzzIDX"),
        .executableTarget(name: "FuzzGroundTruth", dependencies: ["FuzzSupport", "SiamFCImageIO"],
                          path: "Fuzz/FuzzGroundTruth"),
        .executableTarget(name: "FuzzONNX", dependencies: ["FuzzSupport", "SiamFCONNX"], path: "Fuzz/FuzzONNX"),
        .executableTarget(name: "FuzzVideo", dependencies: ["FuzzSupport", "SiamFCVideo"], path: "Fuzz/FuzzVideo"),

        // Benchmarks print figures; they are run by hand, in release mode.
        .executableTarget(
            name: "SiamFCBenchmarks",
            dependencies: [
                "SiamFCSupport",
                "SiamFCImageIO",
                "SiamFCVideo",
                "SiamFCSynthetic",
                "SiamFCEngine",
                "SiamFCTracker",
                "SiamFCEvaluation",
                "SiamFCONNX",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/SiamFCBenchmarks"),

        // Helpers shared by the test targets (locating ../shared, temporary folders).
        .target(name: "SiamFCTestSupport", path: "Tests/SiamFCTestSupport"),
        .testTarget(name: "SiamFCSupportTests", dependencies: ["SiamFCSupport", "SiamFCTestSupport"]),
        .testTarget(name: "SiamFCImageIOTests", dependencies: ["SiamFCSupport", "SiamFCImageIO", "CImageKernels", "SiamFCTestSupport"]),
        .testTarget(name: "SiamFCVideoTests",
                    dependencies: ["SiamFCVideo", "SiamFCImageIO", "SiamFCSynthetic", "SiamFCSupport", "SiamFCTestSupport"]),
        .testTarget(name: "SiamFCDrawingTests", dependencies: ["SiamFCDrawing", "SiamFCImageIO", "SiamFCTestSupport"]),
        .testTarget(name: "SiamFCSyntheticTests",
                    dependencies: ["SiamFCSynthetic", "SiamFCImageIO", "SiamFCSupport", "SiamFCTestSupport"]),
        .testTarget(name: "SiamFCEngineTests", dependencies: ["SiamFCEngine", "SiamFCSupport", "SiamFCTestSupport"]),
        .testTarget(name: "SiamFCMNISTTests", dependencies: ["SiamFCMNIST", "SiamFCEngine", "SiamFCSupport", "SiamFCTestSupport"]),
        .testTarget(
            name: "SiamFCTrackerTests",
            dependencies: ["SiamFCTracker", "SiamFCEvaluation", "SiamFCEngine", "SiamFCImageIO", "SiamFCSupport", "SiamFCTestSupport",
                           "SiamFCONNX", "SiamFCSynthetic"]),
        .testTarget(
            name: "SiamFCTrainingTests",
            dependencies: ["SiamFCTraining", "SiamFCTracker", "SiamFCEvaluation", "SiamFCEngine", "SiamFCImageIO", "SiamFCSupport",
                           "SiamFCTestSupport"]),
        .testTarget(
            name: "SiamFCEvaluationTests",
            dependencies: ["SiamFCEvaluation", "SiamFCTracker", "SiamFCEngine", "SiamFCImageIO", "SiamFCVideo", "SiamFCSynthetic",
                           "SiamFCSupport", "SiamFCTestSupport"]),
        .testTarget(
            name: "SiamFCCLITests",
            dependencies: ["siamfc", "SiamFCImageIO", "SiamFCVideo", "SiamFCSynthetic", "SiamFCEngine", "SiamFCMNIST", "SiamFCTracker", "SiamFCTraining",
                           "SiamFCSupport", "SiamFCTestSupport"]),
        // Fixtures (ONNX graphs and onnxruntime's outputs, from scripts/onnx-fixtures.py) are read by path.
        .testTarget(name: "SiamFCONNXTests",
                    dependencies: ["SiamFCONNX", "SiamFCEngine", "SiamFCSupport", "SiamFCTestSupport",
                                   .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                    exclude: ["Fixtures"]),
    ]
)
