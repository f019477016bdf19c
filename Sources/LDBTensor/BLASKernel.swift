import COpenBLAS
import Foundation

/// Which of OpenBLAS's CPU kernels does the matrix work.
///
/// OpenBLAS picks its kernel once, when the library loads, from the CPU model it recognises. Builds older
/// than the CPU (Debian 12 ships 0.3.21) do not know recent Xeons and fall back to `Prescott`, the generic
/// SSE3 kernel, which runs the UNet's matrix products 2–3 times slower than the CPU can. The kernel can only
/// be chosen before the library loads, through `OPENBLAS_CORETYPE`, so the `ldb` executable checks at start
/// and, when OpenBLAS fell back although the CPU has the instructions of a faster kernel, starts itself again
/// with that kernel named.
public enum BLASKernel {
    /// The kernel OpenBLAS is using, such as `"SkylakeX"`, `"Haswell"` or `"Prescott"`.
    public static var current: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The kernel to ask for, given the kernel OpenBLAS chose and the CPU's feature flags (as `/proc/cpuinfo`
    /// lists them), or nil when OpenBLAS's own choice should stand.
    ///
    /// Only a fallback to a generic kernel is overridden, and only with a kernel whose instructions the CPU
    /// reports: SkylakeX needs AVX-512 F, CD, BW, DQ and VL; Haswell needs AVX2 and FMA.
    public static func preferredKernel(current: String, cpuFlags: Set<String>) -> String? {
        let generic: Set<String> = ["prescott", "core2", "nehalem", "katmai", "coppermine", "northwood", "banias",
                                    "atom", "unknown"]
        guard generic.contains(current.lowercased()) else { return nil }
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) {
            return "SkylakeX"
        }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) {
            return "Haswell"
        }
        return nil
    }

    /// The feature flags of this machine's first CPU, from `/proc/cpuinfo` (empty where there is none).
    public static func cpuFlags() -> Set<String> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
