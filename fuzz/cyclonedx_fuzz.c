/*
 * cyclonedx_fuzz.c - fuzz target for the SBOM reader, seeded with cyclonedx documents
 * (fuzz/corpus/cyclonedx/). The reader recognises the format by content, so
 * mutations may cross into the other format; both are checked the same way
 * (see sbom_fuzz_check.h).
 */
#include <stdint.h>

#include "sbom_fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sbom_fuzz_check((const char *)data, size);
    return 0;
}
