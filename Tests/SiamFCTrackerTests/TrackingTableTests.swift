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
        TrackedFrame(index: 2, name: "seq/img/0003.jpg", box: BoundingBox(x: 203.5941, y: 149.3, width: 17.25, height: 50), score: nil,
                     status: .skipped, problem: "seq/img/0003.jpg: truncated JPEG", decodeSeconds: 0, trackSeconds: 0, stageSeconds: []),
    ]

    @Test func csvHasAHeaderFileNamesStatusesAndEmptyScoresWhereNothingWasTracked() {
        #expect(TrackingTable.text(Self.frames, format: .csv) == """
            frame,file,pts_seconds,x,y,w,h,score,status
            1,0001.jpg,,205,151,17,50,,initial
            2,"a,""b"".jpg",,203.594,149.3,17.25,50,8.07708,tracked
            3,0003.jpg,,203.594,149.3,17.25,50,,skipped

            """)
    }

    @Test func videoRowsGiveTheFrameNumberAndPresentationTime() {
        let rows = [
            TrackedFrame(index: 99, name: "clips/walk.mp4", time: 3.3, box: BoundingBox(x: 1, y: 2, width: 3, height: 4), score: nil,
                         decodeSeconds: 0, trackSeconds: 0, stageSeconds: []),
            TrackedFrame(index: 100, name: "clips/walk.mp4", time: 3.3333333, box: BoundingBox(x: 2, y: 2, width: 3, height: 4),
                         score: 0.5, status: .damaged, decodeSeconds: 0, trackSeconds: 0, stageSeconds: []),
        ]
        #expect(TrackingTable.csv(rows) == """
            frame,file,pts_seconds,x,y,w,h,score,status
            100,walk.mp4,3.300,1,2,3,4,,initial
            101,walk.mp4,3.333,2,2,3,4,0.50000,damaged

            """)
    }

    @Test func otbIsPlainBoxLines() {
        #expect(TrackingTable.text(Self.frames, format: .otb) == "205,151,17,50\n203.594,149.3,17.25,50\n203.594,149.3,17.25,50\n")
    }
}
