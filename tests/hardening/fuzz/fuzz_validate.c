/*
 * libFuzzer harness for the syntax checks alone (src/validate.c), each run
 * against a reference written here from the grammar:
 *   field-name    = token = 1*tchar                     (RFC 9110 5.6.2)
 *   field-value   = *( HTAB / SP / VCHAR / obs-text ), OWS trimmed (5.5)
 *   reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )  (RFC 9112 4)
 *   a printf conversion that glibc would run as %n      (C11 7.21.6.1 and
 *     glibc's extensions: the I flag, the Z and q length modifiers)
 * The first input byte picks the check; the rest is the argument.
 */
#include "frb.h"
#include "internal.h"
#include "fuzz_common.h"
#include "../strict_parser.h"

static int ref_value_byte(unsigned char c) {
  return c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7e) || c >= 0x80;
}

static void check_name(const char *s) {
  struct frb_field_arg a;
  size_t n = strlen(s);
  int ok = n > 0, rc;

  for (size_t i = 0; i < n; i++)
    ok = ok && sp_is_tchar((unsigned char)s[i]);
  rc = frb__check_name(s, &a);
  FZ_CHECK(rc == (ok ? FRB_OK : FRB_EINVAL), "name '%s': rc %d, ref %d", s, rc,
           ok);
  if (ok)
    FZ_CHECK(a.name == s && a.name_len == n, "name '%s' length", s);
}

static void check_value(const char *s) {
  struct frb_field_arg a;
  size_t n = strlen(s), b = 0, e = n;
  int ok = 1, rc;

  for (size_t i = 0; i < n; i++)
    ok = ok && ref_value_byte((unsigned char)s[i]);
  rc = frb__check_value(s, &a);
  FZ_CHECK(rc == (ok ? FRB_OK : FRB_EINVAL), "value: rc %d, ref %d", rc, ok);
  if (!ok)
    return;
  while (b < e && (s[b] == ' ' || s[b] == '\t'))
    b++;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
    e--;
  FZ_CHECK(a.value == s + b && a.value_len == e - b,
           "value trimmed to [%zu,+%u), ref [%zu,%zu)", (size_t)(a.value - s),
           a.value_len, b, e);
}

static void check_reason(const char *s) {
  size_t n = strlen(s), len = 0;
  int ok = n > 0, rc;

  for (size_t i = 0; i < n; i++)
    ok = ok && ref_value_byte((unsigned char)s[i]);
  rc = frb__check_reason(s, &len);
  FZ_CHECK(rc == (ok ? FRB_OK : FRB_EINVAL), "reason: rc %d, ref %d", rc, ok);
  if (ok)
    FZ_CHECK(len == n, "reason length %zu, ref %zu", len, n);
}

static size_t digits(const char *p) {
  size_t n = 0;

  while (p[n] >= '0' && p[n] <= '9')
    n++;
  return n;
}

/* One conversion specification after '%', the way glibc's vfprintf reads it:
 * [m$] flags* [width | * [m$]] [. [prec | * [m$]]] length* conversion.
 * Returns the conversion character and advances *pp past it. */
static char ref_conversion(const char **pp) {
  const char *p = *pp;
  size_t d;

  if ((d = digits(p)) > 0 && p[d] == '$')
    p += d + 1;
  while (*p && strchr("-+ #0'I", *p))
    p++;
  if (*p == '*') {
    p++;
    if ((d = digits(p)) > 0 && p[d] == '$')
      p += d + 1;
  } else {
    p += digits(p);
  }
  if (*p == '.') {
    p++;
    if (*p == '*') {
      p++;
      if ((d = digits(p)) > 0 && p[d] == '$')
        p += d + 1;
    } else {
      p += digits(p);
    }
  }
  while (*p && strchr("hlLqjzZt", *p))
    p++;
  /* C23 wN / wfN (glibc 2.37). */
  if (*p == 'w') {
    p += p[1] == 'f' ? 2 : 1;
    p += digits(p);
  }
  *pp = *p ? p + 1 : p;
  return *p;
}

static int ref_has_n(const char *fmt) {
  for (const char *p = fmt; (p = strchr(p, '%')) != NULL;) {
    p++;
    if (*p == '%') {
      p++;
      continue;
    }
    if (ref_conversion(&p) == 'n')
      return 1;
  }
  return 0;
}

/* The check may refuse more than glibc runs as %n (a malformed conversion
 * is no loss), but never less: a miss is a write through a pointer. */
static void check_format(const char *s) {
  if (ref_has_n(s))
    FZ_CHECK(frb__format_has_n(s), "format '%s' runs %%n but was not caught",
             s);
}

static void check_digits(const char *s) {
  size_t n = strlen(s), d = digits(s);

  FZ_CHECK(frb__is_digits(s, n) == (n > 0 && d == n), "digits '%s'", s);
}

static void check_name_eq(const char *s) {
  size_t n = strlen(s), half = n / 2;
  int ref = 1;

  for (size_t i = 0; i < half; i++) {
    unsigned char a = (unsigned char)s[i], b = (unsigned char)s[half + i];
    if (a >= 'A' && a <= 'Z')
      a |= 0x20;
    if (b >= 'A' && b <= 'Z')
      b |= 0x20;
    ref = ref && a == b;
  }
  FZ_CHECK(frb__name_eq(s, s + half, half) == ref, "name_eq '%s'", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fz_in in = {data, size};
  uint8_t which = fz_u8(&in);
  char *s = fz_bytes(&in, in.n);

  switch (which % 6) {
  case 0: check_name(s); break;
  case 1: check_value(s); break;
  case 2: check_reason(s); break;
  case 3: check_format(s); break;
  case 4: check_digits(s); break;
  default: check_name_eq(s); break;
  }
  free(s);
  return 0;
}
