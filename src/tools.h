/* Private declarations of the response tools (issue 10): HTTP dates, the
 * sink flush hook and frozen names.  Nothing here is exported. */
#ifndef FRB_TOOLS_H
#define FRB_TOOLS_H

#include <stddef.h>

/* httpdate.c: an HTTP-date in any of the three RFC 9110 5.6.7 formats,
 * case-sensitive, OWS around it ignored.  An RFC 850 two-digit year is
 * placed within 50 years after 'now' or before it (RFC 9110 5.6.7).
 * Returns 0 with *t (Unix time), or -1. */
int frb__parse_http_date(const char *s, size_t len, long long now,
                         long long *t);
/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12). */
long long frb__days_from_civil(long long y, unsigned m, unsigned d);

#endif /* FRB_TOOLS_H */
