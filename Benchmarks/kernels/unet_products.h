// The matrix products both product benchmarks (packed_products.c, onednn_products.c) time: rows x depth x
// columns of the Stable Diffusion 1.5 UNet, and their random operands.
#ifndef UNET_PRODUCTS_H
#define UNET_PRODUCTS_H

#include <stdlib.h>

// Attention projections, the feed-forward in and out, a 3x3 convolution by im2col at 32x32 and 8x8, one Winograd
// position at 64x64, and the text-conditioned projections.
static const int unet_products[][3] = {{4096, 320, 320}, {4096, 320, 2560}, {4096, 1280, 320}, {1024, 5760, 640},
                                       {1024, 320, 320}, {64, 11520, 1280}, {77, 768, 320}};
#define UNET_PRODUCT_COUNT (sizeof unet_products / sizeof unet_products[0])

/// `count` floats uniform in [-1, 1] in steps of 1/1000, from rand().
static float *random_floats(long count) {
    float *values = malloc(sizeof(float) * count);
    for (long i = 0; i < count; i++) values[i] = (rand() % 2001 - 1000) / 1000.0f;
    return values;
}

#endif
