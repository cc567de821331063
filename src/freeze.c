/*
 * Frozen header names (frb_header_freeze): a framework fixes a field, such
 * as Content-Security-Policy, before handlers run, and every later set,
 * add or del of that name, a cookie if the name is Set-Cookie and a
 * redirect if it is Location, answers FRB_EFROZEN.  The list is guarded by
 * the response's lock and checked inside the locked step of each of those
 * calls, so a freeze and a change of the same name are ordered one way or
 * the other, never half.  It is short: a scan is cheaper than an index.
 */
#include <stdlib.h>
#include <string.h>

#include "locked.h"

int frb__is_frozen_slow(const frb_response *r, const struct frb_field_arg *a) {
  for (uint32_t i = 0; i < r->nfrozen; i++) {
    const struct frb_frozen *f = &r->frozen[i];
    if (f->hash == a->hash && f->name_len == a->name_len &&
        frb__name_eq(f->name, a->name, a->name_len))
      return 1;
  }
  return 0;
}

/* Under the lock: adds the name (taking *copy) if there is room.  Returns
 * FRB_OK, FRB_ESENT, or FRB__GROW with *want set to the room needed. */
static int freeze_step(frb_response *r, const struct frb_field_arg *a,
                       char **copy, uint32_t *want) {
  struct frb_frozen *f;

  if (!frb__is_open(r))
    return FRB_ESENT;
  if (frb__is_frozen(r, a))
    return FRB_OK;
  if (r->nfrozen == r->frozen_cap) {
    *want = r->frozen_cap ? r->frozen_cap * 2 : 4;
    return FRB__GROW;
  }
  f = &r->frozen[r->nfrozen++];
  f->name = *copy;
  f->name_len = a->name_len;
  f->hash = a->hash;
  *copy = NULL;
  return FRB_OK;
}

/* Allocates a bigger list with no lock held and swaps it in unless another
 * thread did first. */
static int grow_frozen(frb_response *r, uint32_t want) {
  struct frb_frozen *list = frb__malloc(want * sizeof *list);

  if (!list)
    return FRB_ENOMEM;
  frb__lock(&r->lock);
  if (want > r->frozen_cap) {
    struct frb_frozen *old = r->frozen;
    if (r->nfrozen)
      memcpy(list, old, r->nfrozen * sizeof *list);
    r->frozen = list;
    r->frozen_cap = want;
    list = old;
  }
  frb__unlock(&r->lock);
  frb__free(list);
  return FRB_OK;
}

FRB_EXTERN int frb_header_freeze(frb_response *r, const char *name) {
  struct frb_field_arg a;
  char *copy;
  int rc;

  if (!r || !name || frb__check_name(name, &a) != FRB_OK)
    return FRB_EINVAL;
  if (!(copy = frb__malloc(a.name_len + 1)))
    return FRB_ENOMEM;
  memcpy(copy, name, a.name_len + 1);
  for (;;) {
    uint32_t want = 0;

    frb__lock(&r->lock);
    rc = freeze_step(r, &a, &copy, &want);
    frb__unlock(&r->lock);
    if (rc != FRB__GROW || (rc = grow_frozen(r, want)) != FRB_OK)
      break;
  }
  frb__free(copy); /* NULL once the list took it */
  return rc;
}
