/*
 * Numbers and dates as text, without the printf family (whose output
 * follows the locale) and without gmtime (whose result is static: the
 * library keeps no global state).
 */
#include <string.h>

#include "internal.h"

/* Decimal digits of v, at least 'width' of them (zero-padded), written at
 * out; returns the end.  Used for Content-Length, Max-Age and dates. */
char *frb__put_uint(char *out, unsigned long long v, int width) {
  char tmp[24], *end = tmp + sizeof tmp, *p = end;

  do
    *--p = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  while (end - p < width)
    *--p = '0';
  frb__copy(out, p, (size_t)(end - p));
  return out + (end - p);
}

/* Gregorian date from days since 1970-01-01. */
static void civil_from_days(long long z, long long *y, unsigned *m,
                            unsigned *d) {
  long long era;
  unsigned doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (long long)yoe + era * 400 + (*m <= 2);
}

/* IMF-fixdate (RFC 9110 5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT", for a
 * Unix time whose year has four digits. */
char *frb__put_date(char *p, long long t) {
  static const char wday[7][4] = {"Thu", "Fri", "Sat", "Sun",
                                  "Mon", "Tue", "Wed"};
  static const char mon[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  long long days = (t >= 0 ? t : t - 86399) / 86400, y;
  long long secs = t - days * 86400;
  unsigned m, d;

  civil_from_days(days, &y, &m, &d);
  p = frb__put_str(p, wday[((days % 7) + 7) % 7]);
  p = frb__put_str(p, ", ");
  p = frb__put_uint(p, d, 2);
  *p++ = ' ';
  p = frb__put_str(p, mon[m - 1]);
  *p++ = ' ';
  p = frb__put_uint(p, (unsigned long long)y, 4);
  *p++ = ' ';
  p = frb__put_uint(p, (unsigned long long)(secs / 3600), 2);
  *p++ = ':';
  p = frb__put_uint(p, (unsigned long long)(secs / 60 % 60), 2);
  *p++ = ':';
  p = frb__put_uint(p, (unsigned long long)(secs % 60), 2);
  return frb__put_str(p, " GMT");
}
