/// How far a pull is, reported as each piece of a file arrives.
public struct HubDownloadProgress: Sendable, Equatable {
    /// The repository path of the file being downloaded (`unet/diffusion_pytorch_model.safetensors`).
    public let file: String
    /// The file's position among the files to download, from 1.
    public let fileNumber: Int
    /// How many files the pull downloads (files already in the cache are not counted).
    public let fileCount: Int
    /// Bytes of this file on disk so far, including those kept from an interrupted download.
    public let receivedBytes: Int64
    /// The file's size.
    public let totalBytes: Int64
}
