/*
 * A printf for header values: the conversions they use (%s %d %i %u %x %X
 * %c %%, the flags - + space # 0, a width and a precision, '*' for either,
 * and the length modifiers hh h l ll z j t), up to 16 in a format, formatted
 * without stdio and byte for byte as glibc's vsnprintf formats them.
 * For "req-%u", vsnprintf and the %n guard before it cost about 880
 * instructions (vsnprintf sets up a FILE stream for any format); this about
 * 340.  Whatever is outside the subset is declined, and frb_header_setf
 * hands it to vsnprintf.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* A width, a precision that pads, or a result above the head limit goes to
 * vsnprintf: frb_header_setf refuses such a value anyway, and the bound
 * keeps every count here far from overflow, on 32-bit targets too. */
#define FMT_MAX ((int)FRB_MAX_HEAD_BYTES)

/* %zd reads size_t's signed twin and %tu ptrdiff_t's unsigned one: both are
 * read here as the other type of the pair, which needs them the same size. */
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t),
               "size_t and ptrdiff_t differ in size");

enum { F_MINUS = 1, F_PLUS = 2, F_SPACE = 4, F_HASH = 8, F_ZERO = 16 };
enum { NONE = -1, STAR = -2 }; /* a width or precision that is not a number */
enum len_mod { L_INT, L_HH, L_H, L_L, L_LL, L_Z, L_J, L_T };

/* Conversions in one format, "%%" included: more go to vsnprintf.  All are
 * read before the first argument, and read once. */
#define FMT_SPECS 16

struct spec {
  const char *at, *end; /* the '%', and the byte after the conversion */
  unsigned flags;
  int width; /* NONE, STAR or 0..FMT_MAX */
  int prec;  /* NONE, STAR or 0..FMT_MAX (up to INT_MAX from '*' for %s) */
  enum len_mod len;
  char conv;
};

struct out {
  char *buf;
  size_t size;
  size_t len; /* of the whole result, as much as fits is written */
};

/* Both skip the call for nothing: a field has several empty parts. */
static void put(struct out *o, const char *s, size_t n) {
  if (n && o->len < o->size) {
    size_t room = o->size - o->len;
    memcpy(o->buf + o->len, s, n < room ? n : room);
  }
  o->len += n;
}

static void fill(struct out *o, char c, size_t n) {
  if (n && o->len < o->size) {
    size_t room = o->size - o->len;
    memset(o->buf + o->len, c, n < room ? n : room);
  }
  o->len += n;
}

static unsigned flag_bit(char c) {
  switch (c) {
  case '-': return F_MINUS;
  case '+': return F_PLUS;
  case ' ': return F_SPACE;
  case '#': return F_HASH;
  case '0': return F_ZERO;
  default: return 0;
  }
}

/* A number larger than FMT_MAX is not ours (glibc fails above INT_MAX). */
static const char *parse_field(const char *p, int *v) {
  int n = 0;

  if (*p == '*') {
    *v = STAR;
    return p + 1;
  }
  for (; *p >= '0' && *p <= '9'; p++)
    if (n > FMT_MAX / 10 || (n = n * 10 + (*p - '0')) > FMT_MAX)
      return NULL;
  *v = n;
  return p;
}

static const char *parse_length(const char *p, enum len_mod *len) {
  switch (*p) {
  case 'h': *len = p[1] == 'h' ? L_HH : L_H; return p + (p[1] == 'h' ? 2 : 1);
  case 'l': *len = p[1] == 'l' ? L_LL : L_L; return p + (p[1] == 'l' ? 2 : 1);
  case 'z': *len = L_Z; return p + 1;
  case 'j': *len = L_J; return p + 1;
  case 't': *len = L_T; return p + 1;
  default: *len = L_INT; return p;
  }
}

/* Only the combinations whose output C11 defines: no '#' on a decimal, no
 * '0', '+' or ' ' on %s and %c, no precision on %c, no wide %ls or %lc. */
static int spec_ours(const struct spec *s) {
  switch (s->conv) {
  case 'd':
  case 'i':
  case 'u': return !(s->flags & F_HASH);
  case 'x':
  case 'X': return 1;
  case 's': return s->len == L_INT && !(s->flags & ~(unsigned)F_MINUS);
  case 'c':
    return s->len == L_INT && !(s->flags & ~(unsigned)F_MINUS) &&
           s->prec == NONE;
  default: return 0;
  }
}

/* Reads the specification after a '%' (not "%%"): returns the character
 * after it, or NULL if it is not ours.  A positional "m$" ends up as the
 * conversion '$', and a '%' at the end as the conversion NUL: neither is
 * ours, so nothing past the string is read. */
static const char *parse_spec(const char *p, struct spec *s) {
  unsigned bit;

  for (s->flags = 0; (bit = flag_bit(*p)) != 0; p++)
    s->flags |= bit;
  if (!(p = parse_field(p, &s->width)))
    return NULL;
  s->prec = NONE;
  if (*p == '.' && !(p = parse_field(p + 1, &s->prec)))
    return NULL;
  p = parse_length(p, &s->len);
  s->conv = *p;
  return spec_ours(s) ? p + 1 : NULL;
}

static intmax_t arg_signed(enum len_mod len, va_list *ap) {
  switch (len) {
  case L_HH: return (signed char)va_arg(*ap, int);
  case L_H: return (short)va_arg(*ap, int);
  case L_L: return va_arg(*ap, long);
  case L_LL: return va_arg(*ap, long long);
  case L_Z:
  case L_T: return va_arg(*ap, ptrdiff_t);
  case L_J: return va_arg(*ap, intmax_t);
  default: return va_arg(*ap, int);
  }
}

static uintmax_t arg_unsigned(enum len_mod len, va_list *ap) {
  switch (len) {
  case L_HH: return (unsigned char)va_arg(*ap, unsigned);
  case L_H: return (unsigned short)va_arg(*ap, unsigned);
  case L_L: return va_arg(*ap, unsigned long);
  case L_LL: return va_arg(*ap, unsigned long long);
  case L_Z:
  case L_T: return va_arg(*ap, size_t);
  case L_J: return va_arg(*ap, uintmax_t);
  default: return va_arg(*ap, unsigned);
  }
}

/* Digits of v in base 10 or 16 (none for 0), written backwards ending at
 * 'end'; the decimal ones two at a time, and in 32 bits once they fit. */
static char *digits(char *end, uintmax_t v, char conv) {
  static const char pairs[] =
      "00010203040506070809101112131415161718192021222324"
      "25262728293031323334353637383940414243444546474849"
      "50515253545556575859606162636465666768697071727374"
      "75767778798081828384858687888990919293949596979899";
  const char *hex = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  uint32_t w;

  if (conv == 'x' || conv == 'X') {
    for (; v; v >>= 4)
      *--end = hex[v & 15];
    return end;
  }
  for (; v > UINT32_MAX; v /= 100)
    end -= 2, memcpy(end, pairs + 2 * (v % 100), 2);
  for (w = (uint32_t)v; w >= 10; w /= 100)
    end -= 2, memcpy(end, pairs + 2 * (w % 100), 2);
  if (w)
    *--end = (char)('0' + w);
  return end;
}

/* C11 7.21.6.1: at least 'prec' digits (none for 0 with precision 0), the
 * sign or 0x in front, then padded to the width with spaces, or with zeros
 * after the sign when '0' is given without '-' and without a precision. */
static void put_int(struct out *o, const struct spec *s, uintmax_t v,
                    char sign) {
  char tmp[3 * sizeof v], pre[2];
  char *end = tmp + sizeof tmp, *d = digits(end, v, s->conv);
  size_t npre = 0, nd = (size_t)(end - d), zeros = 0, body, pad = 0;
  size_t prec = s->prec == NONE ? 1 : (size_t)s->prec;

  /* The usual "%d" or "%u": the digits alone. */
  if (!s->flags && s->width <= 0 && s->prec == NONE && !sign) {
    put(o, nd ? d : "0", nd ? nd : 1);
    return;
  }
  if (sign)
    pre[npre++] = sign;
  else if ((s->flags & F_HASH) && v)
    pre[npre++] = '0', pre[npre++] = s->conv;
  if (prec > nd)
    zeros = prec - nd;
  body = npre + zeros + nd;
  if (s->width > 0 && (size_t)s->width > body)
    pad = (size_t)s->width - body;
  if ((s->flags & (F_ZERO | F_MINUS)) == F_ZERO && s->prec == NONE)
    zeros += pad, pad = 0;
  if (!(s->flags & F_MINUS))
    fill(o, ' ', pad);
  put(o, pre, npre);
  fill(o, '0', zeros);
  put(o, d, nd);
  if (s->flags & F_MINUS)
    fill(o, ' ', pad);
}

static void put_signed(struct out *o, const struct spec *s, intmax_t v) {
  char sign = v < 0                ? '-'
              : s->flags & F_PLUS  ? '+'
              : s->flags & F_SPACE ? ' '
                                   : 0;

  put_int(o, s, v < 0 ? 0 - (uintmax_t)v : (uintmax_t)v, sign);
}

/* n bytes, padded with spaces to the width. */
static void put_padded(struct out *o, const struct spec *s, const char *p,
                       size_t n) {
  size_t pad = s->width > 0 && (size_t)s->width > n ? (size_t)s->width - n : 0;

  if (!(s->flags & F_MINUS))
    fill(o, ' ', pad);
  put(o, p, n);
  if (s->flags & F_MINUS)
    fill(o, ' ', pad);
}

/* A negative '*' width is a '-' flag; a negative '*' precision is none. */
static int take_stars(struct spec *s, va_list *ap) {
  if (s->width == STAR) {
    int w = va_arg(*ap, int);

    if (w < -FMT_MAX || w > FMT_MAX)
      return -1;
    if (w < 0)
      s->flags |= F_MINUS, w = -w;
    s->width = w;
  }
  if (s->prec == STAR) {
    int p = va_arg(*ap, int);

    /* A %s precision only bounds what is read: any value is fine. */
    if (p > FMT_MAX && s->conv != 's')
      return -1;
    s->prec = p < 0 ? NONE : p;
  }
  return 0;
}

/* One conversion; -1 declines it (its argument is already read). */
static int convert(struct out *o, struct spec *s, va_list *ap) {
  const char *str;
  char c;

  if (take_stars(s, ap) != 0)
    return -1;
  switch (s->conv) {
  case 's':
    /* glibc prints "(null)", or nothing under a precision below 6: that is
     * glibc's own, so vsnprintf does it. */
    if (!(str = va_arg(*ap, const char *)))
      return -1;
    put_padded(o, s, str,
               s->prec == NONE ? strlen(str) : strnlen(str, (size_t)s->prec));
    return 0;
  case 'c':
    /* A NUL would cut the value short: frb_header_setf refuses it, after
     * vsnprintf, so that no value formatted here needs a look for one. */
    if ((c = (char)(unsigned char)va_arg(*ap, int)) == '\0')
      return -1;
    put_padded(o, s, &c, 1);
    return 0;
  case 'd':
  case 'i': put_signed(o, s, arg_signed(s->len, ap)); return 0;
  default: put_int(o, s, arg_unsigned(s->len, ap), 0); return 0;
  }
}

/* Every specification, before any argument is read: a format with one that
 * is not ours (a %n above all) goes to vsnprintf untouched, whatever came
 * before it.  The count, or -1; *end is the format's NUL. */
static int read_specs(const char *p, struct spec *specs, const char **end) {
  int n = 0;

  for (;; p++) {
    if (*p == '\0') {
      *end = p;
      return n;
    }
    if (*p != '%')
      continue;
    if (n == FMT_SPECS)
      return -1;
    specs[n].at = p;
    if (p[1] == '%') {
      specs[n].conv = '%';
      p++;
    } else if (!(p = parse_spec(p + 1, &specs[n]))) {
      return -1;
    } else {
      p--; /* at the conversion character */
    }
    specs[n++].end = p + 1;
  }
}

static int run(struct out *o, const char *p, const char *end,
               struct spec *specs, int n, va_list *ap) {
  for (int i = 0; i < n; i++) {
    put(o, p, (size_t)(specs[i].at - p));
    if (specs[i].conv == '%')
      put(o, "%", 1);
    else if (convert(o, &specs[i], ap) != 0)
      return -1;
    if (o->len > (size_t)FMT_MAX)
      return -1;
    p = specs[i].end;
  }
  put(o, p, (size_t)(end - p));
  return 0;
}

int frb__vformat(char *buf, size_t size, const char *fmt, va_list ap) {
  struct spec specs[FMT_SPECS];
  struct out o = {buf, size, 0};
  const char *end;
  va_list args;
  int n, rc;

  if ((n = read_specs(fmt, specs, &end)) < 0)
    return FRB__FMT_NOT_MINE;
  /* A copy, so that the caller's ap is never read and stays good for
   * vsnprintf when an argument (a NULL %s, a '*' too large) declines. */
  va_copy(args, ap);
  rc = run(&o, fmt, end, specs, n, &args);
  va_end(args);
  if (rc != 0 || o.len > (size_t)FMT_MAX)
    return FRB__FMT_NOT_MINE;
  if (size > 0)
    buf[o.len < size ? o.len : size - 1] = '\0';
  return (int)o.len;
}
