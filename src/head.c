/* The head store (head.h): fields, their lookup, set/add/del planned before
 * they are applied so that a refused call changes nothing, the Status line,
 * and the room and limit accounting. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define STATUS_PREFIX "Status: "
#define INITIAL_CAP 256u
#define INITIAL_FIELDS 8u  /* a power of two, as every later capacity */
#define TABLE_PER_FIELD 4u /* two keys a line at most: load <= 1/2 */

static inline int body_forbidden(int s) {
  return s == 204 || s == 304;
}

static inline char *header_region(const struct frb_head *h) {
  return h->buf + h->status_len;
}

static inline uint32_t line_len(uint32_t name_len, uint32_t value_len) {
  return name_len + 2 + value_len + 2; /* "Name: value\r\n" */
}

static inline int fits(const struct frb_head *h, size_t head_len) {
  return head_len + 2 <= h->limit; /* + the final CRLF */
}

/* Checks the limit and the room for a change of 'delta' bytes that may add
 * 'nfields' lines.  Removals happen before growth, so the peak is the end
 * size. */
static int admit(const struct frb_head *h, int64_t delta, uint32_t nfields,
                 struct frb_need *need) {
  if (!fits(h, (size_t)((int64_t)h->len + delta)))
    return FRB_ETOOBIG;
  return frb__want_room(h, delta > 0 ? (size_t)delta : 0, nfields, need);
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
static long find_lines(const struct frb_head *h, const struct frb_field_arg *a,
                       uint32_t *n) {
  const struct frb_ientry *e = frb__key_find(h, a);

  *n = e ? e->count : 0;
  return e ? (long)e->first : -1;
}

static long find_first(const struct frb_head *h,
                       const struct frb_field_arg *a) {
  uint32_t n;
  return find_lines(h, a, &n);
}

/* Later lines: only a field of several lines walks on. */
static long find_next(const struct frb_head *h, const struct frb_field_arg *a,
                      uint32_t from) {
  for (uint32_t i = from; i < h->nfields; i++)
    if (field_matches(h, &h->fields[i], a))
      return (long)i;
  return -1;
}

static void put_value(char *line, uint32_t name_len, const char *value,
                      uint32_t value_len) {
  char *p = line + name_len;
  *p++ = ':';
  *p++ = ' ';
  memcpy(p, value, value_len);
  p += value_len;
  *p++ = '\r';
  *p = '\n';
}

/* Caller has checked the limit and the room. */
static void append_field(struct frb_head *h, const struct frb_field_arg *a) {
  uint32_t i = h->nfields++;
  struct frb_field *f = &h->fields[i];

  f->off = h->len - h->status_len;
  f->len = line_len(a->name_len, a->value_len);
  f->hash = a->hash;
  f->name_len = a->name_len;
  memcpy(h->buf + h->len, a->name, a->name_len);
  put_value(h->buf + h->len, a->name_len, a->value, a->value_len);
  h->len += f->len;
  f->set_cookie = a->kind == FRB_KIND_SET_COOKIE;
  frb__key_field(h, i);
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
};

static void plan_set(const struct frb_head *h, const struct frb_field_arg *a,
                     struct set_plan *p) {
  const struct frb_field *f;
  uint32_t n;

  p->later = 0;
  if ((p->first = find_lines(h, a, &n)) < 0) {
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

static void apply_set(struct frb_head *h, const struct frb_field_arg *a,
                      const struct set_plan *p) {
  struct frb_field *f;

  if (p->first < 0) {
    append_field(h, a);
    return;
  }
  f = &h->fields[p->first];
  /* A new value may name another cookie: out of the old name's key while
   * its bytes are still there, into the new one's at the end. */
  frb__unkey_cookie(h, (uint32_t)p->first);
  if (p->later)
    remove_later(h, a, (uint32_t)p->first);
  if (p->new_len != f->len)
    resize_line(h, (uint32_t)p->first, p->new_len);
  put_value(header_region(h) + f->off, f->name_len, a->value, a->value_len);
  frb__key_cookie(h, (uint32_t)p->first);
}

int frb__head_set(struct frb_head *h, const struct frb_field_arg *a,
                  struct frb_need *need) {
  struct set_plan p;
  int rc;

  plan_set(h, a, &p);
  if ((rc = admit(h, p.delta, p.first < 0, need)) != FRB_OK)
    return rc;
  apply_set(h, a, &p);
  return FRB_OK;
}

int frb__head_add(struct frb_head *h, const struct frb_field_arg *a,
                  struct frb_need *need) {
  struct frb_field_arg spelled;
  uint32_t new_len = line_len(a->name_len, a->value_len);
  long first = find_first(h, a);
  int rc;

  if (first >= 0 && frb__kind_single_valued(a->kind))
    return FRB_EINVAL;
  if ((rc = admit(h, new_len, 1, need)) != FRB_OK)
    return rc;
  if (first >= 0) {
    /* Every line of a field keeps the spelling of its first set/add; the
     * copy reads from below h->len, so it cannot overlap the new line. */
    spelled = *a;
    spelled.name = header_region(h) + h->fields[first].off;
    a = &spelled;
  }
  append_field(h, a);
  return FRB_OK;
}

int frb__head_del(struct frb_head *h, const struct frb_field_arg *a) {
  uint32_t n;
  long first = find_lines(h, a, &n);

  if (first < 0)
    return FRB_ENOTFOUND;
  if (n > 1)
    remove_later(h, a, (uint32_t)first);
  remove_field(h, (uint32_t)first);
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

static uint32_t status_line_len(const struct frb_status_arg *s) {
  return (uint32_t)(sizeof STATUS_PREFIX - 1 + 4 + s->reason_len + 2);
}

static void apply_status(struct frb_head *h, const struct frb_status_arg *s) {
  uint32_t old_len = h->status_len, new_len = status_line_len(s);
  char *p = h->buf;

  memmove(h->buf + new_len, h->buf + old_len, h->len - old_len);
  p = frb__put_uint(frb__put_str(p, STATUS_PREFIX), (unsigned)s->code, 3);
  *p++ = ' ';
  memcpy(p, s->reason, s->reason_len);
  memcpy(p + s->reason_len, "\r\n", 2);
  h->len = h->len - old_len + new_len;
  h->status_len = new_len;
  h->status = s->code;
}

void frb__head_start(struct frb_head *h) {
  static const char line[] = STATUS_PREFIX "200 OK\r\n";

  memcpy(h->buf, line, sizeof line - 1);
  h->status_len = h->len = sizeof line - 1;
  h->nfields = 0;
  frb__index_clear(&h->ix);
  h->status = 200;
  h->has_body = 0;
}

int frb__head_status(struct frb_head *h, const struct frb_status_arg *s,
                     struct frb_need *need) {
  int64_t delta = (int64_t)status_line_len(s) - h->status_len;
  int rc;

  if (body_forbidden(s->code) && h->has_body)
    return FRB_EINVAL;
  if ((rc = admit(h, delta, 0, need)) != FRB_OK)
    return rc;
  apply_status(h, s);
  return FRB_OK;
}

/* Status and Location together: the caller's one critical section means no
 * flush can send one without the other. */
int frb__head_redirect(struct frb_head *h, const struct frb_status_arg *s,
                       const struct frb_field_arg *location,
                       struct frb_need *need) {
  int64_t ds = (int64_t)status_line_len(s) - h->status_len;
  struct set_plan p;

  plan_set(h, location, &p);
  if (!fits(h, (size_t)((int64_t)h->len + ds + p.delta)))
    return FRB_ETOOBIG;
  if (frb__want_room(
          h, (size_t)(ds > 0 ? ds : 0) + (p.delta > 0 ? (size_t)p.delta : 0),
          p.first < 0, need) != FRB_OK)
    return FRB__GROW;
  apply_status(h, s);
  apply_set(h, location, &p);
  return FRB_OK;
}

int frb__head_set_limit(struct frb_head *h, size_t limit) {
  if (h->len + 2 > limit)
    return FRB_ETOOBIG;
  h->limit = limit;
  return FRB_OK;
}

/* May body bytes follow this head?  With 'commit', they will: from then on
 * a status that forbids a body is refused. */
int frb__head_body_ok(struct frb_head *h, int commit) {
  if (body_forbidden(h->status))
    return FRB_EINVAL;
  if (commit)
    h->has_body = 1;
  return FRB_OK;
}

/* Appends the fields the caller did not set (a default Content-Type when a
 * body may follow, Content-Length when the whole body is known) and the
 * final CRLF; *head_len is then the length to write. */
int frb__head_close(struct frb_head *h, int finish, size_t body_len,
                    struct frb_need *need, uint32_t *head_len) {
  const struct frb_field_arg *ct = frb__known_arg(FRB_KIND_CONTENT_TYPE);
  struct frb_field_arg cl = *frb__known_arg(FRB_KIND_CONTENT_LENGTH);
  char digits[24];
  int may_have_body = !body_forbidden(h->status);
  int add_ct, add_cl, rc;
  size_t extra;

  add_ct = may_have_body && (!finish || body_len > 0) && find_first(h, ct) < 0;
  add_cl = finish && may_have_body && find_first(h, &cl) < 0;
  cl.value = digits;
  cl.value_len = (uint32_t)(frb__put_uint(digits, body_len, 1) - digits);
  extra = (add_ct ? line_len(ct->name_len, ct->value_len) : 0) +
          (add_cl ? line_len(cl.name_len, cl.value_len) : 0);
  if (!fits(h, h->len + extra))
    return FRB_ETOOBIG;
  if ((rc = frb__want_room(h, extra + 2, 2, need)) != FRB_OK)
    return rc;
  if (add_ct)
    append_field(h, ct);
  if (add_cl)
    append_field(h, &cl);
  h->buf[h->len] = '\r';
  h->buf[h->len + 1] = '\n';
  *head_len = h->len + 2;
  return FRB_OK;
}
