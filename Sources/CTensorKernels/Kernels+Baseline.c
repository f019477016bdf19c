// The kernels for the build target's baseline (SSE2 on x86-64, NEON on arm64): 4 lanes.
#define LANES 4
#define KERNEL(name) name##_baseline
#define KERNEL_TABLE ldb_kernels_baseline
#define ROWS 2
#define INSTRUCTION_SET "baseline"
#include "KernelBodies.h"
