/*
 * Running a step on the head store under the response's lock.  Every step
 * runs only while the head is open: the check is made here, once, so that
 * no step can forget it.  A step never allocates: it reports the room it
 * needs (FRB__GROW), which frb__grow allocates with no lock held and swaps
 * in, and the step runs again.
 */
#ifndef FRB_LOCKED_H
#define FRB_LOCKED_H

#include "internal.h"

typedef int (*frb__step_fn)(frb_response *r, const void *arg,
                            struct frb_need *need);

static inline int frb__is_open(const frb_response *r) {
  return atomic_load_explicit(&r->state, memory_order_relaxed) == FRB_ST_OPEN;
}

/* response.c */
int frb__grow(frb_response *r, const struct frb_need *need);

/* Always inlined so that the step's call is direct, not through a pointer. */
static inline __attribute__((always_inline)) int
frb__run_locked(frb_response *r, frb__step_fn step, const void *arg) {
  for (;;) {
    struct frb_need need = {0, 0};
    int rc;

    frb__lock(&r->lock);
    rc = frb__is_open(r) ? step(r, arg, &need) : FRB_ESENT;
    frb__unlock(&r->lock);
    if (rc != FRB__GROW)
      return rc;
    if ((rc = frb__grow(r, &need)) != FRB_OK)
      return rc;
  }
}

#endif /* FRB_LOCKED_H */
