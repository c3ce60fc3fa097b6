import Testing
@testable import SiamFCImageIO
import SiamFCTestSupport

@Suite struct GroundTruthTests {
    @Test func separatorsLineEndingsAndMissingFinalNewline() {
        let text = "1,2,3,4\r\n5\t6\t7\t8\r\n9 10  11 12\n13, 14, 15, 16"
        let (boxes, problems) = GroundTruth.parse(text, path: "gt.txt")
        #expect(problems.isEmpty)
        #expect(boxes == [
            BoundingBox(x: 1, y: 2, width: 3, height: 4),
            BoundingBox(x: 5, y: 6, width: 7, height: 8),
            BoundingBox(x: 9, y: 10, width: 11, height: 12),
            BoundingBox(x: 13, y: 14, width: 15, height: 16),
        ])
    }

    @Test func trailingBlankLinesAreIgnored() {
        let (boxes, problems) = GroundTruth.parse("1,2,3,4\n\n\n", path: "gt.txt")
        #expect(problems.isEmpty)
        #expect(boxes.count == 1)
    }

    @Test func nanAndZeroSizeRowsHaveNoBox() {
        let text = "NaN,NaN,NaN,NaN\n0,0,0,0\n10,10,0,5\n1.5,2.5,3.25,4\nnan,1,2,3\n"
        let (boxes, problems) = GroundTruth.parse(text, path: "gt.txt")
        #expect(problems.isEmpty)
        #expect(boxes.count == 5)
        #expect(boxes[0] == nil && boxes[1] == nil && boxes[2] == nil && boxes[4] == nil)
        #expect(boxes[3] == BoundingBox(x: 1.5, y: 2.5, width: 3.25, height: 4))
    }

    @Test func polygonsBecomeTheirAxisAlignedBox() {
        // A rotated square, corners in no particular order.
        let text = "10,20,30,10,40,30,20,40\n5,5,5,5,5,5,5,5\n"
        let (boxes, problems) = GroundTruth.parse(text, path: "groundtruth.txt")
        #expect(problems.isEmpty)
        #expect(boxes[0] == BoundingBox(x: 10, y: 10, width: 30, height: 30))
        #expect(boxes[1] == nil)  // degenerate polygon
    }

    @Test func malformedLinesAreReportedWithTheirNumber() {
        let text = "1,2,3,4\n1,2,3\nfoo,2,3,4\n1,2,3,4\n\n1,2,3,4\n"
        let (boxes, problems) = GroundTruth.parse(text, path: "seq/groundtruth_rect.txt")
        #expect(boxes.count == 6)
        #expect(problems.map(\.reason) == [.malformedLine(2), .malformedLine(3), .malformedLine(5)])
        #expect(problems[0].description.hasPrefix("seq/groundtruth_rect.txt: line 2: expected 4 or 8 numbers"))
        #expect(problems[1].description.contains("\"foo\" is not a number"))
        #expect(!problems.contains { $0.description.contains("\n") })
    }

    @Test func strictLoadThrowsTheFirstMalformedLine() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try writeFile(dir + "/groundtruth_rect.txt", "1,2,3,4\n1,2,3,4\n1,2,x,4\n")
        let error = #expect(throws: ImageIOError.self) {
            try GroundTruth.load(path: dir + "/groundtruth_rect.txt", format: .otb)
        }
        #expect(error?.reason == .malformedLine(3))
        #expect(error?.description.contains("line 3") == true)
    }

    @Test func got10kAbsenceLabelClearsBoxes() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try writeFile(dir + "/groundtruth.txt", "1,2,3,4\n5,6,7,8\n9,10,11,12\n")
        try writeFile(dir + "/absence.label", "0\n1\n0\n")
        try writeFile(dir + "/meta_info.ini", "[METAINFO]\n")
        let located = try #require(FrameSequence.locateGroundTruth(dir))
        #expect(located.format == .got10k)
        let gt = try GroundTruth.load(path: located.path, format: located.format)
        #expect(gt.boxes[0] != nil && gt.boxes[1] == nil && gt.boxes[2] != nil)
    }

    @Test func boxCentreFollowsOTBConvention() {
        let box = BoundingBox(x: 1, y: 1, width: 10, height: 4)
        #expect(box.center.x == 5.5 && box.center.y == 2.5)
        #expect(box.zeroBasedX == 0)
        #expect(BoundingBox(x: 1.25, y: 2, width: 3.5, height: 4.125).description == "1.25,2,3.5,4.125")
    }
}
