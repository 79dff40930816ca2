// A reactor (clang -mexec-model=reactor): its `_initialize` runs the C
// constructors, so `ready` reads 42 only if the host called it before `ready`.
#include <stdint.h>

static int32_t value;

__attribute__((constructor)) static void init(void) { value = 42; }

__attribute__((export_name("ready"))) int32_t ready(void) { return value; }
