/*
 * Formats and their arguments, built from the grammar that frb__vformat
 * (src/printf.c) accepts, plus specifications it must decline, for the
 * randomized test (tests/unit/test_printf.c) and the fuzzer
 * (tests/hardening/fuzz/fuzz_printf.c).  A byte source drives every choice:
 * a seeded generator in the test, the fuzzer's input in the harness.
 *
 * Every case is called with the same twenty arguments of fixed types
 * (pg_sig); each specification is built for the type of the next unread
 * argument, so the arguments always match the format, whatever it holds,
 * and the ones left over are ignored as C allows.
 */
#ifndef FRB_PRINTF_GEN_H
#define FRB_PRINTF_GEN_H

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum pg_type {
  PG_INT,
  PG_UNSIGNED,
  PG_LONG,
  PG_ULONG,
  PG_LLONG,
  PG_ULLONG,
  PG_SIZE,
  PG_PTRDIFF,
  PG_INTMAX,
  PG_UINTMAX,
  PG_STR
};

#define PG_SLOTS 20
static const enum pg_type pg_sig[PG_SLOTS] = {
    PG_INT,      PG_INT,   PG_LLONG, PG_STR,     PG_INT,
    PG_UNSIGNED, PG_SIZE,  PG_INT,   PG_STR,     PG_INTMAX,
    PG_LONG,     PG_ULONG, PG_INT,   PG_PTRDIFF, PG_ULLONG,
    PG_UINTMAX,  PG_INT,   PG_STR,   PG_INT,     PG_UNSIGNED};

union pg_val {
  int i;
  unsigned u;
  long l;
  unsigned long ul;
  long long ll;
  unsigned long long ull;
  size_t z;
  ptrdiff_t t;
  intmax_t j;
  uintmax_t uj;
  const char *s;
};

struct pg_src {
  uint8_t (*byte)(void *ctx);
  void *ctx;
};

struct pg_case {
  char fmt[768];
  size_t len;
  union pg_val v[PG_SLOTS];
  int convs;    /* conversions, "%%" included: 16 at most are formatted */
  int declines; /* frb__vformat must answer FRB__FMT_NOT_MINE */
};

static inline unsigned pg_pick(struct pg_src *src, unsigned n) {
  return src->byte(src->ctx) % n;
}

static inline uint64_t pg_u64(struct pg_src *src) {
  uint64_t v = 0;

  for (int i = 0; i < 8; i++)
    v = v << 8 | src->byte(src->ctx);
  return v;
}

static inline void pg_cat(struct pg_case *c, const char *s) {
  size_t n = strlen(s);

  if (c->len + n < sizeof c->fmt) {
    memcpy(c->fmt + c->len, s, n + 1);
    c->len += n;
  }
}

/* Room for one more piece of any kind (the longest is a literal run). */
static inline int pg_room(const struct pg_case *c) {
  return c->len + 64 < sizeof c->fmt;
}

/* A 300-byte string passes frb_header_setf's 256-byte stack buffer. */
static inline const char *pg_string(struct pg_src *src) {
  static const char long300[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
      "0123456789ab-300";
  static const char *const pool[] = {
      "",       "a",  "hello world", "tab\there", "\xc3\xa9t\xc3\xa9 \xff",
      "%d%s%n", "  ", long300,       "x;y=z, w"};

  return pool[pg_pick(src, sizeof pool / sizeof pool[0])];
}

/* Edge values first, then any bits. */
static inline uint64_t pg_bits(struct pg_src *src, int is_signed, int bits) {
  uint64_t mask = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  uint64_t max = is_signed ? mask >> 1 : mask;

  switch (pg_pick(src, 8)) {
  case 0: return 0;
  case 1: return 1;
  case 2: return max;                        /* INT_MAX, UINT64_MAX, ... */
  case 3: return is_signed ? ~max : max - 1; /* INT_MIN, LLONG_MIN, ... */
  case 4: return (uint64_t)-1;               /* -1 */
  case 5: return pg_pick(src, 256);
  default: return pg_u64(src);
  }
}

static inline void pg_value(struct pg_src *src, union pg_val *v,
                            enum pg_type t) {
  switch (t) {
  case PG_INT: v->i = (int)(int64_t)pg_bits(src, 1, 32); break;
  case PG_UNSIGNED: v->u = (unsigned)pg_bits(src, 0, 32); break;
  case PG_LONG: v->l = (long)pg_bits(src, 1, 8 * sizeof(long)); break;
  case PG_ULONG:
    v->ul = (unsigned long)pg_bits(src, 0, 8 * sizeof(long));
    break;
  case PG_LLONG: v->ll = (long long)pg_bits(src, 1, 64); break;
  case PG_ULLONG: v->ull = pg_bits(src, 0, 64); break;
  case PG_SIZE: v->z = (size_t)pg_bits(src, 0, 8 * sizeof(size_t)); break;
  case PG_PTRDIFF:
    v->t = (ptrdiff_t)pg_bits(src, 1, 8 * sizeof(ptrdiff_t));
    break;
  case PG_INTMAX: v->j = (intmax_t)pg_bits(src, 1, 64); break;
  case PG_UINTMAX: v->uj = pg_bits(src, 0, 64); break;
  case PG_STR: v->s = pg_string(src); break;
  }
}

/* Bytes that are not '%': spaces, punctuation, letters, obs-text. */
static inline void pg_literal(struct pg_src *src, struct pg_case *c) {
  static const char alphabet[] = " \t-_.,;:=/\"'abcXYZ019\x80\xc3\xa9\xff";
  char run[33];
  unsigned n = 1 + pg_pick(src, 32);

  for (unsigned i = 0; i < n; i++)
    run[i] = alphabet[pg_pick(src, sizeof alphabet - 1)];
  run[n] = '\0';
  pg_cat(c, run);
}

/* Specifications frb__vformat leaves to vsnprintf: floats, %n, %p, %o,
 * positional and grouping forms, glibc's own letters and modifiers, the
 * combinations whose output C leaves undefined, numbers above the bound,
 * and malformed ones. */
static const char *const pg_declined[] = {
    "%f",     "%e",     "%g",         "%a",          "%E",          "%p",
    "%o",     "%n",     "%hhn",       "%1$d",        "%'d",         "%Id",
    "%Lf",    "%lc",    "%ls",        "%#s",         "%05s",        "%+s",
    "% s",    "%.3c",   "%0c",        "%qd",         "%Zd",         "%w32d",
    "%wf32d", "%hhhd",  "%llld",      "%lhd",        "%5%",         "%-%",
    "%m",     "%C",     "%S",         "%D",          "%b",          "%B",
    "%#d",    "%#i",    "%#u",        "%hc",         "%hs",         "%zs",
    "%.*c",   "%Lu",    "%99999999d", "%.99999999x", "%.99999999s", "%.-1d",
    "%*1$d",  "%.*2$s", "%",          "%-",          "%5",          "%.",
    "%l",     "%hh",    "%j",         "%k",          "%\xc3\xa9"};

/* Picks each flag in '-+ #0' that the conversion takes, some twice. */
static inline void pg_flags(struct pg_src *src, struct pg_case *c,
                            const char *allowed) {
  char f[8];
  unsigned n = 0, k = pg_pick(src, 4);

  for (unsigned i = 0; i < k && *allowed; i++)
    f[n++] = allowed[pg_pick(src, (unsigned)strlen(allowed))];
  f[n] = '\0';
  pg_cat(c, f);
}

/* The int read by a '*': small mostly; INT_MIN, INT_MAX and 20000000
 * sometimes, which frb__vformat declines as a width, and as a precision
 * too except for %s (a negative precision is none). */
static inline void pg_star(struct pg_src *src, struct pg_case *c,
                           union pg_val *v, int precision, char conv) {
  unsigned r = pg_pick(src, 32);

  v->i = r == 0   ? INT_MIN
         : r == 1 ? INT_MAX
         : r == 2 ? 20000000
                  : (int)pg_pick(src, 64) - 24;
  if (r <= 2 && (!precision || (r > 0 && conv != 's')))
    c->declines = 1;
  pg_cat(c, precision ? ".*" : "*");
}

/* A literal width or precision, or none. */
static inline void pg_number(struct pg_src *src, struct pg_case *c,
                             int precision) {
  char num[16];
  unsigned r = pg_pick(src, 8);

  if (r < 3)
    return;
  if (precision && r == 3) {
    pg_cat(c, ".");
    return;
  }
  /* A width cannot start with 0: that is the '0' flag. */
  snprintf(num, sizeof num, "%s%u", precision ? "." : "",
           (r < 7 ? pg_pick(src, 12) : pg_pick(src, 300)) + !precision);
  pg_cat(c, num);
}

static inline const char *pg_length(struct pg_src *src, enum pg_type t,
                                    int is_c) {
  switch (t) {
  case PG_INT:
  case PG_UNSIGNED:
    return is_c || pg_pick(src, 3) ? "" : pg_pick(src, 2) ? "hh" : "h";
  case PG_LONG:
  case PG_ULONG: return "l";
  case PG_LLONG:
  case PG_ULLONG: return "ll";
  /* Same size (src/printf.c asserts it): %zd and %tu read the twin type. */
  case PG_SIZE: return pg_pick(src, 2) ? "z" : "t";
  case PG_PTRDIFF: return pg_pick(src, 2) ? "t" : "z";
  case PG_INTMAX:
  case PG_UINTMAX: return "j";
  default: return "";
  }
}

/* One specification from *slot on: '*'s read ints, then the conversion is
 * one that reads the type of the argument after them. */
static inline void pg_spec(struct pg_src *src, struct pg_case *c, int *slot) {
  static const char *const sconv[] = {"d", "i"};
  static const char *const uconv[] = {"u", "x", "X"};
  int s = *slot;
  int wstar = s + 1 < PG_SLOTS && pg_sig[s] == PG_INT && !pg_pick(src, 4);
  int pstar = s + wstar + 1 < PG_SLOTS && pg_sig[s + wstar] == PG_INT &&
              !pg_pick(src, 4);
  enum pg_type t = pg_sig[s + wstar + pstar];
  int is_signed = t == PG_INT || t == PG_LONG || t == PG_LLONG ||
                  t == PG_PTRDIFF || t == PG_INTMAX;
  int is_c = t == PG_INT && !pstar && !pg_pick(src, 6);
  const char *conv = t == PG_STR ? "s"
                     : is_c      ? "c"
                     : is_signed ? sconv[pg_pick(src, 2)]
                                 : uconv[pg_pick(src, 3)];

  pg_cat(c, "%");
  pg_flags(src, c,
           t == PG_STR || is_c            ? "-"
           : *conv == 'x' || *conv == 'X' ? "-+ #0"
                                          : "-+ 0");
  if (wstar)
    pg_star(src, c, &c->v[s++], 0, *conv);
  else
    pg_number(src, c, 0);
  if (pstar)
    pg_star(src, c, &c->v[s++], 1, *conv);
  else if (!is_c)
    pg_number(src, c, 1);
  pg_cat(c, pg_length(src, t, is_c));
  pg_cat(c, conv);
  pg_value(src, &c->v[s], t);
  /* A NUL from %c is left to vsnprintf (and refused after it). */
  if (is_c && (unsigned char)c->v[s].i == 0)
    c->declines = 1;
  if (t == PG_STR && !pg_pick(src, 16)) {
    c->v[s].s = NULL; /* glibc's "(null)" is left to glibc */
    c->declines = 1;
  }
  *slot = s + 1;
}

/* A whole case: literal runs, "%%" and specifications in any order, and
 * sometimes a declined specification, after which nothing is read. */
static inline void pg_build(struct pg_src *src, struct pg_case *c) {
  int slot = 0;

  memset(c, 0, sizeof *c);
  while (slot < PG_SLOTS && pg_room(c) && pg_pick(src, 8) != 0) {
    switch (pg_pick(src, 8)) {
    case 0:
    case 1: pg_literal(src, c); break;
    case 2:
      pg_cat(c, "%%");
      c->convs++;
      break;
    case 3:
      if (!pg_pick(src, 4)) {
        pg_cat(c, pg_declined[pg_pick(src, sizeof pg_declined /
                                               sizeof pg_declined[0])]);
        c->declines = 1;
        return;
      }
      /* fall through */
    default: pg_spec(src, c, &slot); c->convs++;
    }
    /* A seventeenth conversion, now and then, sends it to vsnprintf. */
    if (c->convs > 16) {
      c->declines = 1;
      return;
    }
    if (c->convs == 16 && pg_pick(src, 8))
      return;
  }
}

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif

static inline int pg_vformat(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = frb__vformat(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

/* The case through frb__vformat (fast) or snprintf, with every argument. */
static inline int pg_call(int fast, char *buf, size_t size,
                          const struct pg_case *c) {
  const union pg_val *v = c->v;
#define PG_ARGS                                                                \
  v[0].i, v[1].i, v[2].ll, v[3].s, v[4].i, v[5].u, v[6].z, v[7].i, v[8].s,     \
      v[9].j, v[10].l, v[11].ul, v[12].i, v[13].t, v[14].ull, v[15].uj,        \
      v[16].i, v[17].s, v[18].i, v[19].u
  return fast ? pg_vformat(buf, size, c->fmt, PG_ARGS)
              : snprintf(buf, size, c->fmt, PG_ARGS);
#undef PG_ARGS
}

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* NULL when frb__vformat gives snprintf's bytes and length at every buffer
 * size tried (0, 1, half, all but the NUL, all, 256) and writes nothing
 * past the size, or declines where it must; else what went wrong. */
static inline const char *pg_check(const struct pg_case *c) {
  char *want, *got;
  size_t sizes[6], cap;
  int n, m;

  if (c->declines)
    return pg_call(1, NULL, 0, c) == FRB__FMT_NOT_MINE
               ? NULL
               : "accepted, must decline";
  if ((n = pg_call(0, NULL, 0, c)) < 0)
    return "snprintf failed";
  sizes[0] = 0, sizes[1] = 1, sizes[2] = (size_t)n / 2;
  sizes[3] = (size_t)n, sizes[4] = (size_t)n + 1, sizes[5] = 256;
  cap = (size_t)n + 272;
  if (!(want = malloc(cap)) || !(got = malloc(cap)))
    abort();
  for (int i = 0; i < 6; i++) {
    memset(want, 0xA5, cap);
    memset(got, 0xA5, cap);
    pg_call(0, want, sizes[i], c);
    m = pg_call(1, got, sizes[i], c);
    if (m != n || memcmp(want, got, cap) != 0) {
      free(want);
      free(got);
      return m == FRB__FMT_NOT_MINE ? "declined" : "differs from snprintf";
    }
  }
  free(want);
  free(got);
  return NULL;
}

#endif /* FRB_PRINTF_GEN_H */
