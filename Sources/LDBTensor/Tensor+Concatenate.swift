extension Tensor {
    /// Joins tensors along `axis`, as `torch.cat(tensors, dim=axis)`: every other dimension must agree.
    /// A negative `axis` counts from the end. The UNet joins skip connections along the channels (`axis: 1`)
    /// and classifier-free guidance stacks the unconditional and conditional batches along `axis: 0`.
    public init(concatenating tensors: [Tensor], axis: Int) {
        precondition(!tensors.isEmpty, "concatenating: no tensors to join")
        let first = tensors[0]
        let axis = first.normalizedAxis(axis)
        for tensor in tensors {
            precondition(tensor.rank == first.rank
                         && tensor.shape[..<axis] == first.shape[..<axis]
                         && tensor.shape[(axis + 1)...] == first.shape[(axis + 1)...],
                         "concatenating: shape \(tensor.shape) does not match \(first.shape) outside axis \(axis)")
        }
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        var scalars = [Float]()
        scalars.reserveCapacity(tensors.reduce(0) { $0 + $1.count })
        for block in 0..<outer {
            for tensor in tensors {
                let length = tensor.shape[axis] * inner
                scalars.append(contentsOf: tensor.scalars[block * length ..< (block + 1) * length])
            }
        }
        var shape = first.shape
        shape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        self.init(shape: shape, scalars: scalars)
    }

    /// `axis` counted from the front when it is negative (−1 is the last dimension).
    func normalizedAxis(_ axis: Int) -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        precondition(normalized >= 0 && normalized < rank, "axis \(axis) is out of range for shape \(shape)")
        return normalized
    }
}
