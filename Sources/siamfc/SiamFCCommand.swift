import ArgumentParser

@main
struct SiamFCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "siamfc",
        abstract: "SiamFC single-object tracking in Swift.",
        discussion: """
            Boxes are x,y,w,h in OTB's 1-based pixel coordinates wherever they are read or written.
            """,
        subcommands: [InspectCommand.self, MakeDemoCommand.self, MakeVideoCommand.self, TrackCommand.self, EvalCommand.self, BenchCommand.self,
                      TrainCommand.self, MNISTCommand.self, TrainLightCommand.self, ModelCommand.self, ExportCommand.self])
}
