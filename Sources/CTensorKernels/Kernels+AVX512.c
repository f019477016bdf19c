// The kernels compiled for AVX-512 (16 lanes, FMA).
#if defined(__x86_64__)
#define LANES 16
#define KERNEL(name) name##_avx512
#define KERNEL_TABLE ldb_kernels_avx512
#define ROWS 12
#define INSTRUCTION_SET "avx512"
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx2,fma"))), apply_to = function)
#include "KernelBodies.h"
#pragma clang attribute pop
#endif
