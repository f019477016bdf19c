import ArgumentParser

/// `ldb model …`: look into Stable Diffusion models.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Work with Stable Diffusion models.",
        subcommands: [List.self, Inspect.self, Pull.self, Probe.self]
    )
}

extension ModelCommand {
    /// `ldb model probe …`: run one piece of a model on tensors from and to safetensors files.
    struct Probe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one piece of a model on tensors read from and written to safetensors files.",
            discussion: """
                For debugging and for checking ldb against any reference implementation: each probe reads \
                its inputs from a .safetensors file (-i), runs one component, and writes the named outputs (-o).
                """,
            subcommands: [
                Tokenize.self, TextEncoderProbe.self, UNetProbe.self, VAEEncodeProbe.self, VAEDecodeProbe.self,
                TinyDecodeProbe.self, TinyEncodeProbe.self, RandnProbe.self, SampleProbe.self, InvertProbe.self,
            ]
        )
    }
}
