extension Tensor {
    /// The rows of a `[rows, width]` table at `indices`, as `torch.nn.functional.embedding(indices, table)`:
    /// the result is `[indices.count, width]`. CLIP looks up its token and position embeddings this way.
    /// - Precondition: every index is a row of the table (the tokenizer's vocabulary fits the model).
    public func rows(at indices: [Int]) -> Tensor {
        precondition(rank == 2, "rows(at:): table \(shape) is not [rows, width]")
        let (rowCount, width) = (shape[0], shape[1])
        var result = [Float]()
        result.reserveCapacity(indices.count * width)
        for index in indices {
            precondition(index >= 0 && index < rowCount, "rows(at:): index \(index) is outside the \(rowCount) rows of the table")
            result.append(contentsOf: scalars[index * width ..< (index + 1) * width])
        }
        return Tensor(shape: [indices.count, width], scalars: result)
    }
}
