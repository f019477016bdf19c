import LDBTensor

/// The deterministic DDIM update (eta = 0) shared by `DDIMScheduler` and `DDIMInverseScheduler`:
/// predict the clean sample x0 and the noise from the model output, then move to the noise level of
/// `targetAlphaCumprod`. Every operation rounds to float32 in torch's order, so results match diffusers'
/// bit for bit except where torch's CPU square root (MKL), which is not always correctly rounded, gives
/// a coefficient one ulp away (about 1% of alphas).
enum DDIMUpdate {
    static func apply(
        output: Tensor,
        sample: Tensor,
        alphaCumprod: Float,
        targetAlphaCumprod: Float,
        config: SchedulerConfig
    ) throws(SchedulerError) -> Tensor {
        guard output.shape == sample.shape else { throw .shapeMismatch(output: output.shape, sample: sample.shape) }
        let rootAlpha = alphaCumprod.squareRoot()
        let rootBeta = (1 - alphaCumprod).squareRoot()
        let rootTargetAlpha = targetAlphaCumprod.squareRoot()
        let rootTargetBeta = (1 - targetAlphaCumprod).squareRoot()
        let range = Float(config.clipSampleRange)
        let prediction = config.predictionType
        let clip = config.clipSample

        var result = [Float](repeating: 0, count: sample.count)
        for index in result.indices {
            let x = sample.scalars[index]
            let y = output.scalars[index]
            var cleanSample: Float
            let noise: Float
            switch prediction {
            case .epsilon:
                cleanSample = (x - rootBeta * y) / rootAlpha
                noise = y
            case .sample:
                cleanSample = y
                noise = (x - rootAlpha * y) / rootBeta
            case .vPrediction:
                cleanSample = rootAlpha * x - rootBeta * y
                noise = rootAlpha * y + rootBeta * x
            }
            if clip, !cleanSample.isNaN {
                cleanSample = min(max(cleanSample, -range), range)
            }
            result[index] = rootTargetAlpha * cleanSample + rootTargetBeta * noise
        }
        return Tensor(shape: sample.shape, scalars: result)
    }
}
