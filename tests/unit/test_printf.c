/* The formatter behind frb_header_setf(3) (src/printf.c): for every format
 * it accepts, vsnprintf's bytes and length, truncation included; for every
 * other, a decline before the caller's arguments are touched. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "internal.h"
#include "printf_gen.h"

#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* frb__vformat against vsnprintf for one format and its arguments, at
 * every buffer size from 0 to the length + 1, with a canary after it. */
static void same_as_vsnprintf(const char *fmt, ...) {
  char want[1024], got[1024];
  va_list ap, aq;
  int n, m;

  va_start(ap, fmt);
  va_copy(aq, ap);
  n = vsnprintf(want, sizeof want, fmt, aq);
  va_end(aq);
  assert_true(n >= 0 && n < (int)sizeof want - 1);
  for (size_t size = 0; size <= (size_t)n + 1; size++) {
    memset(want, 0x5A, sizeof want);
    memset(got, 0x5A, sizeof got);
    va_copy(aq, ap);
    vsnprintf(want, size, fmt, aq);
    va_end(aq);
    m = frb__vformat(got, size, fmt, ap);
    /* Only what fits of each is shown: neither need end in a NUL. */
    if (m != n || memcmp(want, got, sizeof want) != 0)
      fail_msg("format \"%s\", size %zu: got %d \"%.*s\", want %d \"%.*s\"",
               fmt, size, m, (int)size, got, n, (int)size, want);
  }
  va_end(ap);
}

static void test_signed_conversions_at_edges(void **state) {
  static const char *const fmts[] = {
      "%d",     "%i",     "%5d",   "%-5d",    "%05d",   "%+d",        "% d",
      "%.0d",   "%.3d",   "%8.3d", "%-+8.3d", "%+05d",  "% 05d",      "%0-5d",
      "%- 12i", "%012d",  "%+.0i", "% .0d",   "%0+12d", "%12.11d",    "%hhd",
      "%hd",    "%+6hhi", "%-8hd", "%.12d",   "%+ d",   "%-0+ 20.14d"};
  static const int vals[] = {0,   1,    -1,    7,      -42,     127,
                             128, -129, 32768, -32769, INT_MAX, INT_MIN};

  (void)state;
  for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
    for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++)
      same_as_vsnprintf(fmts[f], vals[v]);
}

static void test_wide_signed_conversions_at_edges(void **state) {
  static const long long vals[] = {0,
                                   1,
                                   -1,
                                   INT_MIN,
                                   (long long)INT_MIN - 1,
                                   LLONG_MAX,
                                   LLONG_MIN,
                                   1000000000000LL};

  (void)state;
  for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
    long long x = vals[v];

    same_as_vsnprintf("%lld|%lli|%+25lld|%-25.22lld|%025lld", x, x, x, x, x);
    same_as_vsnprintf("%ld|%+.0ld|% 030li", (long)x, (long)x, (long)x);
    same_as_vsnprintf("%jd|%zd|%td|%-+24ji", (intmax_t)x, (ptrdiff_t)x,
                      (ptrdiff_t)x, (intmax_t)x);
  }
}

static void test_unsigned_conversions_at_edges(void **state) {
  static const char *const fmts[] = {
      "%u",     "%x",     "%X",     "%#x",   "%#X",    "%#08x", "%#.0x",
      "%.0u",   "%08X",   "%-#10x", "%+u",   "% x",    "%#5x",  "%#-5X",
      "%.10x",  "%#.10X", "%hhu",   "%hhx",  "%hu",    "%hX",   "%#hhx",
      "%0#12x", "%12.0u", "%-u",    "%#.3x", "%#-012X"};
  static const unsigned vals[] = {
      0, 1, 9, 10, 15, 16, 255, 256, 65535, 65536, 0xdeadbeefu, UINT_MAX};

  (void)state;
  for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
    for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++)
      same_as_vsnprintf(fmts[f], vals[v]);
}

static void test_wide_unsigned_conversions_at_edges(void **state) {
  static const unsigned long long vals[] = {0,
                                            1,
                                            UINT_MAX,
                                            (unsigned long long)UINT_MAX + 1,
                                            LLONG_MAX,
                                            UINT64_MAX,
                                            0x0123456789abcdefULL};

  (void)state;
  for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
    unsigned long long x = vals[v];

    same_as_vsnprintf("%llu|%llx|%#llX|%030llu|%-#20.18llx", x, x, x, x, x);
    same_as_vsnprintf("%lu|%#lx|%lX", (unsigned long)x, (unsigned long)x,
                      (unsigned long)x);
    same_as_vsnprintf("%ju|%jx|%zu|%zx|%tu|%#tX", (uintmax_t)x, (uintmax_t)x,
                      (size_t)x, (size_t)x, (size_t)x, (size_t)x);
  }
}

static void test_strings_and_chars(void **state) {
  static const char *const strs[] = {
      "", "a", "hello", "tab\there", "\xc3\xa9t\xc3\xa9", "%d%n%s"};
  static const char *const fmts[] = {"%s",   "%10s",   "%-10s",  "%.3s",
                                     "%.0s", "%3.1s",  "%-7.2s", "[%s]",
                                     "%.s",  "%-1s|%s"};

  (void)state;
  for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
    for (size_t s = 0; s < sizeof strs / sizeof strs[0]; s++)
      same_as_vsnprintf(fmts[f], strs[s], "tail");
  for (int c = 1; c < 256; c += 17)
    same_as_vsnprintf("%c|%5c|%-3c|%-c", c, c, c, c);
}

/* A %c of 0 would put a NUL in the value: frb_header_setf refuses that
 * after vsnprintf, so that nothing formatted here needs a look for one. */
static void test_nul_char_declines(void **state) {
  char buf[16];

  (void)state;
  assert_int_equal(pg_vformat(buf, sizeof buf, "a%cb", 0), FRB__FMT_NOT_MINE);
  assert_int_equal(pg_vformat(buf, sizeof buf, "%-3c", 256), FRB__FMT_NOT_MINE);
}

/* Sixteen conversions, "%%" included, are formatted; a seventeenth sends
 * the format to vsnprintf. */
static void test_sixteen_conversions_at_most(void **state) {
  char buf[64];

  (void)state;
  same_as_vsnprintf("%d%d%d%d%d%d%d%d%d%d%d%d%d%d%%%d", 1, 2, 3, 4, 5, 6, 7, 8,
                    9, 10, 11, 12, 13, 14, 15);
  assert_int_equal(pg_vformat(buf, sizeof buf,
                              "%d%d%d%d%d%d%d%d%d%d%d%d%d%d%%%d%%", 1, 2, 3, 4,
                              5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                   FRB__FMT_NOT_MINE);
}

/* A precision bounds what %s reads: the string need not end in a NUL
 * (ASan catches a read past the allocation). */
static void test_precision_reads_no_further(void **state) {
  char *piece = malloc(5);
  char buf[16];

  (void)state;
  assert_non_null(piece);
  memcpy(piece, "abcde", 5);
  assert_int_equal(pg_vformat(buf, sizeof buf, "<%.5s>", piece), 7);
  assert_string_equal(buf, "<abcde>");
  assert_int_equal(pg_vformat(buf, sizeof buf, "<%.*s>", 3, piece), 5);
  assert_string_equal(buf, "<abc>");
  assert_int_equal(pg_vformat(buf, sizeof buf, "<%-8.*s>", 2, piece), 10);
  assert_string_equal(buf, "<ab      >");
  free(piece);
}

static void test_stars_read_ints_in_order(void **state) {
  static const int vals[] = {-30, -5, -1, 0, 1, 3, 12, 40};

  (void)state;
  for (size_t a = 0; a < sizeof vals / sizeof vals[0]; a++)
    for (size_t b = 0; b < sizeof vals / sizeof vals[0]; b++) {
      /* A negative width is '-'; a negative precision is none. */
      same_as_vsnprintf("%*d|%.*d|%*.*x", vals[a], -77, vals[b], 77, vals[a],
                        vals[b], 0xabcu);
      same_as_vsnprintf("%*s|%.*s|%-*.*s", vals[a], "str", vals[b], "string",
                        vals[b], vals[a], "xyz");
      same_as_vsnprintf("%*c|%0*d|%0*.*u", vals[a], 'q', vals[b], -5, vals[a],
                        vals[b], 9u);
    }
}

static void test_literals_and_percent(void **state) {
  (void)state;
  same_as_vsnprintf("");
  same_as_vsnprintf("plain text, no conversion");
  same_as_vsnprintf("%%");
  same_as_vsnprintf("100%% sure %%%%");
  same_as_vsnprintf("req-%u %s=%d;%x%%", 4294967295u, "k", -3, 48879u);
  same_as_vsnprintf("\xc3\xa9\xff %d \x80", 5);
}

/* A formatted value longer than any stack buffer, in one piece. */
static void test_long_results(void **state) {
  char *want = malloc(5000), *got = malloc(5000);
  char *big = malloc(3001);

  (void)state;
  assert_true(want && got && big);
  memset(big, 'b', 3000);
  big[3000] = '\0';
  assert_int_equal(snprintf(want, 5000, "%s|%900d|%-900x|", big, -1, 255u),
                   4803);
  assert_int_equal(pg_vformat(got, 5000, "%s|%900d|%-900x|", big, -1, 255u),
                   4803);
  assert_string_equal(got, want);
  free(want);
  free(got);
  free(big);
}

/* Declining uses none of the caller's arguments: vsnprintf can take the
 * same va_list afterwards. */
static int declines_then_vsnprintf(char *buf, size_t size, const char *fmt,
                                   ...) {
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = frb__vformat(buf, size, fmt, ap);
  assert_int_equal(n, FRB__FMT_NOT_MINE);
  n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

static void test_declines_leave_the_arguments(void **state) {
  char buf[64];
  int sink_var = 0;

  (void)state;
  assert_int_equal(
      declines_then_vsnprintf(buf, sizeof buf, "%d|%s|%.2f|%d", 5, "x", 1.5, 6),
      10);
  assert_string_equal(buf, "5|x|1.50|6");
  assert_int_equal(
      declines_then_vsnprintf(buf, sizeof buf, "%s-%p", "p", (void *)0), 7);
  assert_string_equal(buf, "p-(nil)");
  assert_int_equal(declines_then_vsnprintf(buf, sizeof buf, "%u%o", 1u, 8u), 3);
  assert_string_equal(buf, "110");
  /* Declined before the %n, whatever came first. */
  assert_int_equal(pg_vformat(buf, sizeof buf, "%d%n", 1, &sink_var),
                   FRB__FMT_NOT_MINE);
  assert_int_equal(sink_var, 0);
}

/* Every specification outside the subset, alone and after ones it takes,
 * is declined before any argument is read: the %s given an int here would
 * crash if it were read. */
static void test_declines_what_is_not_in_the_subset(void **state) {
  char fmt[64], buf[64];

  (void)state;
  for (size_t i = 0; i < sizeof pg_declined / sizeof pg_declined[0]; i++) {
    const char *d = pg_declined[i];

    if (pg_vformat(buf, sizeof buf, d, 1) != FRB__FMT_NOT_MINE)
      fail_msg("\"%s\" accepted", d);
    snprintf(fmt, sizeof fmt, "x%%s%%d%s", d);
    if (pg_vformat(buf, sizeof buf, fmt, 1, 2) != FRB__FMT_NOT_MINE)
      fail_msg("\"%s\" accepted", fmt);
  }
}

/* glibc prints "(null)" for a NULL %s, or nothing under a precision below
 * 6: glibc's own behaviour, left to it. */
static void test_null_string_declines(void **state) {
  const char *volatile null = NULL;
  char buf[32];

  (void)state;
  assert_int_equal(pg_vformat(buf, sizeof buf, "%s", null), FRB__FMT_NOT_MINE);
  assert_int_equal(pg_vformat(buf, sizeof buf, "a%.3sb", null),
                   FRB__FMT_NOT_MINE);
  assert_int_equal(pg_vformat(buf, sizeof buf, "%d%-9s", 1, null),
                   FRB__FMT_NOT_MINE);
}

/* Past the head limit (16 MiB) a width or a result is vsnprintf's. */
static void test_declines_above_the_head_limit(void **state) {
  char buf[32];
  char *big = malloc(FRB_MAX_HEAD_BYTES + 2);

  (void)state;
  assert_int_equal(pg_vformat(buf, sizeof buf, "%*d", 20000000, 1),
                   FRB__FMT_NOT_MINE);
  assert_int_equal(pg_vformat(buf, sizeof buf, "%*d", INT_MIN, 1),
                   FRB__FMT_NOT_MINE);
  assert_int_equal(pg_vformat(buf, sizeof buf, "%.*d", INT_MAX, 1),
                   FRB__FMT_NOT_MINE);
  assert_int_equal(pg_vformat(buf, sizeof buf, "%16777217d", 1),
                   FRB__FMT_NOT_MINE);
  /* At the limit, and a %s precision that only bounds the read. */
  assert_int_equal(pg_vformat(buf, sizeof buf, "%16777216d", 1), 16777216);
  assert_int_equal(pg_vformat(buf, sizeof buf, "%.*s", INT_MAX, "abc"), 3);
  assert_string_equal(buf, "abc");
  assert_non_null(big);
  memset(big, 'z', FRB_MAX_HEAD_BYTES + 1);
  big[FRB_MAX_HEAD_BYTES + 1] = '\0';
  assert_int_equal(pg_vformat(buf, sizeof buf, "%s", big), FRB__FMT_NOT_MINE);
  big[FRB_MAX_HEAD_BYTES] = '\0';
  assert_int_equal(pg_vformat(buf, sizeof buf, "%s", big),
                   (int)FRB_MAX_HEAD_BYTES);
  free(big);
}

/* xorshift64*, seeded per run: the same cases every time. */
static uint8_t next_byte(void *ctx) {
  uint64_t *x = ctx;

  *x ^= *x >> 12;
  *x ^= *x << 25;
  *x ^= *x >> 27;
  return (uint8_t)((*x * 0x2545F4914F6CDD1DULL) >> 56);
}

static void test_random_formats_match_vsnprintf(void **state) {
  struct pg_case *c = malloc(sizeof *c);
  unsigned accepted = 0, total = 0;

  (void)state;
  assert_non_null(c);
  for (uint64_t seed = 1; seed <= 20; seed++) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL;
    struct pg_src src = {next_byte, &x};

    for (int i = 0; i < 1000; i++, total++) {
      const char *why;

      pg_build(&src, c);
      if ((why = pg_check(c)) != NULL)
        fail_msg("seed %llu case %d: \"%s\": %s", (unsigned long long)seed, i,
                 c->fmt, why);
      accepted += !c->declines;
    }
  }
  free(c);
  /* Most cases must be formatted, not declined, or this proves little. */
  assert_true(accepted > total / 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_signed_conversions_at_edges),
      cmocka_unit_test(test_wide_signed_conversions_at_edges),
      cmocka_unit_test(test_unsigned_conversions_at_edges),
      cmocka_unit_test(test_wide_unsigned_conversions_at_edges),
      cmocka_unit_test(test_strings_and_chars),
      cmocka_unit_test(test_nul_char_declines),
      cmocka_unit_test(test_sixteen_conversions_at_most),
      cmocka_unit_test(test_precision_reads_no_further),
      cmocka_unit_test(test_stars_read_ints_in_order),
      cmocka_unit_test(test_literals_and_percent),
      cmocka_unit_test(test_long_results),
      cmocka_unit_test(test_declines_leave_the_arguments),
      cmocka_unit_test(test_declines_what_is_not_in_the_subset),
      cmocka_unit_test(test_null_string_declines),
      cmocka_unit_test(test_declines_above_the_head_limit),
      cmocka_unit_test(test_random_formats_match_vsnprintf),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
