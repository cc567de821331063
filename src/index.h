/*
 * The head store's index (index.c): an open-addressing table, with linear
 * probing, from a key to the first field that has it and how many fields
 * have it.  A key is a case-folded field name, or for a Set-Cookie line the
 * cookie name (the value's bytes before its first '=').  The table lives in
 * the same block as the field array (frb__head_adopt), so it grows only
 * through FRB__GROW; its load stays at or below 1/2.  frb_reset empties it
 * by moving to a new generation: entries of older ones read as empty.
 * Nothing here allocates, locks or scans all fields.
 */
#ifndef FRB_INDEX_H
#define FRB_INDEX_H

#include <stdint.h>

#define FRB_INDEX_NONE UINT32_MAX

struct frb_ientry {
  uint32_t hash;
  uint32_t tag;   /* generation << 1 | 1 for a cookie key */
  uint32_t first; /* field position of the first line with this key */
  uint32_t count; /* lines with this key */
};

struct frb_index {
  struct frb_ientry *e;
  uint32_t mask; /* capacity - 1, capacity a power of two */
  uint32_t gen;
};

/* Does the key of the entry whose first field is 'first' equal the key
 * sought?  The caller's compare of the bytes. */
typedef int (*frb__key_eq_fn)(const void *ctx, uint32_t first);

void frb__index_init(struct frb_index *ix, struct frb_ientry *e, uint32_t cap);
void frb__index_clear(struct frb_index *ix);
struct frb_ientry *frb__index_find_first(const struct frb_index *ix,
                                         uint32_t hash, int cookie,
                                         uint32_t first);
void frb__index_remove(struct frb_index *ix, struct frb_ientry *slot);

/* Bytes hashed as they are (cookie names are case-sensitive). */
uint32_t frb__bytes_hash(const char *p, uint32_t len);

/* Test seam: a build with -DFRB_INDEX_TEST_HASH sends every key to the
 * same probe start, so the tests can force collisions. */
static inline uint32_t frb__index_home(uint32_t hash) {
#ifdef FRB_INDEX_TEST_HASH
  (void)hash;
  return 0;
#else
  return hash;
#endif
}

static inline int frb__index_live(const struct frb_index *ix,
                                  const struct frb_ientry *e) {
  return (e->tag >> 1) == ix->gen;
}

/* Inline, so that each caller's eq is a direct call its compiler can
 * inline too: a lookup runs in every header call.  On a miss, *empty is
 * the slot the probe stopped at, where the key goes if it is entered
 * before the index changes. */
static inline __attribute__((always_inline)) struct frb_ientry *
frb__index_probe(const struct frb_index *ix, uint32_t hash, int cookie,
                 frb__key_eq_fn eq, const void *ctx,
                 struct frb_ientry **empty) {
  uint32_t tag = ix->gen << 1 | (uint32_t)(cookie != 0);

  for (uint32_t i = frb__index_home(hash) & ix->mask;; i = (i + 1) & ix->mask) {
    struct frb_ientry *e = &ix->e[i];
    if (!frb__index_live(ix, e)) {
      *empty = e;
      return NULL;
    }
    if (e->hash == hash && e->tag == tag && eq(ctx, e->first))
      return e;
  }
}

static inline struct frb_ientry *frb__index_find(const struct frb_index *ix,
                                                 uint32_t hash, int cookie,
                                                 frb__key_eq_fn eq,
                                                 const void *ctx) {
  struct frb_ientry *empty;

  return frb__index_probe(ix, hash, cookie, eq, ctx, &empty);
}

/* Enters a key that a probe just missed, at the slot it stopped at. */
static inline void frb__index_put(const struct frb_index *ix,
                                  struct frb_ientry *slot, uint32_t hash,
                                  int cookie, uint32_t first) {
  slot->hash = hash;
  slot->tag = ix->gen << 1 | (uint32_t)(cookie != 0);
  slot->first = first;
  slot->count = 1;
}

/* The caller knows the key is absent and that there is room. */
static inline struct frb_ientry *frb__index_insert(struct frb_index *ix,
                                                   uint32_t hash, int cookie,
                                                   uint32_t first) {
  uint32_t i = frb__index_home(hash) & ix->mask;

  while (frb__index_live(ix, &ix->e[i]))
    i = (i + 1) & ix->mask;
  frb__index_put(ix, &ix->e[i], hash, cookie, first);
  return &ix->e[i];
}

#endif /* FRB_INDEX_H */
