import Testing
@testable import SiamFCEngine

/// Broken internal invariants stop the program with a message instead of computing on a
/// prefix of the elements or reading past a buffer.
@Suite struct InvariantTests {
    @Test func addingMismatchedShapesTraps() async {
        await #expect(processExitsWith: .failure) {
            var a = Tensor(zeros: [2, 3])
            a.add(Tensor(zeros: [3, 2]))
        }
    }

    @Test func combiningMismatchedShapesTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor(zeros: [4]).zipMap(Tensor(zeros: [5]), +)
        }
    }

    @Test func subscriptOutOfRangeTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor(zeros: [2, 3])[1, 3]
        }
        await #expect(processExitsWith: .failure) {
            _ = Tensor(zeros: [2, 3])[1]
        }
    }

    @Test func viewWithAnotherElementCountTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor(zeros: [2, 3]).viewed(as: [7])
        }
    }

    @Test func gradientOfTheWrongShapeTraps() async {
        await #expect(processExitsWith: .failure) {
            Variable(Tensor(zeros: [2]), requiresGrad: true).backward(seed: Tensor(zeros: [3]))
        }
    }
}
