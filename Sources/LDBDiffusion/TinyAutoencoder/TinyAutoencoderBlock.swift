import LDBTensor

/// diffusers' `AutoencoderTinyBlock` with equal input and output channels (the only kind `AutoencoderTiny` builds):
/// `relu(x + conv.4(relu(conv.2(relu(conv.0(x))))))`, three 3×3 convolutions with biases.
struct TinyAutoencoderBlock: Sendable {
    let convolutions: [Conv2DWeights]

    init(weights: some WeightSource, channels: Int) throws {
        convolutions = try [0, 2, 4].map { index in
            try Conv2DWeights(weights: weights.scoped("conv.\(index)"), in: channels, out: channels, kernel: 3, padding: 1)
        }
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        var hidden = convolutions[0](input)
        hidden.applyReLU()
        hidden = convolutions[1](hidden)
        hidden.applyReLU()
        hidden = convolutions[2](hidden)
        hidden += input
        hidden.applyReLU()
        return hidden
    }
}
