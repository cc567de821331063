/* Syntax checks from RFC 9110 section 5 and RFC 9112 section 4.  They run
 * before the lock is taken, so a rejected call never touches the response. */
#include <string.h>

#include "internal.h"

/* tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 *         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA   (RFC 9110 5.6.2) */
static const unsigned char tchar[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
    ['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1,
    ['`'] = 1, ['|'] = 1, ['~'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1,
    ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
    ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,
    ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1,
    ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1,
    ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1,
    ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,
    ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1,
    ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* field-content bytes: HTAB, SP, VCHAR and obs-text.  Everything else (CR,
 * LF, NUL, the other controls, DEL) is refused, never stripped. */
static inline int value_byte_ok(unsigned char c) {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static inline int is_ows(unsigned char c) {
  return c == ' ' || c == '\t';
}

/* ASCII-only case folding: strncasecmp follows the locale, and in a Turkish
 * locale "ID" and "id" would not match. */
static inline unsigned char fold(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

int frb__name_eq(const char *a, const char *b, size_t len) {
  /* Callers nearly always repeat the spelling they first used. */
  if (memcmp(a, b, len) == 0)
    return 1;
  for (size_t i = 0; i < len; i++)
    if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
      return 0;
  return 1;
}

/* Validates a field name and computes its case-folded FNV-1a hash in the same
 * pass, so that lookups under the lock compare 32-bit keys first. */
int frb__check_name(const char *name, struct frb_field_arg *f) {
  uint32_t h = 2166136261u;
  const unsigned char *p = (const unsigned char *)name;
  size_t i;

  for (i = 0; p[i]; i++) {
    unsigned char c = p[i];
    if (!tchar[c] || i >= FRB_MAX_HEAD_BYTES)
      return FRB_EINVAL;
    h = (h ^ fold(c)) * 16777619u;
  }
  if (i == 0)
    return FRB_EINVAL;
  f->name = name;
  f->name_len = (uint32_t)i;
  f->hash = h;
  f->match_len = 0;
  f->kind = frb__known_kind(name, i, h);
  return FRB_OK;
}

/* Length of a run of field-content bytes (HTAB, SP, VCHAR, obs-text) up to
 * the NUL, or FRB_EINVAL at the first other byte, or FRB_ETOOBIG past the
 * largest head: the one scan behind values and reason phrases. */
static long field_content_len(const unsigned char *p) {
  size_t i;

  for (i = 0; p[i]; i++) {
    if (!value_byte_ok(p[i]))
      return FRB_EINVAL;
    if (i >= FRB_MAX_HEAD_BYTES)
      return FRB_ETOOBIG;
  }
  return (long)i;
}

/* Validates a field value and trims its leading and trailing SP/HTAB, which
 * RFC 9110 5.5 says are not part of the value. */
int frb__check_value(const char *value, struct frb_field_arg *f) {
  const unsigned char *p = (const unsigned char *)value;
  long n = field_content_len(p);
  size_t start = 0, end;

  if (n < 0)
    return (int)n;
  end = (size_t)n;
  while (start < end && is_ows(p[start]))
    start++;
  while (end > start && is_ows(p[end - 1]))
    end--;
  f->value = value + start;
  f->value_len = (uint32_t)(end - start);
  return FRB_OK;
}

/* reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )   (RFC 9112 4) */
int frb__check_reason(const char *reason, size_t *len) {
  long n = field_content_len((const unsigned char *)reason);

  if (n < 0)
    return (int)n;
  if (n == 0)
    return FRB_EINVAL;
  *len = (size_t)n;
  return FRB_OK;
}

static const char *skip_digits(const char *p) {
  while (*p >= '0' && *p <= '9')
    p++;
  return p;
}

/* An optional "m$" argument index. */
static const char *skip_arg_index(const char *p) {
  const char *q = skip_digits(p);

  return q > p && *q == '$' ? q + 1 : p;
}

/* %n writes through a pointer: a header value has no business doing that,
 * and a format that reaches here by mistake must not become a write gadget.
 * Each conversion is read in glibc's order ([m$] flags width .precision
 * length conversion, with its I flag, Z modifier and C23's wN/wfN), because a
 * looser scan misses "% %%n" (the second '%' ends "% %", the third starts a
 * %n). */
int frb__format_has_n(const char *fmt) {
  for (const char *p = fmt; (p = strchr(p, '%')) != NULL;) {
    p = skip_arg_index(p + 1);
    p += strspn(p, "-+ #0'I");
    p = *p == '*' ? skip_arg_index(p + 1) : skip_digits(p);
    if (*p == '.') {
      p++;
      p = *p == '*' ? skip_arg_index(p + 1) : skip_digits(p);
    }
    p += strspn(p, "hlLqjzZt");
    /* C23's wN and wfN, which glibc 2.37 reads: %w32n is a %n too. */
    if (*p == 'w') {
      p += p[1] == 'f' ? 2 : 1;
      p = skip_digits(p);
    }
    if (*p == 'n')
      return 1;
    /* glibc prints an unknown conversion as text and goes on after it. */
    if (*p)
      p++;
  }
  return 0;
}

int frb__is_digits(const char *s, size_t len) {
  if (len == 0)
    return 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  return 1;
}
