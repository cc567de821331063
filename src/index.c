/* The head store's index (index.h): linear probing with backward-shift
 * deletion, so no tombstones build up between resets. */
#include <string.h>

#include "index.h"

void frb__index_init(struct frb_index *ix, struct frb_ientry *e, uint32_t cap) {
  memset(e, 0, cap * sizeof *e);
  ix->e = e;
  ix->mask = cap - 1;
  ix->gen = 1;
}

/* O(1) but once in 2^31 resets, when the generations wrap. */
void frb__index_clear(struct frb_index *ix) {
  if (++ix->gen >= (1u << 31)) {
    memset(ix->e, 0, (ix->mask + 1) * sizeof *ix->e);
    ix->gen = 1;
  }
}

/* The entry whose first line is at 'first', if that line starts its key:
 * no bytes to compare, since positions are unique. */
struct frb_ientry *frb__index_find_first(const struct frb_index *ix,
                                         uint32_t hash, int cookie,
                                         uint32_t first) {
  uint32_t tag = ix->gen << 1 | (uint32_t)(cookie != 0);

  for (uint32_t i = frb__index_home(hash) & ix->mask;; i = (i + 1) & ix->mask) {
    struct frb_ientry *e = &ix->e[i];
    if (!frb__index_live(ix, e))
      return NULL;
    if (e->first == first && e->hash == hash && e->tag == tag)
      return e;
  }
}

uint32_t frb__bytes_hash(const char *p, uint32_t len) {
  uint64_t h = 0x13198a2e03707344ull ^ len, w;
  uint32_t i = 0;

  for (; i + 8 <= len; i += 8) {
    memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x9e3779b97f4a7c15ull;
  }
  w = 0;
  memcpy(&w, p + i, len - i);
  h = (h ^ w) * 0x9e3779b97f4a7c15ull;
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ull;
  return (uint32_t)(h ^ (h >> 29));
}

/* Moves later entries of the same run back into the hole, so that a probe
 * never stops early at it. */
void frb__index_remove(struct frb_index *ix, struct frb_ientry *slot) {
  uint32_t hole = (uint32_t)(slot - ix->e), i = hole;

  for (;;) {
    uint32_t home;
    i = (i + 1) & ix->mask;
    if (!frb__index_live(ix, &ix->e[i]))
      break;
    home = frb__index_home(ix->e[i].hash) & ix->mask;
    /* Stays put when its home lies cyclically in (hole, i]. */
    if (((i - home) & ix->mask) < ((i - hole) & ix->mask))
      continue;
    ix->e[hole] = ix->e[i];
    hole = i;
  }
  ix->e[hole].tag = 0;
}
