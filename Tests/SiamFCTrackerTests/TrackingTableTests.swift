import Testing
import SiamFCImageIO
@testable import SiamFCTracker

@Suite struct TrackingTableTests {
    static func frame(_ index: Int, _ name: String, _ box: BoundingBox, _ score: Float?) -> TrackedFrame {
        TrackedFrame(index: index, name: name, box: box, score: score, decodeSeconds: 0, trackSeconds: 0, stageSeconds: [])
    }

    static let frames = [
        frame(0, "seq/img/0001.jpg", BoundingBox(x: 205, y: 151, width: 17, height: 50), nil),
        frame(1, "seq/img/a,\"b\".jpg", BoundingBox(x: 203.5941, y: 149.3, width: 17.25, height: 50), 8.077084),
    ]

    @Test func csvHasAHeaderFileNamesAndAnEmptyFirstScore() {
        #expect(TrackingTable.text(Self.frames, format: .csv) == """
            frame,file,x,y,w,h,score
            1,0001.jpg,205,151,17,50,
            2,"a,""b"".jpg",203.594,149.3,17.25,50,8.07708

            """)
    }

    @Test func otbIsPlainBoxLines() {
        #expect(TrackingTable.text(Self.frames, format: .otb) == "205,151,17,50\n203.594,149.3,17.25,50\n")
    }
}
