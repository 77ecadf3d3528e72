/* The monotonic clock in seconds, for the C benchmarks' timed loops. */
#ifndef LICENSE_BUS_MONOTONIC_SECONDS_H
#define LICENSE_BUS_MONOTONIC_SECONDS_H
#include <time.h>

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
#endif
