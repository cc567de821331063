/* HTTP-date parsing (RFC 9110 5.6.7) without the C library's time functions:
 * strptime and timegm follow the locale or the TZ variable, and the library
 * keeps no global state.  All three formats are accepted, as recipients
 * must:
 *   IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT
 *   rfc850-date  Sunday, 06-Nov-94 08:49:37 GMT
 *   asctime      Sun Nov  6 08:49:37 1994
 * Anything else, including a valid-looking date that does not exist
 * (31 Apr, 29 Feb 1900, 24:00:00), is refused. */
#include <string.h>

#include "tools.h"

/* Inverse of civil_from_days in the cookie code (H. Hinnant's algorithm). */
long long frb__days_from_civil(long long y, unsigned m, unsigned d) {
  long long era;
  unsigned yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long long)doe - 719468;
}

struct cursor {
  const char *p, *end;
};

static int lit(struct cursor *c, const char *s) {
  size_t n = strlen(s);

  if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
    return 0;
  c->p += n;
  return 1;
}

/* Exactly n digits. */
static int digits(struct cursor *c, int n, unsigned *v) {
  *v = 0;
  if (c->end - c->p < n)
    return 0;
  for (int i = 0; i < n; i++, c->p++) {
    if (*c->p < '0' || *c->p > '9')
      return 0;
    *v = *v * 10 + (unsigned)(*c->p - '0');
  }
  return 1;
}

/* Index of the name that matches at the cursor, or -1. */
static int one_of(struct cursor *c, const char *const *names, int n) {
  for (int i = 0; i < n; i++)
    if (lit(c, names[i]))
      return i;
  return -1;
}

static const char *const wkday[7] = {"Mon", "Tue", "Wed", "Thu",
                                     "Fri", "Sat", "Sun"};
static const char *const weekday[7] = {"Monday",   "Tuesday", "Wednesday",
                                       "Thursday", "Friday",  "Saturday",
                                       "Sunday"};
static const char *const month[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct date {
  long long year;
  unsigned mon, day, h, m, s; /* mon 1..12 */
};

static int time_of_day(struct cursor *c, struct date *d) {
  return digits(c, 2, &d->h) && lit(c, ":") && digits(c, 2, &d->m) &&
         lit(c, ":") && digits(c, 2, &d->s);
}

static int month_name(struct cursor *c, struct date *d) {
  int m = one_of(c, month, 12);

  d->mon = (unsigned)(m + 1);
  return m >= 0;
}

static int imf_fixdate(struct cursor *c, struct date *d) {
  unsigned y;

  if (one_of(c, wkday, 7) < 0 || !lit(c, ", ") || !digits(c, 2, &d->day) ||
      !lit(c, " ") || !month_name(c, d) || !lit(c, " ") || !digits(c, 4, &y) ||
      !lit(c, " ") || !time_of_day(c, d) || !lit(c, " GMT"))
    return 0;
  d->year = y;
  return 1;
}

/* RFC 9110 5.6.7: a two-digit year that would be more than 50 years in the
 * future is the most recent past year with those digits. */
static long long full_year(unsigned yy, long long now) {
  long long days = (now >= 0 ? now : now - 86399) / 86400;
  /* 146097 days in 400 years; off by one near New Year at most, which the
   * 50-year window absorbs. */
  long long this_year = 1970 + days * 400 / 146097;
  long long y = this_year - this_year % 100 + yy;

  if (y > this_year + 50)
    y -= 100;
  else if (y <= this_year - 50)
    y += 100;
  return y;
}

static int rfc850_date(struct cursor *c, struct date *d, long long now) {
  unsigned yy;

  if (one_of(c, weekday, 7) < 0 || !lit(c, ", ") || !digits(c, 2, &d->day) ||
      !lit(c, "-") || !month_name(c, d) || !lit(c, "-") || !digits(c, 2, &yy) ||
      !lit(c, " ") || !time_of_day(c, d) || !lit(c, " GMT"))
    return 0;
  d->year = full_year(yy, now);
  return 1;
}

/* day = 2DIGIT / ( SP DIGIT ) */
static int asctime_day(struct cursor *c, unsigned *day) {
  if (lit(c, " "))
    return digits(c, 1, day) && *day != 0;
  return digits(c, 2, day);
}

static int asctime_date(struct cursor *c, struct date *d) {
  unsigned y;

  if (one_of(c, wkday, 7) < 0 || !lit(c, " ") || !month_name(c, d) ||
      !lit(c, " ") || !asctime_day(c, &d->day) || !lit(c, " ") ||
      !time_of_day(c, d) || !lit(c, " ") || !digits(c, 4, &y))
    return 0;
  d->year = y;
  return 1;
}

static int leap(long long y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* 60 is a leap second: the grammar allows it, and it counts as the first
 * second of the next minute (POSIX time has no leap seconds). */
static int valid(const struct date *d) {
  static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
  unsigned last = mdays[d->mon - 1] + (d->mon == 2 && leap(d->year));

  return d->day >= 1 && d->day <= last && d->h < 24 && d->m < 60 && d->s <= 60;
}

static int is_ows(char c) {
  return c == ' ' || c == '\t';
}

/* The formats differ from their first word on: try each from the start. */
static int parse_any(struct cursor *c, struct date *d, long long now) {
  const char *start = c->p;

  if (imf_fixdate(c, d))
    return 1;
  c->p = start;
  if (rfc850_date(c, d, now))
    return 1;
  c->p = start;
  return asctime_date(c, d);
}

int frb__parse_http_date(const char *s, size_t len, long long now,
                         long long *t) {
  struct cursor c = {s, s + len};
  struct date d;

  while (c.p < c.end && is_ows(*c.p))
    c.p++;
  while (c.end > c.p && is_ows(c.end[-1]))
    c.end--;
  if (!parse_any(&c, &d, now) || c.p != c.end || !valid(&d))
    return -1;
  *t = frb__days_from_civil(d.year, d.mon, d.day) * 86400 +
       (long long)(d.h * 3600 + d.m * 60 + d.s);
  return 0;
}
