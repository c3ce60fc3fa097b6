import ArgumentParser

/// What differs between the training commands in the options they share: the help, which gives
/// each command's defaults, and the output folder without `--out`.
protocol TrainingRunDefaults {
    static var outHelp: ArgumentHelp { get }
    static var epochsHelp: ArgumentHelp { get }
    static var pairsPerEpochHelp: ArgumentHelp { get }
    static var batchSizeHelp: ArgumentHelp { get }
    static var lrHelp: ArgumentHelp { get }
    static func defaultOutput(resume: String?) -> String
}

extension TrainingRunDefaults {
    /// A resumed run writes beside its checkpoint; a new one into `folder`.
    static func outputBesideCheckpoint(_ resume: String?, otherwise folder: String) -> String {
        guard let resume else { return folder }
        let parts = resume.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}

/// The options of a training run that `siamfc train` and `siamfc mnist train` share.
struct TrainingRunOptions<Defaults: TrainingRunDefaults>: ParsableArguments {
    @Option(help: Defaults.outHelp)
    var out: String?

    @Option(help: "Continue the run saved in this checkpoint.")
    var resume: String?

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var settings: TrainingRunSettings<Defaults>

    /// `--out`, or the command's default.
    var output: String { out ?? Defaults.defaultOutput(resume: resume) }
}

/// The shared options that set part of a run's configuration.
struct TrainingRunSettings<Defaults: TrainingRunDefaults>: ConfigurationOptions {
    @Option(help: Defaults.epochsHelp)
    var epochs: Int?

    @Option(help: Defaults.pairsPerEpochHelp)
    var pairsPerEpoch: Int?

    @Option(help: Defaults.batchSizeHelp)
    var batchSize: Int?

    @Option(help: Defaults.lrHelp)
    var lr: Float?

    @Option(help: "Random seed (default 1).")
    var seed: UInt64?

    /// Sets what was given in `configuration`, leaving the rest at its defaults.
    func apply<Configuration: TrainingRunSettable>(to configuration: inout Configuration) {
        if let epochs { configuration.epochs = epochs }
        if let pairsPerEpoch { configuration.pairsPerEpoch = pairsPerEpoch }
        if let batchSize { configuration.batchSize = batchSize }
        if let lr { configuration[keyPath: Configuration.learningRateSetting] = lr }
        if let seed { configuration.seed = seed }
    }
}

/// A run configuration that ``TrainingRunSettings`` can set.
protocol TrainingRunSettable {
    var epochs: Int { get set }
    var pairsPerEpoch: Int { get set }
    var batchSize: Int { get set }
    var seed: UInt64 { get set }
    /// The rate `--lr` sets: the one the run starts with.
    static var learningRateSetting: WritableKeyPath<Self, Float> { get }
}

// MARK: - Options that set the configuration

/// Arguments whose options (`@Option`s of optional or array type, nil or empty when not given)
/// set part of a run's configuration, which a resumed run takes from its checkpoint instead.
/// Option groups inside are searched as well, but count only when they conform themselves.
protocol ConfigurationOptions: ParsableArguments {}

extension ConfigurationOptions {
    /// The flags of the configuration options given on the command line, in the order of the
    /// help: `["--epochs", "--lr"]`.
    var givenConfigurationFlags: [String] { ConfigurationFlags.given(in: self) }

    /// Fails, naming them, when options that a resumed run takes from its checkpoint were given.
    func refuseConfigurationOptionsOnResume() throws {
        let given = givenConfigurationFlags
        guard given.isEmpty else {
            throw ValidationError("--resume continues the saved configuration; drop \(given.joined(separator: ", "))")
        }
    }
}

/// The flag names come from the property names, as ArgumentParser derives them when an option
/// has no explicit name (`pairsPerEpoch` → `--pairs-per-epoch`); configuration options therefore
/// keep the default naming, which the CLI tests check against the parser.
enum ConfigurationFlags {
    static func given(in arguments: Any) -> [String] {
        let counts = arguments is any ConfigurationOptions
        var flags: [String] = []
        for child in Mirror(reflecting: arguments).children {
            if let option = child.value as? any GivenOption {
                // Property wrappers are stored as `_name`.
                if counts, option.isGiven, let label = child.label, label.hasPrefix("_") {
                    flags.append("--" + flagName(String(label.dropFirst())))
                }
            } else if let group = child.value as? any ArgumentGroup {
                flags += given(in: group.arguments)
            }
        }
        return flags
    }

    /// `pairsPerEpoch` → `pairs-per-epoch`: ArgumentParser's conversion of a property name to
    /// its default long name, acronyms included (`inputURLPath` → `input-url-path`).
    static func flagName(_ property: String) -> String {
        let characters = Array(property)
        var name = ""
        var separateOnUppercase = true
        for (i, character) in characters.enumerated() {
            if character.isUppercase {
                if separateOnUppercase && !name.isEmpty { name += "-" }
                separateOnUppercase = i + 2 < characters.count && characters[i + 1].isUppercase && characters[i + 2].isLowercase
            } else {
                separateOnUppercase = character != "-"
            }
            name += character.lowercased()
        }
        return name
    }
}

/// An `@Option` that can tell whether it was given.
private protocol GivenOption {
    var isGiven: Bool { get }
}

private protocol MaybeGiven {
    var isGiven: Bool { get }
}

extension Optional: MaybeGiven {
    fileprivate var isGiven: Bool { self != nil }
}

extension Array: MaybeGiven {
    fileprivate var isGiven: Bool { !isEmpty }
}

extension Option: GivenOption where Value: MaybeGiven {
    fileprivate var isGiven: Bool { wrappedValue.isGiven }
}

/// An `@OptionGroup`, searched for configuration options.
private protocol ArgumentGroup {
    var arguments: Any { get }
}

extension OptionGroup: ArgumentGroup {
    fileprivate var arguments: Any { wrappedValue }
}
