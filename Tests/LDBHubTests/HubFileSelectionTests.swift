import LDBHub
import Testing

/// Which repository files `HubFileSelection` keeps, as diffusers' own loader would load them.
@Suite struct HubFileSelectionTests {
    static let common = [
        "model_index.json", "scheduler/scheduler_config.json", "tokenizer/merges.txt", "tokenizer/vocab.json",
        "text_encoder/config.json", "unet/config.json", "vae/config.json",
    ]

    @Test func shardedWeightsComeWithTheirIndexAndNothingElse() {
        let repository = Self.common + [
            "unet/diffusion_pytorch_model.safetensors.index.json",
            "unet/diffusion_pytorch_model-00001-of-00002.safetensors",
            "unet/diffusion_pytorch_model-00002-of-00002.safetensors",
            "unet/diffusion_pytorch_model.fp16-00001-of-00001.safetensors",
            "unet/diffusion_pytorch_model.safetensors.index.fp16.json",
            "unet/diffusion_pytorch_model.bin", "unet/diffusion_flax_model.msgpack",
            "text_encoder/model.safetensors", "text_encoder/model.fp16.safetensors", "text_encoder/pytorch_model.bin",
            "vae/diffusion_pytorch_model.fp16.safetensors",
            "safety_checker/model.safetensors", "feature_extractor/preprocessor_config.json", "unet/onnx/model.onnx",
        ]
        let full = HubFileSelection(repositoryFiles: repository)
        #expect(full.missing.isEmpty)
        #expect(full.files == (Self.common + [
            "unet/diffusion_pytorch_model.safetensors.index.json",
            "unet/diffusion_pytorch_model-00001-of-00002.safetensors",
            "unet/diffusion_pytorch_model-00002-of-00002.safetensors",
            "text_encoder/model.safetensors",
            // The only VAE weights are fp16: taken, as ModelFolder falls back to them.
            "vae/diffusion_pytorch_model.fp16.safetensors",
        ]).sorted())

        let half = HubFileSelection(repositoryFiles: repository, variant: "fp16")
        #expect(half.files.filter { $0.hasSuffix(".safetensors") || $0.hasSuffix("index.fp16.json") } == [
            "text_encoder/model.fp16.safetensors",
            "unet/diffusion_pytorch_model.fp16-00001-of-00001.safetensors",
            "unet/diffusion_pytorch_model.safetensors.index.fp16.json",
            "vae/diffusion_pytorch_model.fp16.safetensors",
        ])
    }

    @Test func aRepositoryWithoutSafetensorsWeightsIsNotAModel() {
        let selection = HubFileSelection(repositoryFiles: Self.common.filter { $0 != "tokenizer/vocab.json" } + [
            "unet/diffusion_pytorch_model.bin", "text_encoder/model.safetensors", "vae/diffusion_pytorch_model.safetensors",
        ])
        #expect(selection.missing == ["tokenizer/vocab.json", "unet/diffusion_pytorch_model.safetensors"])
    }
}
