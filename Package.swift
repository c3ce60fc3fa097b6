// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SiamFC",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SiamFCImageIO", targets: ["SiamFCImageIO"]),
        .library(name: "SiamFCEngine", targets: ["SiamFCEngine"]),
        .library(name: "SiamFCMNIST", targets: ["SiamFCMNIST"]),
        .library(name: "SiamFCTracker", targets: ["SiamFCTracker"]),
        .library(name: "SiamFCEvaluation", targets: ["SiamFCEvaluation"]),
        .executable(name: "siamfc", targets: ["siamfc"]),
        .executable(name: "siamfc-benchmarks", targets: ["SiamFCBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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

        // C code that must stay in C: libjpeg and libpng report errors through longjmp.
        .target(name: "CImageShim", dependencies: ["CJPEG", "CPNG"]),
        // A vectorised GEMM kernel for convolutions with few output channels.
        .target(name: "CKernels"),

        // Layers.
        .target(name: "SiamFCImageIO", dependencies: ["CImageShim"]),
        .target(
            name: "SiamFCEngine",
            dependencies: [
                "SiamFCImageIO",
                "CKernels",
                .target(name: "COpenBLAS", condition: .when(platforms: [.linux])),
            ],
            linkerSettings: [.linkedFramework("Accelerate", .when(platforms: [.macOS]))]),
        .target(name: "SiamFCMNIST", dependencies: ["SiamFCEngine", "SiamFCImageIO", "CZlib"]),
        // The bundled default model is a resource: trained by `siamfc train`, see MODEL.md.
        .target(name: "SiamFCTracker", dependencies: ["SiamFCEngine", "SiamFCImageIO"],
                resources: [.copy("Resources/siamfc-default.safetensors")]),
        .target(name: "SiamFCEvaluation", dependencies: ["SiamFCTracker", "SiamFCImageIO"]),

        // Command line.
        .executableTarget(
            name: "siamfc",
            dependencies: [
                "SiamFCImageIO",
                "SiamFCEngine",
                "SiamFCMNIST",
                "SiamFCTracker",
                "SiamFCEvaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Fuzz targets: scripts/fuzz builds them with libFuzzer (-DFUZZING); a plain build gives
        // tools that replay the inputs named on their command line.
        .target(name: "FuzzSupport", dependencies: ["SiamFCImageIO"], path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "FuzzImageDecoding", dependencies: ["FuzzSupport", "SiamFCImageIO"],
                          path: "Fuzz/FuzzImageDecoding"),
        .executableTarget(name: "FuzzSafetensors", dependencies: ["FuzzSupport", "SiamFCEngine", "SiamFCTracker"],
                          path: "Fuzz/FuzzSafetensors"),
        .executableTarget(name: "FuzzIDX", dependencies: ["FuzzSupport", "SiamFCMNIST"], path: "Fuzz/FuzzIDX"),
        .executableTarget(name: "FuzzGroundTruth", dependencies: ["FuzzSupport", "SiamFCImageIO"],
                          path: "Fuzz/FuzzGroundTruth"),

        // Benchmarks print figures; they are run by hand, in release mode.
        .executableTarget(
            name: "SiamFCBenchmarks",
            dependencies: [
                "SiamFCImageIO",
                "SiamFCEngine",
                "SiamFCTracker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/SiamFCBenchmarks"),

        // Helpers shared by the test targets (locating ../shared, temporary folders).
        .target(name: "SiamFCTestSupport", path: "Tests/SiamFCTestSupport"),
        .testTarget(name: "SiamFCImageIOTests", dependencies: ["SiamFCImageIO", "SiamFCTestSupport"]),
        .testTarget(name: "SiamFCEngineTests", dependencies: ["SiamFCEngine", "SiamFCImageIO", "SiamFCTestSupport"]),
        .testTarget(name: "SiamFCMNISTTests", dependencies: ["SiamFCMNIST", "SiamFCEngine", "SiamFCImageIO", "SiamFCTestSupport"]),
        .testTarget(name: "SiamFCTrackerTests", dependencies: ["SiamFCTracker", "SiamFCEvaluation", "SiamFCEngine", "SiamFCImageIO", "SiamFCTestSupport"]),
        .testTarget(
            name: "SiamFCEvaluationTests",
            dependencies: ["SiamFCEvaluation", "SiamFCTracker", "SiamFCEngine", "SiamFCImageIO", "SiamFCTestSupport"]),
        .testTarget(
            name: "SiamFCCLITests",
            dependencies: ["siamfc", "SiamFCImageIO", "SiamFCEngine", "SiamFCMNIST", "SiamFCTracker", "SiamFCTestSupport"]),
    ]
)
