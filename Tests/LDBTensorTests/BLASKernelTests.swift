import LDBTensor
import Testing

@Suite("OpenBLAS kernel choice")
struct BLASKernelTests {
    private let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    @Test func aGenericFallbackIsReplacedByWhatTheCPUCanRun() {
        #expect(BLASKernel.preferredKernel(current: "Prescott", cpuFlags: avx512) == "SkylakeX")
        #expect(BLASKernel.preferredKernel(current: "Prescott", cpuFlags: ["avx", "avx2", "fma"]) == "Haswell")
        #expect(BLASKernel.preferredKernel(current: "Prescott", cpuFlags: ["sse3", "avx"]) == nil)
        // AVX-512 without BW/DQ/VL (Xeon Phi) is not enough for SkylakeX.
        #expect(BLASKernel.preferredKernel(current: "Prescott", cpuFlags: ["avx2", "fma", "avx512f", "avx512cd"])
                == "Haswell")
    }

    @Test func aRecognisedCPUKeepsOpenBLASsChoice() {
        #expect(BLASKernel.preferredKernel(current: "Haswell", cpuFlags: avx512) == nil)
        #expect(BLASKernel.preferredKernel(current: "Zen", cpuFlags: avx512) == nil)
        #expect(BLASKernel.preferredKernel(current: "SkylakeX", cpuFlags: avx512) == nil)
    }

    @Test func theCurrentKernelHasAName() {
        #expect(!BLASKernel.current.isEmpty)
    }
}
