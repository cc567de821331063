/* Syntax checks from RFC 9110 section 5 and RFC 9112 section 4.  They run
 * before the lock is taken, so a rejected call never touches the response. */
#include <string.h>

#include "internal.h"

/* tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 *         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA   (RFC 9110 5.6.2)
 * Each tchar maps to its ASCII lower-case form, everything else to 0, so
 * that one load both validates and folds a name byte. */
#define TC(c) [c] = c
#define UP(c) [c] = (c) | 0x20
static const unsigned char name_fold[256] = {
    TC('!'), TC('#'), TC('$'), TC('%'), TC('&'), TC('\''), TC('*'), TC('+'),
    TC('-'), TC('.'), TC('^'), TC('_'), TC('`'), TC('|'),  TC('~'), TC('0'),
    TC('1'), TC('2'), TC('3'), TC('4'), TC('5'), TC('6'),  TC('7'), TC('8'),
    TC('9'), UP('A'), UP('B'), UP('C'), UP('D'), UP('E'),  UP('F'), UP('G'),
    UP('H'), UP('I'), UP('J'), UP('K'), UP('L'), UP('M'),  UP('N'), UP('O'),
    UP('P'), UP('Q'), UP('R'), UP('S'), UP('T'), UP('U'),  UP('V'), UP('W'),
    UP('X'), UP('Y'), UP('Z'), TC('a'), TC('b'), TC('c'),  TC('d'), TC('e'),
    TC('f'), TC('g'), TC('h'), TC('i'), TC('j'), TC('k'),  TC('l'), TC('m'),
    TC('n'), TC('o'), TC('p'), TC('q'), TC('r'), TC('s'),  TC('t'), TC('u'),
    TC('v'), TC('w'), TC('x'), TC('y'), TC('z'),
};
#undef TC
#undef UP

static inline int is_ows(unsigned char c) {
  return c == ' ' || c == '\t';
}

/* ASCII-only case folding: strncasecmp follows the locale, and in a Turkish
 * locale "ID" and "id" would not match. */
static inline unsigned char fold(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* frb__name_eq's slow path: the bytes differ somewhere. */
int frb__name_eq_folded(const char *a, const char *b, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
      return 0;
  return 1;
}

/* known.c holds hashes computed on a little-endian host: a big-endian one
 * reads the same words. */
static inline uint64_t le64(uint64_t w) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return __builtin_bswap64(w);
#else
  return w;
#endif
}

static inline uint32_t le32(uint32_t w) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return __builtin_bswap32(w);
#else
  return w;
#endif
}

/* Mixes a word of up to 8 folded name bytes into the hash: one multiply per
 * 8 bytes instead of FNV-1a's one per byte. */
static inline uint64_t mix_word(uint64_t h, uint64_t w) {
  return (h ^ w) * 0x9e3779b97f4a7c15ull;
}

/* The name hash's last step spreads the high bits down, since the index
 * (index.c) takes its slot from the low bits. */
static inline uint32_t finish_hash(uint64_t h, size_t len) {
  h ^= len;
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ull;
  return (uint32_t)(h ^ (h >> 29));
}

/* Validates a field name and computes its case-folded hash, so that lookups
 * under the lock compare 32-bit keys first.  The check is one table load a
 * byte; the hash folds 8 bytes at a time with |0x20, which is coarser than
 * ASCII case folding (it also pairs '^' with '~'), so names equal under
 * frb__name_eq always hash alike and a rare extra pair only costs a
 * compare. */
/* The last len % 8 bytes of a name as one word, as memcpy into a zeroed
 * word would give them: a name of 8 bytes or more reads its last 8 and
 * shifts, so no call is made for the tail. */
static inline uint64_t tail_word(const unsigned char *p, size_t len) {
  size_t r = len % 8;
  uint64_t w = 0;
  uint32_t c, d;

  if (r == 0)
    return 0;
  if (len >= 8) {
    memcpy(&w, p + len - 8, 8);
    return le64(w) >> (8 * (8 - r));
  }
  /* Under 8 bytes: overlapping loads inside the name, whose shared bytes
   * are equal, so OR puts each byte where a copy would. */
  if (len >= 4) {
    memcpy(&c, p, 4);
    memcpy(&d, p + len - 4, 4);
    return (uint64_t)le32(c) | (uint64_t)le32(d) << (8 * (len - 4));
  }
  return (uint64_t)p[0] | (uint64_t)p[len / 2] << (8 * (len / 2)) |
         (uint64_t)p[len - 1] << (8 * (len - 1));
}

/* Given that p[len] is a tchar, the end of its run: four bytes a loop, each
 * read only once the one before it was a tchar, so never past the NUL. */
static inline size_t tchar_run(const unsigned char *p, size_t len) {
  for (;;) {
    if (!name_fold[p[len + 1]])
      return len + 1;
    if (!name_fold[p[len + 2]])
      return len + 2;
    if (!name_fold[p[len + 3]])
      return len + 3;
    if (!name_fold[p[len + 4]])
      return len + 4;
    len += 4;
  }
}

/* The length of a token (RFC 9110 5.6.2), or -1: one pass finds the end
 * and checks every byte, since the NUL is no tchar and the scan stops at
 * the end or at the first bad byte. */
static inline long token_len(const unsigned char *p) {
  size_t len = 0;

  while (name_fold[p[len]])
    len = tchar_run(p, len);
  if (p[len] != '\0' || len == 0 || len > FRB_MAX_HEAD_BYTES)
    return -1;
  return (long)len;
}

long frb__token_len(const char *s) {
  return token_len((const unsigned char *)s);
}

int frb__check_name(const char *name, struct frb_field_arg *f) {
  const unsigned char *p = (const unsigned char *)name;
  long n = token_len(p);
  size_t len, i;
  uint64_t h = 0x243f6a8885a308d3ull, w;

  if (n < 0)
    return FRB_EINVAL;
  len = (size_t)n;
  for (i = 0; i + 8 <= len; i += 8) {
    memcpy(&w, p + i, 8);
    h = mix_word(h, le64(w) | 0x2020202020202020ull);
  }
  h = mix_word(h, tail_word(p, len) | 0x2020202020202020ull);
  f->name = name;
  f->name_len = (uint32_t)len;
  f->hash = finish_hash(h, len);
  f->match_len = 0;
  f->kind = frb__known_kind(name, len, f->hash);
  return FRB_OK;
}

#if defined(__SSE2__) && !defined(FRB_PORTABLE)
#include <emmintrin.h>

/* A byte is bad when it is below 0x20 (a signed compare after flipping the
 * top bit) and not HTAB, or when it is DEL. */
static inline __m128i bad_bytes(__m128i v) {
  const __m128i flip = _mm_set1_epi8((char)0x80);
  const __m128i low = _mm_set1_epi8((char)(0x20 ^ 0x80));
  __m128i ctl = _mm_cmplt_epi8(_mm_xor_si128(v, flip), low);

  ctl = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), ctl);
  return _mm_or_si128(ctl, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
}

/* At least 16 bytes, 16 a step; the last step overlaps the one before it
 * when len is no multiple of 16. */
static int content_ok_long(const unsigned char *p, size_t len) {
  __m128i bad = _mm_setzero_si128();
  size_t i = 0;

  for (; i + 16 <= len; i += 16)
    bad = _mm_or_si128(bad, bad_bytes(_mm_loadu_si128(
                                (const __m128i *)(const void *)(p + i))));
  if (i < len)
    bad = _mm_or_si128(bad, bad_bytes(_mm_loadu_si128((
                                const __m128i *)(const void *)(p + len - 16))));
  return _mm_movemask_epi8(bad) == 0;
}
#endif

/* field-content bytes: HTAB, SP, VCHAR and obs-text.  Everything else (CR,
 * LF, NUL, the other controls, DEL) is refused, never stripped. */
static int content_ok_bytes(const unsigned char *p, size_t len) {
  unsigned char bad = 0;

  for (size_t i = 0; i < len; i++)
    bad |= (unsigned char)!(p[i] == '\t' || (p[i] >= 0x20 && p[i] != 0x7f));
  return !bad;
}

/* Whether a word may hold a byte below 0x20 or DEL (HTAB included): the
 * usual "has less / has zero" word tricks, exact about whether there is
 * one, not about where, which is all a yes/no needs. */
static inline uint64_t maybe_bad_word(uint64_t w) {
  const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
  uint64_t del = w ^ (ones * 0x7f);

  return (((w - ones * 0x20) & ~w) | ((del - ones) & ~del)) & high;
}

/* Values are short, a few bytes to a few dozen: up to 16 bytes are two
 * overlapping word loads inside the string (with no call), and only a value
 * that holds a control byte or an HTAB is looked at byte by byte. */
static inline int content_ok_short(const unsigned char *p, size_t len) {
  uint64_t a, b;
  uint32_t c, d;

  if (len >= 8) {
    memcpy(&a, p, 8);
    memcpy(&b, p + len - 8, 8);
  } else if (len >= 4) {
    memcpy(&c, p, 4);
    memcpy(&d, p + len - 4, 4);
    a = c;
    b = d;
  } else if (len > 0) {
    a = (uint64_t)p[0] | (uint64_t)p[len / 2] << 8 | (uint64_t)p[len - 1] << 16;
    b = 0x202020;
  } else {
    return 1;
  }
  /* Bytes of a and b above what was loaded are 0: mark them good. */
  if (len < 8) {
    uint64_t fill = len >= 4 ? ~0xffffffffull : ~0xffffffull;
    a |= 0x2020202020202020ull & fill;
    b |= 0x2020202020202020ull & fill;
  }
  return !maybe_bad_word(a) && !maybe_bad_word(b) ? 1
                                                  : content_ok_bytes(p, len);
}

#if !defined(__SSE2__) || defined(FRB_PORTABLE)
static int content_ok_long(const unsigned char *p, size_t len) {
  return content_ok_bytes(p, len);
}
#endif

/* Length of a run of field-content bytes up to the NUL, or FRB_EINVAL if
 * another byte comes first, or FRB_ETOOBIG past the largest head: the one
 * scan behind values and reason phrases.  strlen finds the end first, so
 * the check never reads past the string. */
static inline long field_content_len(const unsigned char *p) {
  size_t len = strlen((const char *)p);

  if (len <= 16 ? !content_ok_short(p, len)
                : !content_ok_long(
                      p, len < FRB_MAX_HEAD_BYTES ? len : FRB_MAX_HEAD_BYTES))
    return FRB_EINVAL;
  if (len > FRB_MAX_HEAD_BYTES)
    return FRB_ETOOBIG;
  return (long)len;
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
  if (end > 0 && (is_ows(p[0]) || is_ows(p[end - 1]))) {
    while (start < end && is_ows(p[start]))
      start++;
    while (end > start && is_ows(p[end - 1]))
      end--;
  }
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
