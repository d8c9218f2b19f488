/* Minimal TAP for C unit tests: TAP_PLAN(n) once, TAP_OK(cond, fmt, ...) per
 * check, return tap_done() from main (non-zero if any check failed). */
#ifndef RUNUML_TAP_H
#define RUNUML_TAP_H

#include <stdio.h>

static int tap_n_, tap_failed_;

#define TAP_PLAN(n) printf("1..%d\n", (n))
#define TAP_OK(cond, ...)                                                        \
	do {                                                                     \
		int ok_ = !!(cond);                                              \
		printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n_);               \
		printf(__VA_ARGS__);                                             \
		printf("\n");                                                    \
		if (!ok_) {                                                      \
			tap_failed_++;                                           \
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                \
	} while (0)

static inline int tap_done(void)
{
	fflush(stdout);
	return tap_failed_ ? 1 : 0;
}

#endif
