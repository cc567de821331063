/* The keys of the head store's lines in its index (index.h): each line's
 * case-folded name, and for a Set-Cookie line its cookie name.  An entry
 * points at the first line with its key, so the store finds a field without
 * looking at the others; later lines of a field are found by walking on
 * from the first, which only multi-line fields need. */
#include <string.h>

#include "internal.h"

struct key {
  const struct frb_head *h;
  const char *p;
  uint32_t len;
};

static inline const char *line_at(const struct frb_head *h, uint32_t i) {
  return h->buf + h->status_len + h->fields[i].off;
}

static int name_is(const void *ctx, uint32_t i) {
  const struct key *k = ctx;
  const struct frb_field *f = &k->h->fields[i];

  return f->name_len == k->len && frb__name_eq(line_at(k->h, i), k->p, k->len);
}

static int cookie_is(const void *ctx, uint32_t i) {
  const struct key *k = ctx;
  const struct frb_field *f = &k->h->fields[i];

  return f->cookie_len == k->len &&
         memcmp(line_at(k->h, i) + f->name_len + 2, k->p, k->len) == 0;
}

/* The entry of the field (or, with match_len, the cookie) an argument
 * names, or NULL; with hint, what was sought and found, for the append.
 * A known name's entry is the head's own (head.h), so the store may
 * change it through the pointer as it may an index entry. */
struct frb_ientry *frb__key_find(const struct frb_head *h,
                                 const struct frb_field_arg *a,
                                 struct frb_key_hint *hint) {
  struct key k = {h, a->name, a->name_len};
  struct frb_key_hint l = {NULL, a->hash, 0, 0};

  if (a->match_len != 0) {
    k.p = a->value;
    k.len = l.len = a->match_len - 1; /* without the '=' */
    l.hash = a->chash;
    l.cookie = 1;
    l.e = frb__index_find(&h->ix, l.hash, 1, cookie_is, &k);
  } else if (a->kind != FRB_KIND_PLAIN) {
    l.e = h->known[a->kind].count ? (struct frb_ientry *)&h->known[a->kind]
                                  : NULL;
  } else {
    l.e = frb__index_find(&h->ix, l.hash, 0, name_is, &k);
  }
  if (hint)
    *hint = l;
  return l.e;
}

/* The hint stands for the lookup only when it sought this very key: the
 * same kind, hash and (for a cookie) name length, from the line's own
 * bytes, since the appended line copies the argument the step looked up. */
static inline __attribute__((always_inline)) void
count_in(struct frb_index *ix, uint32_t hash, int cookie, frb__key_eq_fn eq,
         const struct key *k, uint32_t i, const struct frb_key_hint *hint) {
  struct frb_ientry *e = hint && hint->cookie == cookie && hint->hash == hash &&
                                 (!cookie || hint->len == k->len)
                             ? hint->e
                             : frb__index_find(ix, hash, cookie, eq, k);

  if (!e) {
    frb__index_insert(ix, hash, cookie, i);
    return;
  }
  e->count++;
  if (e->first > i)
    e->first = i;
}

/* Enters a Set-Cookie line under its cookie name, read from its value;
 * a hint that sought a cookie knows it already: the line was appended from
 * the argument it looked up, whose value starts with that name and '='. */
void frb__key_cookie(struct frb_head *h, uint32_t i,
                     const struct frb_key_hint *hint) {
  struct frb_field *f = &h->fields[i];
  const char *eq;
  struct key k = {h, line_at(h, i) + f->name_len + 2, 0};

  f->cookie_len = 0;
  if (f->kind != FRB_KIND_SET_COOKIE)
    return;
  if (hint && hint->cookie) {
    k.len = hint->len;
    f->chash = hint->hash;
  } else {
    eq = memchr(k.p, '=', f->len - f->name_len - 4);
    if (!eq || eq == k.p)
      return; /* no cookie name: no cookie call can match it */
    k.len = (uint32_t)(eq - k.p);
    f->chash = frb__bytes_hash(k.p, k.len);
  }
  count_in(&h->ix, f->chash, 1, cookie_is, &k, i, hint);
  f->cookie_len = k.len;
}

/* A line of a known name counts in the head's entry for its kind. */
static inline void count_known(struct frb_head *h, uint32_t kind, uint32_t i) {
  struct frb_ientry *e = &h->known[kind];

  if (e->count++ == 0 || e->first > i)
    e->first = i;
}

/* Enters line i under its keys; hint (or NULL) is the step's lookup, made
 * with the index as it still is. */
void frb__key_field(struct frb_head *h, uint32_t i,
                    const struct frb_key_hint *hint) {
  struct frb_field *f = &h->fields[i];
  struct key k = {h, line_at(h, i), f->name_len};

  if (f->kind == FRB_KIND_PLAIN) {
    count_in(&h->ix, f->hash, 0, name_is, &k, i, hint);
    f->cookie_len = 0;
    return;
  }
  count_known(h, f->kind, i);
  if (f->kind == FRB_KIND_SET_COOKIE)
    frb__key_cookie(h, i, hint);
  else
    f->cookie_len = 0; /* what frb__key_cookie would leave */
}

/* The next line after i with the key of entry e's first line. */
static uint32_t next_with(const struct frb_head *h, uint32_t i, int cookie,
                          const struct key *k) {
  for (uint32_t j = i + 1; j < h->nfields; j++)
    if (cookie ? cookie_is(k, j) : name_is(k, j))
      return j;
  return FRB_INDEX_NONE; /* counts say this cannot happen */
}

static uint32_t next_of_kind(const struct frb_head *h, uint32_t i,
                             uint32_t kind) {
  for (uint32_t j = i + 1; j < h->nfields; j++)
    if (h->fields[j].kind == kind)
      return j;
  return FRB_INDEX_NONE; /* counts say this cannot happen */
}

static void count_out(struct frb_head *h, uint32_t hash, int cookie,
                      const struct key *k, uint32_t i) {
  struct frb_ientry *e =
      frb__index_find(&h->ix, hash, cookie, cookie ? cookie_is : name_is, k);

  if (!e)
    return;
  if (--e->count == 0)
    frb__index_remove(&h->ix, e);
  else if (e->first == i)
    e->first = next_with(h, i, cookie, k);
}

/* Takes line i out of its cookie name's key, before its value changes. */
void frb__unkey_cookie(struct frb_head *h, uint32_t i) {
  struct frb_field *f = &h->fields[i];
  struct key k = {h, line_at(h, i) + f->name_len + 2, f->cookie_len};

  if (f->cookie_len) {
    count_out(h, f->chash, 1, &k, i);
    f->cookie_len = 0;
  }
}

/* Takes line i out of its keys, before it is removed. */
void frb__unkey_field(struct frb_head *h, uint32_t i) {
  const struct frb_field *f = &h->fields[i];
  struct key k = {h, line_at(h, i), f->name_len};
  struct frb_ientry *e = &h->known[f->kind];

  if (f->kind == FRB_KIND_PLAIN)
    count_out(h, f->hash, 0, &k, i);
  else if (--e->count != 0 && e->first == i)
    e->first = next_of_kind(h, i, f->kind);
  frb__unkey_cookie(h, i);
}

/* The line now at 'to' was at 'from': an entry that starts there follows. */
void frb__key_moved(struct frb_head *h, uint32_t from, uint32_t to) {
  const struct frb_field *f = &h->fields[to];
  struct frb_ientry *e = f->kind == FRB_KIND_PLAIN
                             ? frb__index_find_first(&h->ix, f->hash, 0, from)
                             : &h->known[f->kind];

  if (e && e->first == from)
    e->first = to;
  if (f->cookie_len && (e = frb__index_find_first(&h->ix, f->chash, 1, from)))
    e->first = to;
}
