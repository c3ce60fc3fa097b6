import SiamFCImageIO

/// The checks every tracker makes of what it is given, with the same messages.
enum TrackerInputChecks {
    /// The first frame is not empty and the initial box is finite, positive and overlaps it.
    static func initial(frame: RGBImage, box: BoundingBox) throws(TrackerError) {
        guard frame.width > 0, frame.height > 0 else { throw TrackerError("the first frame is empty") }
        guard box.isValid else {
            throw TrackerError("initial box \(box) must have a finite position and a positive width and height")
        }
        guard box.x <= Double(frame.width), box.y <= Double(frame.height), box.x + box.width > 1, box.y + box.height > 1 else {
            throw TrackerError("initial box \(box) lies outside the \(frame.width)x\(frame.height) frame")
        }
    }

    /// Frame `number` has the first frame's size.
    static func next(frame: RGBImage, number: Int, firstSize: (width: Int, height: Int)) throws(TrackerError) {
        guard frame.width == firstSize.width, frame.height == firstSize.height else {
            throw TrackerError("frame \(number) is \(frame.width)x\(frame.height), the first frame was \(firstSize.width)x\(firstSize.height)")
        }
    }
}
