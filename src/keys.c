/* The keys of the head store's lines in its index (index.h): each line's
 * case-folded name, and for a Set-Cookie line its cookie name.  An entry
 * points at the first line with its key, so the store finds a field without
 * looking at the others; later lines of a field are found by walking on
 * from the first, which only multi-line fields need. */
#include <string.h>

#include "keys.h"

/* Enters a Set-Cookie line under its cookie name, read from its value;
 * a hint that sought a cookie knows it already: the line was appended from
 * the argument it looked up, whose value starts with that name and '='. */
void frb__key_cookie(struct frb_head *h, uint32_t i,
                     const struct frb_key_hint *hint) {
  struct frb_field *f = &h->fields[i];
  const char *eq;
  struct frb__key k = {h, frb__line_at(h, i) + f->name_len + 2, 0};

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
  frb__count_in(&h->ix, f->chash, 1, frb__cookie_is, &k, i, hint);
  f->cookie_len = k.len;
}

/* The next line after i with the key of entry e's first line. */
static uint32_t next_with(const struct frb_head *h, uint32_t i, int cookie,
                          const struct frb__key *k) {
  for (uint32_t j = i + 1; j < h->nfields; j++)
    if (cookie ? frb__cookie_is(k, j) : frb__name_is(k, j))
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
                      const struct frb__key *k, uint32_t i) {
  struct frb_ientry *e = frb__index_find(
      &h->ix, hash, cookie, cookie ? frb__cookie_is : frb__name_is, k);

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
  struct frb__key k = {h, frb__line_at(h, i) + f->name_len + 2, f->cookie_len};

  if (f->cookie_len) {
    count_out(h, f->chash, 1, &k, i);
    f->cookie_len = 0;
  }
}

/* Takes line i out of its keys, before it is removed. */
void frb__unkey_field(struct frb_head *h, uint32_t i) {
  const struct frb_field *f = &h->fields[i];
  struct frb__key k = {h, frb__line_at(h, i), f->name_len};
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
