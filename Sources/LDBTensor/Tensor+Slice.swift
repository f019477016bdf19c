extension Tensor {
    /// The elements whose index along `axis` lies in `range`, as `x.narrow(axis, range.lowerBound,
    /// range.count)`; e.g. `sliced(0..<1, axis: 0)` is the first batch item, kept as a batch of one.
    public func sliced(_ range: Range<Int>, axis: Int) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "sliced: range \(range) is out of bounds for dimension \(axis) of \(shape)")
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        let sourceBlock = shape[axis] * inner
        var result = [Float]()
        result.reserveCapacity(outer * range.count * inner)
        for block in 0..<outer {
            let start = block * sourceBlock + range.lowerBound * inner
            result.append(contentsOf: scalars[start ..< start + range.count * inner])
        }
        var resultShape = shape
        resultShape[axis] = range.count
        return Tensor(shape: resultShape, scalars: result)
    }

    /// Splits `axis` into `count` equal parts, as `x.chunk(count, dim=axis)` when the size divides evenly;
    /// GEGLU takes `chunked(2, axis: -1)` and classifier-free guidance `chunked(2, axis: 0)`.
    /// - Precondition: `count` divides the size of `axis`.
    public func chunked(_ count: Int, axis: Int) -> [Tensor] {
        let axis = normalizedAxis(axis)
        precondition(count > 0 && shape[axis] % count == 0,
                     "chunked: dimension \(axis) of \(shape) does not split into \(count) equal parts")
        let size = shape[axis] / count
        return (0..<count).map { sliced($0 * size ..< ($0 + 1) * size, axis: axis) }
    }
}
