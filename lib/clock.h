/*
 * clock.h: the monotonic clock in milliseconds or microseconds, for
 * timeouts and elapsed times (never for dates).
 */
#ifndef AIS_CLOCK_H
#define AIS_CLOCK_H

long long	mono_ms(void);
long long	mono_us(void);

#endif
