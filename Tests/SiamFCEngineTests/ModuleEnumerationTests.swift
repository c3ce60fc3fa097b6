import Testing
import SiamFCEngine
import SiamFCSupport

@Suite struct ModuleEnumerationTests {
    static func network() -> Sequential {
        var g = SplitMix64(seed: 3)
        return Sequential(named: [
            ("conv1", Sequential([Conv2d(3, 4, kernel: 3, using: &g), BatchNorm2d(4), ReLU()])),
            ("conv2", Sequential([Conv2d(4, 6, kernel: 3, bias: false, using: &g), BatchNorm2d(6)])),
            ("head", Linear(6, 2, using: &g)),
        ])
    }

    @Test func namedModulesListsParentsBeforeChildrenWithStateDictNames() {
        let network = Self.network()
        let names = network.namedModules().map(\.0)
        #expect(names == ["", "conv1", "conv1.0", "conv1.1", "conv1.2", "conv2", "conv2.0", "conv2.1", "head"])
        #expect(network.namedModules().first?.1 === network)
    }

    @Test func modulesOfATypeFollowTheParameterOrder() {
        let network = Self.network()
        let convolutions = network.modules(of: Conv2d.self)
        #expect(convolutions.count == 2)
        let weights = network.namedParameters().filter { $0.0.hasSuffix(".0.weight") }.map(\.1)
        #expect(convolutions.map(\.weight).elementsEqual(weights, by: ===))
        #expect(network.modules(of: BatchNorm2d.self).count == 2 && network.modules(of: Linear.self).count == 1)
        #expect(network.modules(of: MaxPool2d.self).isEmpty)
    }
}
