/* For the tests that drive the head store directly (test_head, test_index):
 * running a store step the way frb__run_locked does, with no lock.
 * Include after util.h and internal.h. */
#ifndef FRB_TEST_HEAD_STEPS_H
#define FRB_TEST_HEAD_STEPS_H

#include <stdlib.h>

/* Runs a step, giving it the room it asks for, as frb__run_locked does. */
static inline int with_room(struct frb_head *h, const struct frb_field_arg *a,
                            int (*op)(struct frb_head *,
                                      const struct frb_field_arg *,
                                      struct frb_need *)) {
  for (;;) {
    struct frb_need need = {0, 0};
    char *nb = NULL;
    struct frb_field *nf = NULL;
    int rc = op(h, a, &need);

    if (rc != FRB__GROW)
      return rc;
    if (need.buf)
      assert_non_null(nb = malloc(need.buf));
    if (need.fields)
      assert_non_null(nf = malloc(frb__head_fields_bytes(need.fields)));
    frb__head_adopt(h, &need, &nb, &nf);
    free(nb);
    free(nf);
  }
}

#endif /* FRB_TEST_HEAD_STEPS_H */
