/// The checks that make a node list a graph: every input produced before it is used, every
/// value defined once, no cycles. Returns the nodes' indices in an execution order (the file's
/// own when it is already one, which ONNX requires but not every writer respects).
enum ONNXGraphOrder {
    static func order(nodes: [ONNXNode], inputs: [String], initializers: [String], outputs: [String])
        throws(ONNXFormatError) -> [Int]
    {
        // Who defines each value: -1 for graph inputs and initializers, else the node's index.
        var producer: [String: Int] = [:]
        for name in inputs {
            guard !name.isEmpty else { throw ONNXFormatError("a graph input has an empty name") }
            guard producer.updateValue(-1, forKey: name) == nil else {
                throw ONNXFormatError("graph input '\(name)' is declared twice")
            }
        }
        var initializerNames = Set<String>()
        for name in initializers {
            guard initializerNames.insert(name).inserted else {
                throw ONNXFormatError("two initializers are named '\(name)'")
            }
            // An initializer may also be listed as a graph input (its default value).
            producer[name] = -1
        }
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty {
                if let previous = producer[output] {
                    let first = previous < 0 ? "a graph input or initializer" : nodes[previous].label(index: previous)
                    throw ONNXFormatError("duplicate output '\(output)': \(node.label(index: index)) defines it, "
                        + "and so does \(first)")
                }
                producer[output] = index
            }
        }
        for (index, node) in nodes.enumerated() {
            for input in node.inputs where !input.isEmpty && producer[input] == nil {
                throw ONNXFormatError("missing input '\(input)' of \(node.label(index: index)): no node, graph input "
                    + "or initializer produces it")
            }
        }
        for output in outputs where producer[output] == nil {
            throw ONNXFormatError("graph output '\(output)' is produced by no node, graph input or initializer")
        }

        // Kahn's algorithm, taking the lowest ready index first so a sorted file keeps its order.
        var waiting = [Int](repeating: 0, count: nodes.count)
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for source in Set(node.inputs.compactMap { producer[$0] }) where source >= 0 {
                waiting[index] += 1
                consumers[source].append(index)
            }
        }
        var ready = Heap(nodes.indices.filter { waiting[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while let next = ready.popMin() {
            order.append(next)
            for consumer in consumers[next] {
                waiting[consumer] -= 1
                if waiting[consumer] == 0 { ready.insert(consumer) }
            }
        }
        if order.count < nodes.count, let stuck = nodes.indices.first(where: { waiting[$0] > 0 }) {
            throw ONNXFormatError("the graph has a cycle: \(nodes.count - order.count) nodes, the first "
                + "\(nodes[stuck].label(index: stuck)), wait on each other's outputs")
        }
        return order
    }
}

/// A binary min-heap of indices; enough for Kahn's algorithm without a dependency.
private struct Heap {
    private var items: [Int] = []

    init(_ values: [Int]) { for value in values { insert(value) } }

    mutating func insert(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Int? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count && items[left] < items[smallest] { smallest = left }
                if right < items.count && items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
