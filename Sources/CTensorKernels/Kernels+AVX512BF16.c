// The kernels compiled for AVX-512 with BF16 (16 lanes): the AVX-512 kernels, with the bfloat16 products on
// `vdpbf16ps`.
#if defined(__x86_64__)
#define LANES 16
#define ROWS 12
#define LDB_AVX512_BF16 1
#define KERNEL(name) name##_avx512bf16
#define KERNEL_TABLE ldb_kernels_avx512bf16
#define INSTRUCTION_SET "avx512bf16"
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bf16,avx2,fma"))), apply_to = function)
#include "KernelBodies.h"
#pragma clang attribute pop
#endif
