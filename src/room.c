/* The head store's memory (head.h): the buffer, the field array and the
 * index's table after it, their first allocation, and the room a step asks
 * for and the caller hands over.  Only frb__head_init and frb__head_free
 * allocate and free; frb__head_adopt runs under the caller's lock. */
#include <stdlib.h>
#include <string.h>

#include "keys.h"

#define INITIAL_CAP 256u
#define INITIAL_FIELDS 8u  /* a power of two, as every later capacity */
#define TABLE_PER_FIELD 4u /* two keys a line at most: load <= 1/2 */

/* The field array and the index's table, in one block. */
size_t frb__head_fields_bytes(uint32_t fields) {
  return fields * (sizeof(struct frb_field) +
                   TABLE_PER_FIELD * sizeof(struct frb_ientry));
}

static void index_on(struct frb_head *h) {
  frb__index_init(&h->ix, (struct frb_ientry *)(h->fields + h->fields_cap),
                  h->fields_cap * TABLE_PER_FIELD);
}

int frb__head_init(struct frb_head *h) {
  h->buf = frb__malloc(INITIAL_CAP);
  h->fields = frb__malloc(frb__head_fields_bytes(INITIAL_FIELDS));
  if (!h->buf || !h->fields) {
    frb__head_free(h);
    return FRB_ENOMEM;
  }
  h->cap = INITIAL_CAP;
  h->fields_cap = INITIAL_FIELDS;
  h->limit = FRB_DEFAULT_HEAD_BYTES;
  h->max_lines = FRB_DEFAULT_FIELDS;
  h->cl_digits = 5; /* FRB_DEFAULT_BODY_BUFFER is 65536 */
  index_on(h);
  frb__head_start(h);
  return FRB_OK;
}

void frb__head_free(struct frb_head *h) {
  frb__free(h->buf);
  frb__free(h->fields);
}

/* frb__head_want_room's slow path: how much to ask for. */
int frb__head_ask_room(const struct frb_head *h, size_t bytes, uint32_t nfields,
                       struct frb_need *need) {
  int short_of_room = 0;

  if (h->len + bytes > h->cap) {
    size_t want = h->cap * 2u;
    if (want < h->len + bytes)
      want = h->len + bytes;
    need->buf = (uint32_t)want;
    short_of_room = 1;
  }
  if (h->nfields + nfields > h->fields_cap) {
    uint32_t want = h->fields_cap * 2u;
    while (want < h->nfields + nfields)
      want *= 2u;
    need->fields = want;
    short_of_room = 1;
  }
  return short_of_room ? FRB__GROW : FRB_OK;
}

/* Takes the room the caller allocated where it is still larger than what
 * the head has (another thread may have grown it meanwhile), and hands the
 * blocks that are no longer used back through the same pointers. */
void frb__head_adopt(struct frb_head *h, const struct frb_need *need,
                     char **buf, struct frb_field **fields) {
  if (*buf && need->buf > h->cap) {
    char *old = h->buf;
    memcpy(*buf, old, h->len);
    h->buf = *buf;
    h->cap = need->buf;
    *buf = old;
  }
  if (*fields && need->fields > h->fields_cap) {
    struct frb_field *old = h->fields;
    memcpy(*fields, old, h->nfields * sizeof *old);
    h->fields = *fields;
    h->fields_cap = need->fields;
    *fields = old;
    /* The one step that visits every line under the lock: growth, which
     * doubles, so a head of n lines pays it log n times, and a reused
     * response (frb_reset keeps the room) never again. */
    index_on(h);
    memset(h->known, 0, sizeof h->known);
    for (uint32_t i = 0; i < h->nfields; i++)
      frb__key_field(h, i, NULL);
  }
}
