// The kernels compiled for AVX2 with FMA (8 lanes).
#if defined(__x86_64__)
#define LANES 8
#define KERNEL(name) name##_avx2
#define KERNEL_TABLE ldb_kernels_avx2
#define ROWS 6
#define INSTRUCTION_SET "avx2"
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "KernelBodies.h"
#pragma clang attribute pop
#endif
