// swift-tools-version:5.9
import Foundation
import PackageDescription

// The one place that knows where Debian keeps LLVM's OpenMP (omp.h, libomp.so).
// Override with ACLA_LLVM_ROOT for another LLVM version.
let llvmRoot = ProcessInfo.processInfo.environment["ACLA_LLVM_ROOT"] ?? "/usr/lib/llvm-14"
let clangResourceInclude: String = {
    let base = llvmRoot + "/lib/clang"
    let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).sorted()
    return base + "/" + (versions.last ?? "14.0.6") + "/include"
}()
// Open MPI for the acla tool's --distributed mpi (Debian libopenmpi-dev); libacla.so links none.
let mpiRoot = ProcessInfo.processInfo.environment["ACLA_MPI_ROOT"] ?? "/usr/lib/x86_64-linux-gnu/openmpi"
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

// Baseline x86-64-v2 only: AVX2/FMA and AVX-512 code is in functions with target attributes,
// chosen at run time (Sources/AclaKernels/cpu_dispatch.c), so the library loads on any x86-64.
let openMPCompile: [CSetting] = [
    .unsafeFlags(["-fopenmp", "-idirafter", clangResourceInclude, "-O3", "-march=x86-64-v2"]),
]
let openMPLink: [LinkerSetting] = [
    .unsafeFlags(["-L\(llvmRoot)/lib", "-Xlinker", "-rpath", "-Xlinker", "\(llvmRoot)/lib"]),
    .linkedLibrary("omp"),
]

let package = Package(
    name: "acla",
    products: [
        .library(name: "acla", type: .dynamic, targets: ["AclaC"]),
        .executable(name: "acla-cli", targets: ["AclaCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        // 2-D drawing for the CLI's figures only (libacla.so keeps its dependency list)
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .target(
            name: "AclaKernels",
            dependencies: ["CBLAS"],
            path: "Sources/AclaKernels",
            cSettings: openMPCompile,
            linkerSettings: openMPLink + [.linkedLibrary("openblas"), .linkedLibrary("m")]
        ),
        .target(
            name: "CImageIO",
            path: "Sources/CImageIO",
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]
        ),
        .target(
            name: "Acla",
            dependencies: ["AclaKernels", "CBLAS", "CImageIO"],
            path: "Sources/Acla"
        ),
        .target(
            name: "AclaC",
            dependencies: ["Acla"],
            path: "Sources/AclaC",
            exclude: ["exports.map"],
            linkerSettings: [
                .unsafeFlags([
                    "-static-stdlib",
                    "-Xlinker", "--version-script=\(packageRoot)/Sources/AclaC/exports.map",
                    "-Xlinker", "-soname=libacla.so.0",
                    "-Xlinker", "-z", "-Xlinker", "defs",
                ]),
            ]
        ),
        .target(
            name: "CMPIShim",
            path: "Sources/CMPIShim",
            cSettings: [.unsafeFlags(["-I\(mpiRoot)/include", "-O2"])],
            linkerSettings: [.unsafeFlags(["-L\(mpiRoot)/lib"]), .linkedLibrary("mpi")]
        ),
        .executableTarget(
            name: "AclaCLI",
            dependencies: ["Acla", "CCairo", "CMPIShim", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/AclaCLI"
        ),
        .testTarget(
            name: "AclaTests",
            dependencies: ["Acla"],
            path: "Tests/AclaTests",
            resources: [.copy("Fixtures")]
        ),
    ]
)

// libFuzzer targets (Tests/fuzz, `make fuzz`), declared only when ACLA_FUZZ is set: they have no
// main (libFuzzer's is linked by -sanitize=fuzzer), so a plain `swift build` must not see them.
if ProcessInfo.processInfo.environment["ACLA_FUZZ"] != nil {
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["Acla"], path: "Tests/fuzz/Support"))
    for name in ["config", "safetensors", "png", "jpeg", "npy", "trainer"] {
        package.targets.append(.executableTarget(
            name: "fuzz-\(name)", dependencies: ["FuzzSupport"], path: "Tests/fuzz/targets/\(name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
