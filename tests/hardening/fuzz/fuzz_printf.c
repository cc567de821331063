/*
 * libFuzzer harness for frb_header_setf's formatter (src/printf.c): what
 * frb__vformat formats must be vsnprintf's bytes and length, at several
 * buffer sizes, with nothing written past the size; what it declines, it
 * declines before reading an argument.  The first input byte picks:
 *   even: a format and its arguments built by tests/unit/printf_gen.h from
 *         the rest of the input (every conversion, length and flag of the
 *         subset, '*'s, NULL strings, declined specifications);
 *   odd:  the rest of the input is the format itself, judged by a reference
 *         written here from the grammar: outside the subset, it must be
 *         declined; inside it, with only int arguments (d i u x X c, no
 *         length or hh or h, '*'), it is formatted with twelve of them and
 *         compared with snprintf.  Other accepted formats are skipped: their
 *         arguments could not be given.
 */
#include "frb.h"
#include "internal.h"
#include "fuzz_common.h"
#include "../../unit/printf_gen.h"

static uint8_t in_byte(void *ctx) {
  return fz_u8(ctx);
}

static void check_generated(struct fz_in *in) {
  static struct pg_case c;
  struct pg_src src = {in_byte, in};
  const char *why;

  pg_build(&src, &c);
  why = pg_check(&c);
  FZ_CHECK(why == NULL, "format \"%s\": %s", c.fmt, why);
}

/* The subset, read again from its grammar (src/printf.c's header comment):
 *   '%' ( '%' | flag* width? ( '.' prec? )? length? conv )
 *   flag = [-+ #0], width and prec = digits (at most 16777216) or '*',
 *   length = hh h l ll z j t, conv = d i u x X s c; no '#' on d i u, only
 *   '-' and no length on s and c, no precision on c; 16 conversions at
 *   most.  Returns -1 outside it, 0 for a format that reads only ints and
 *   has no number above 4096 (*nargs of them), 1 for one to skip. */
static int ref_classify(const char *p, int *nargs) {
  int convs = 0, skip = 0;

  *nargs = 0;
  for (; *p; p++) {
    int flags = 0, prec = 0, len = 0;
    long num;

    if (*p != '%')
      continue;
    if (++convs > 16)
      return -1;
    if (p[1] == '%') {
      p++;
      continue;
    }
    for (p++; *p && strchr("-+ #0", *p); p++)
      flags |= *p == '#' ? 1 : *p == '-' ? 0 : 2;
    for (int field = 0; field < 2; field++) {
      if (field == 1) {
        if (*p != '.')
          break;
        prec = 1;
        p++;
      }
      if (*p == '*') {
        ++*nargs;
        p++;
        continue;
      }
      for (num = 0; *p >= '0' && *p <= '9'; p++)
        if ((num = num * 10 + (*p - '0')) > 16777216)
          return -1;
      skip |= num > 4096;
    }
    if ((p[0] == 'h' && p[1] == 'h') || (p[0] == 'l' && p[1] == 'l'))
      len = p[0] == 'h' ? 1 : 2, p += 2;
    else if (*p && strchr("hlzjt", *p))
      len = *p == 'h' ? 1 : 2, p++;
    switch (*p) {
    case 'd':
    case 'i':
    case 'u':
      if (flags & 1)
        return -1;
      break;
    case 'x':
    case 'X': break;
    case 's':
    case 'c':
      if (flags || len || (*p == 'c' && prec))
        return -1;
      break;
    default: return -1;
    }
    skip |= len == 2 || *p == 's';
    ++*nargs;
  }
  return skip;
}

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif

#define INT_ARGS                                                               \
  a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]

static void check_raw(struct fz_in *in) {
  int a[12], nargs, n, m, cls;
  char *fmt, *want, *got;
  size_t sizes[3];

  /* Odd and below 4096: no %c of 0, no '*' above the bound, and each is an
   * int that %u and %x may read as unsigned too. */
  for (int i = 0; i < 12; i++)
    a[i] = (fz_u16(in) & 4095) | 1;
  fmt = fz_bytes(in, in->n);
  cls = ref_classify(fmt, &nargs);
  if (cls < 0) {
    /* Declined before any argument is read: these ints are never used. */
    n = pg_vformat(NULL, 0, fmt, INT_ARGS);
    FZ_CHECK(n == FRB__FMT_NOT_MINE, "format \"%s\" outside the subset: %d",
             fmt, n);
  } else if (cls == 0 && nargs <= 12) {
    n = snprintf(NULL, 0, fmt, INT_ARGS);
    FZ_CHECK(n >= 0, "snprintf failed on \"%s\"", fmt);
    sizes[0] = (size_t)n + 1, sizes[1] = (size_t)n / 2, sizes[2] = 0;
    if (!(want = malloc((size_t)n + 17)) || !(got = malloc((size_t)n + 17)))
      abort();
    for (int i = 0; i < 3; i++) {
      memset(want, 0xA5, (size_t)n + 17);
      memset(got, 0xA5, (size_t)n + 17);
      snprintf(want, sizes[i], fmt, INT_ARGS);
      m = pg_vformat(got, sizes[i], fmt, INT_ARGS);
      FZ_CHECK(m == n && memcmp(want, got, (size_t)n + 17) == 0,
               "format \"%s\" at size %zu: %d, snprintf %d", fmt, sizes[i], m,
               n);
    }
    free(want);
    free(got);
  }
  free(fmt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fz_in in = {data, size};

  if (fz_u8(&in) % 2 == 0)
    check_generated(&in);
  else
    check_raw(&in);
  return 0;
}
