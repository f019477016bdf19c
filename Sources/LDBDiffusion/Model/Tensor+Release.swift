import LDBTensor

extension Tensor {
    /// Lets go of this tensor's elements now, its last use being over. An assignment frees the old storage at
    /// that point in the program, whereas the optimiser may keep a value whose last use has passed alive until
    /// the end of its scope; the decoder's 512×512 activations (up to 268 MB each) are freed this way before
    /// the next layer allocates its output.
    mutating func release() {
        self = Tensor(shape: [0], scalars: [])
    }
}
