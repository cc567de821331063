/* The head store (head.h): fields, their lookup through the index
 * (keys.c, index.c), and set/add/del planned before they are applied so
 * that a refused call changes nothing.  Every change is admitted by
 * head_rules.c first; the memory is room.c's. */
#include <stdlib.h>
#include <string.h>

#include "keys.h"

static inline char *header_region(const struct frb_head *h) {
  return h->buf + h->status_len;
}

static inline uint32_t line_len(uint32_t name_len, uint32_t value_len) {
  return name_len + 2 + value_len + 2; /* "Name: value\r\n" */
}

/* Same name, and for a cookie also the same "name=" at the start of the
 * value (a->match_len bytes of a->value). */
static inline int field_matches(const struct frb_head *h,
                                const struct frb_field *f,
                                const struct frb_field_arg *a) {
  const char *line = header_region(h) + f->off;

  if (f->hash != a->hash || f->name_len != a->name_len ||
      !frb__name_eq(line, a->name, a->name_len))
    return 0;
  return a->match_len == 0 ||
         (f->len - f->name_len - 4 >= a->match_len &&
          memcmp(line + f->name_len + 2, a->value, a->match_len) == 0);
}

/* The first line of a field (or cookie), through the index, and in *n how
 * many lines it has, so that a field of one line never walks on. */
static inline __attribute__((always_inline)) long
find_lines(const struct frb_head *h, const struct frb_field_arg *a, uint32_t *n,
           struct frb_key_hint *hint) {
  const struct frb_ientry *e = frb__key_find(h, a, hint);

  *n = e ? e->count : 0;
  return e ? (long)e->first : -1;
}

static long find_first(const struct frb_head *h,
                       const struct frb_field_arg *a) {
  uint32_t n;
  return find_lines(h, a, &n, NULL);
}

/* Later lines: only a field of several lines walks on. */
static long find_next(const struct frb_head *h, const struct frb_field_arg *a,
                      uint32_t from) {
  for (uint32_t i = from; i < h->nfields; i++)
    if (field_matches(h, &h->fields[i], a))
      return (long)i;
  return -1;
}

static inline __attribute__((always_inline)) void
put_value(char *line, uint32_t name_len, const char *value,
          uint32_t value_len) {
  char *p = line + name_len;
  *p++ = ':';
  *p++ = ' ';
  frb__copy(p, value, value_len);
  p += value_len;
  *p++ = '\r';
  *p = '\n';
}

/* Caller has checked the limit and the room; hint is its lookup or NULL.
 * Inline in the set and add steps, which run on every header call. */
static inline __attribute__((always_inline)) void
append(struct frb_head *h, const struct frb_field_arg *a,
       const struct frb_key_hint *hint) {
  uint32_t i = h->nfields++;
  struct frb_field *f = &h->fields[i];

  f->off = h->len - h->status_len;
  f->len = line_len(a->name_len, a->value_len);
  f->hash = a->hash;
  f->name_len = a->name_len;
  frb__copy(h->buf + h->len, a->name, a->name_len);
  put_value(h->buf + h->len, a->name_len, a->value, a->value_len);
  h->len += f->len;
  f->kind = a->kind;
  frb__key_field(h, i, hint);
}

void frb__head_append(struct frb_head *h, const struct frb_field_arg *a,
                      const struct frb_key_hint *hint) {
  append(h, a, hint);
}

/* Moves everything after line i so that line i becomes new_len bytes long. */
static void resize_line(struct frb_head *h, uint32_t i, uint32_t new_len) {
  struct frb_field *f = &h->fields[i];
  char *region = header_region(h);
  uint32_t end = f->off + f->len;
  uint32_t delta = new_len - f->len; /* modulo 2^32: may shrink */

  memmove(region + f->off + new_len, region + end,
          h->len - h->status_len - end);
  for (uint32_t j = i + 1; j < h->nfields; j++)
    h->fields[j].off += delta;
  f->len = new_len;
  h->len += delta;
}

static void remove_field(struct frb_head *h, uint32_t i) {
  frb__unkey_field(h, i);
  resize_line(h, i, 0);
  memmove(&h->fields[i], &h->fields[i + 1],
          (h->nfields - i - 1) * sizeof *h->fields);
  h->nfields--;
  for (uint32_t j = i; j < h->nfields; j++)
    frb__key_moved(h, j + 1, j);
}

/* Removes every match after 'first', last one first so offsets stay valid. */
static void remove_later(struct frb_head *h, const struct frb_field_arg *a,
                         uint32_t first) {
  for (uint32_t j = h->nfields; j-- > first + 1;)
    if (field_matches(h, &h->fields[j], a))
      remove_field(h, j);
}

static uint32_t bytes_of_later(const struct frb_head *h,
                               const struct frb_field_arg *a, uint32_t first) {
  uint32_t sum = 0;
  long j = (long)first;

  while ((j = find_next(h, a, (uint32_t)j + 1)) >= 0)
    sum += h->fields[j].len;
  return sum;
}

/* What a set will do: which line it rewrites (-1: appends one) and by how
 * many bytes the head changes.  Nothing is modified. */
struct set_plan {
  long first;
  uint32_t new_len; /* of the rewritten or appended line */
  uint32_t later;   /* bytes of the later lines of the same field */
  int64_t delta;
  struct frb_key_hint hint; /* the lookup, for an append */
};

static inline __attribute__((always_inline)) void
plan_set(const struct frb_head *h, const struct frb_field_arg *a,
         struct set_plan *p) {
  const struct frb_field *f;
  uint32_t n;

  p->later = 0;
  if ((p->first = find_lines(h, a, &n, &p->hint)) < 0) {
    p->new_len = line_len(a->name_len, a->value_len);
    p->delta = p->new_len;
    return;
  }
  f = &h->fields[p->first];
  /* The first occurrence keeps its place and its spelling. */
  p->new_len = line_len(f->name_len, a->value_len);
  if (n > 1)
    p->later = bytes_of_later(h, a, (uint32_t)p->first);
  p->delta = (int64_t)p->new_len - f->len - p->later;
}

static inline __attribute__((always_inline)) void
apply_set(struct frb_head *h, const struct frb_field_arg *a,
          const struct set_plan *p) {
  struct frb_field *f;

  if (p->first < 0) {
    append(h, a, &p->hint);
    return;
  }
  f = &h->fields[p->first];
  /* A new value may name another cookie: out of the old name's key while
   * its bytes are still there, into the new one's at the end.  Only a
   * Set-Cookie line has a cookie key: the others make no call for it. */
  if (f->cookie_len)
    frb__unkey_cookie(h, (uint32_t)p->first);
  if (p->later)
    remove_later(h, a, (uint32_t)p->first);
  if (p->new_len != f->len)
    resize_line(h, (uint32_t)p->first, p->new_len);
  put_value(header_region(h) + f->off, f->name_len, a->value, a->value_len);
  if (f->kind == FRB_KIND_SET_COOKIE)
    frb__key_cookie(h, (uint32_t)p->first, NULL);
}

int frb__head_set(struct frb_head *h, const struct frb_field_arg *a,
                  struct frb_need *need) {
  struct set_plan p;
  struct frb_change c = {0, 0, h->status, a->kind, 1};
  int rc;

  plan_set(h, a, &p);
  c.bytes = p.delta;
  c.lines = p.first < 0;
  if ((rc = frb__head_admit(h, &c, need)) != FRB_OK)
    return rc;
  apply_set(h, a, &p);
  frb__head_note(h, &c);
  return FRB_OK;
}

int frb__head_add(struct frb_head *h, const struct frb_field_arg *a,
                  struct frb_need *need) {
  struct frb_field_arg spelled;
  struct frb_key_hint hint;
  uint32_t new_len = line_len(a->name_len, a->value_len);
  uint32_t n;
  long first = find_lines(h, a, &n, &hint);
  struct frb_change c = {new_len, 1, h->status, a->kind, 1};
  int rc;

  if (first >= 0 && frb__kind_single_valued(a->kind))
    return FRB_EINVAL;
  if ((rc = frb__head_admit(h, &c, need)) != FRB_OK)
    return rc;
  if (first >= 0) {
    /* Every line of a field keeps the spelling of its first set/add; the
     * copy reads from below h->len, so it cannot overlap the new line. */
    spelled = *a;
    spelled.name = header_region(h) + h->fields[first].off;
    a = &spelled;
  }
  append(h, a, &hint);
  frb__head_note(h, &c);
  return FRB_OK;
}

int frb__head_del(struct frb_head *h, const struct frb_field_arg *a) {
  uint32_t n;
  long first = find_lines(h, a, &n, NULL);
  struct frb_change c = {0, 0, h->status, a->kind, 0};
  int rc;

  if (first < 0)
    return FRB_ENOTFOUND;
  /* Removing a field libfrb would otherwise add brings its reserve back. */
  if (frb__kind_single_valued(a->kind)) {
    c.bytes = -(int64_t)(h->fields[first].len +
                         (n > 1 ? bytes_of_later(h, a, (uint32_t)first) : 0));
    if ((rc = frb__head_admit(h, &c, NULL)) != FRB_OK)
      return rc;
  }
  if (n > 1)
    remove_later(h, a, (uint32_t)first);
  remove_field(h, (uint32_t)first);
  frb__head_note(h, &c);
  return FRB_OK;
}

/* Copies the first value with its NUL into buf; returns its length. */
int frb__head_get(const struct frb_head *h, const struct frb_field_arg *a,
                  char *buf, size_t size) {
  const struct frb_field *f;
  uint32_t vlen;
  long i = find_first(h, a);

  if (i < 0)
    return FRB_ENOTFOUND;
  f = &h->fields[i];
  vlen = f->len - f->name_len - 4;
  if (size <= vlen)
    return FRB_ERANGE;
  memcpy(buf, header_region(h) + f->off + f->name_len + 2, vlen);
  buf[vlen] = '\0';
  return (int)vlen;
}

/* Status and Location together: the caller's one critical section means no
 * flush can send one without the other. */
int frb__head_redirect(struct frb_head *h, const struct frb_status_arg *s,
                       const struct frb_field_arg *location,
                       struct frb_need *need) {
  int64_t ds = (int64_t)frb__status_line_len(s) - h->status_len;
  struct set_plan p;
  struct frb_change c;
  int rc;

  plan_set(h, location, &p);
  c = (struct frb_change){ds + p.delta, p.first < 0, s->code, location->kind,
                          1};
  if ((rc = frb__head_admit(h, &c, need)) != FRB_OK)
    return rc;
  /* The status line moves first: the peak is both growths together. */
  if ((rc = frb__head_want_room(
           h, (size_t)(ds > 0 ? ds : 0) + (p.delta > 0 ? (size_t)p.delta : 0),
           p.first < 0, need)) != FRB_OK)
    return rc;
  frb__head_apply_status(h, s);
  apply_set(h, location, &p);
  frb__head_note(h, &c);
  return FRB_OK;
}
