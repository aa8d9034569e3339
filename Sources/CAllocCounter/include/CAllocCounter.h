#ifndef CALLOCCOUNTER_H
#define CALLOCCOUNTER_H
#include <stdint.h>

/// Counts heap allocations made by the whole process while counting is on.
/// Linked only into the benchmark executable: it replaces malloc and friends
/// with thin wrappers over glibc's own entry points.
void chargeplex_alloc_counter_start(void);
void chargeplex_alloc_counter_stop(void);
uint64_t chargeplex_alloc_counter_count(void);
uint64_t chargeplex_alloc_counter_bytes(void);

#endif
