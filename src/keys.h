/*
 * The keys of the head store's lines (keys.c): the lookup and the entering
 * of a line, which every header call runs, are here and inline, so that
 * the store's step makes no call for them; taking lines out, which only
 * del and rewrites do, is in keys.c.
 */
#ifndef FRB_KEYS_H
#define FRB_KEYS_H

#include "internal.h"

/* What a step's lookup found (e, NULL for absent), kept for the append that
 * follows in the same step, so that entering the new line does not probe
 * for the same key again.  Only valid while the index is unchanged. */
struct frb_key_hint {
  struct frb_ientry *e;
  struct frb_ientry *empty; /* e NULL in the index: where the key goes */
  uint32_t hash;
  uint32_t len; /* of the cookie name; 0 for a field name */
  int cookie;
};

struct frb__key {
  const struct frb_head *h;
  const char *p;
  uint32_t len;
};

static inline const char *frb__line_at(const struct frb_head *h, uint32_t i) {
  return h->buf + h->status_len + h->fields[i].off;
}

static inline int frb__name_is(const void *ctx, uint32_t i) {
  const struct frb__key *k = ctx;
  const struct frb_field *f = &k->h->fields[i];

  return f->name_len == k->len &&
         frb__name_eq(frb__line_at(k->h, i), k->p, k->len);
}

static inline int frb__cookie_is(const void *ctx, uint32_t i) {
  const struct frb__key *k = ctx;
  const struct frb_field *f = &k->h->fields[i];

  return f->cookie_len == k->len &&
         memcmp(frb__line_at(k->h, i) + f->name_len + 2, k->p, k->len) == 0;
}

/* The entry of the field (or, with match_len, the cookie) an argument
 * names, or NULL; with hint, what was sought and found, for the append.
 * A known name's entry is the head's own (head.h), so the store may
 * change it through the pointer as it may an index entry. */
static inline __attribute__((always_inline)) struct frb_ientry *
frb__key_find(const struct frb_head *h, const struct frb_field_arg *a,
              struct frb_key_hint *hint) {
  struct frb__key k = {h, a->name, a->name_len};
  struct frb_key_hint l = {NULL, NULL, a->hash, 0, 0};

  if (a->match_len != 0) {
    k.p = a->value;
    k.len = l.len = a->match_len - 1; /* without the '=' */
    l.hash = a->chash;
    l.cookie = 1;
    l.e = frb__index_probe(&h->ix, l.hash, 1, frb__cookie_is, &k, &l.empty);
  } else if (a->kind != FRB_KIND_PLAIN) {
    l.e = h->known[a->kind].count ? (struct frb_ientry *)&h->known[a->kind]
                                  : NULL;
  } else {
    l.e = frb__index_probe(&h->ix, l.hash, 0, frb__name_is, &k, &l.empty);
  }
  if (hint)
    *hint = l;
  return l.e;
}

/* The hint stands for the lookup only when it sought this very key: the
 * same kind, hash and (for a cookie) name length, from the line's own
 * bytes, since the appended line copies the argument the step looked up. */
static inline __attribute__((always_inline)) void
frb__count_in(struct frb_index *ix, uint32_t hash, int cookie,
              frb__key_eq_fn eq, const struct frb__key *k, uint32_t i,
              const struct frb_key_hint *hint) {
  struct frb_ientry *e;

  if (hint && hint->cookie == cookie && hint->hash == hash &&
      (!cookie || hint->len == k->len)) {
    if (!(e = hint->e)) {
      frb__index_put(ix, hint->empty, hash, cookie, i);
      return;
    }
  } else if (!(e = frb__index_find(ix, hash, cookie, eq, k))) {
    frb__index_insert(ix, hash, cookie, i);
    return;
  }
  e->count++;
  if (e->first > i)
    e->first = i;
}

void frb__key_cookie(struct frb_head *h, uint32_t i,
                     const struct frb_key_hint *hint);

/* Enters line i under its keys; hint (or NULL) is the step's lookup, made
 * with the index as it still is.  A line of a known name counts in the
 * head's entry for its kind. */
static inline __attribute__((always_inline)) void
frb__key_field(struct frb_head *h, uint32_t i,
               const struct frb_key_hint *hint) {
  struct frb_field *f = &h->fields[i];
  struct frb__key k = {h, frb__line_at(h, i), f->name_len};
  struct frb_ientry *e;

  f->cookie_len = 0;
  if (f->kind == FRB_KIND_PLAIN) {
    frb__count_in(&h->ix, f->hash, 0, frb__name_is, &k, i, hint);
    return;
  }
  e = &h->known[f->kind];
  if (e->count++ == 0 || e->first > i)
    e->first = i;
  if (f->kind == FRB_KIND_SET_COOKIE)
    frb__key_cookie(h, i, hint);
}

void frb__unkey_field(struct frb_head *h, uint32_t i);
void frb__unkey_cookie(struct frb_head *h, uint32_t i);
void frb__key_moved(struct frb_head *h, uint32_t from, uint32_t to);

#endif /* FRB_KEYS_H */
