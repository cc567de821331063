/* Helpers shared by the libFuzzer harnesses: an input reader that never
 * reads past the end, and a growing memory sink. */
#ifndef FRB_FUZZ_COMMON_H
#define FRB_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fz_in {
  const uint8_t *p;
  size_t n;
};

static inline uint8_t fz_u8(struct fz_in *in) {
  uint8_t v;

  if (in->n == 0)
    return 0;
  v = *in->p++;
  in->n--;
  return v;
}

static inline uint16_t fz_u16(struct fz_in *in) {
  uint16_t hi = fz_u8(in);

  return (uint16_t)(hi << 8 | fz_u8(in));
}

static inline uint32_t fz_u32(struct fz_in *in) {
  uint32_t hi = fz_u16(in);

  return hi << 16 | fz_u16(in);
}

/* A NUL-terminated string of up to 'len' input bytes (an embedded NUL just
 * ends it early, as it would for the C caller).  Free with free(). */
static inline char *fz_bytes(struct fz_in *in, size_t len) {
  char *s;

  if (len > in->n)
    len = in->n;
  if (!(s = malloc(len + 1)))
    abort();
  memcpy(s, in->p, len);
  s[len] = '\0';
  in->p += len;
  in->n -= len;
  return s;
}

static inline char *fz_str(struct fz_in *in) {
  return fz_bytes(in, fz_u8(in));
}

struct fz_sink {
  char *buf;
  size_t len, cap;
};

static inline void fz_append(struct fz_sink *s, const void *b, size_t n) {
  if (s->len + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 256;
    while (cap < s->len + n + 1)
      cap *= 2;
    if (!(s->buf = realloc(s->buf, cap)))
      abort();
    s->cap = cap;
  }
  if (n)
    memcpy(s->buf + s->len, b, n);
  s->len += n;
  s->buf[s->len] = '\0';
}

static inline int fz_sink_write(void *ctx, const void *b, size_t n) {
  fz_append(ctx, b, n);
  return 0;
}

#define FZ_CHECK(cond, ...)                                                    \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "invariant failed at %s:%d: %s\n  ", __FILE__, __LINE__, \
              #cond);                                                          \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
      abort();                                                                 \
    }                                                                          \
  } while (0)

#endif /* FRB_FUZZ_COMMON_H */
