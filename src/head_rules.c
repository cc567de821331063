/* The accounting and the rules of a head (head.h): the limits on bytes and
 * lines, the room kept for the fields libfrb adds itself, the Status line,
 * and the rules that tie the status to the fields and the body.  The store
 * (head.c) asks frb__head_admit before every change it makes, so that a
 * head that was admitted can always be closed and sent. */
#include <string.h>

#include "internal.h"

#define STATUS_PREFIX "Status: "
#define BIT(kind) FRB_KIND_BIT(kind)

/* RFC 9110 15.3.5, 15.3.6, 15.4.5: no content after these. */
static inline int body_forbidden(int s) {
  return s == 204 || s == 205 || s == 304;
}

static inline uint32_t line_len(uint32_t name_len, uint32_t value_len) {
  return name_len + 2 + value_len + 2; /* "Name: value\r\n" */
}

/* What libfrb adds to a head with this status and these fields when it is
 * closed, at most: the final CRLF, a default Content-Type, Content-Length
 * with as many digits as the body buffer allows; and the lines it takes,
 * the Status line included. */
struct reserve {
  size_t bytes;
  uint32_t lines;
};

static struct reserve reserve_for(const struct frb_head *h, int status,
                                  uint32_t kinds) {
  const struct frb_field_arg *ct = frb__known_arg(FRB_KIND_CONTENT_TYPE);
  const struct frb_field_arg *cl = frb__known_arg(FRB_KIND_CONTENT_LENGTH);
  struct reserve r = {2, 1};

  if (!body_forbidden(status) && !(kinds & BIT(FRB_KIND_CONTENT_TYPE))) {
    r.bytes += line_len(ct->name_len, ct->value_len);
    r.lines++;
  }
  if (status != 204 && status != 304 &&
      !(kinds & BIT(FRB_KIND_CONTENT_LENGTH))) {
    r.bytes += line_len(cl->name_len, status == 205 ? 1 : h->cl_digits);
    r.lines++;
  }
  return r;
}

static int fits(const struct frb_head *h, int64_t len, uint32_t lines,
                struct reserve r) {
  return (uint64_t)len + r.bytes <= h->limit &&
         (uint64_t)lines + r.lines <= h->max_lines;
}

static uint32_t kinds_after(const struct frb_head *h,
                            const struct frb_change *c) {
  if (!frb__kind_single_valued(c->kind))
    return h->kinds;
  return c->present ? h->kinds | BIT(c->kind) : h->kinds & ~BIT(c->kind);
}

/* RFC 9110 8.6: no Content-Length from the caller on 204 (a sender must not
 * send one), 205 (libfrb writes "Content-Length: 0" itself) or 304 (it would
 * describe another response). */
static inline int length_forbidden(int s) {
  return body_forbidden(s);
}

/* RFC 9110 10.2.2: Location means something on 201 and on 3xx only. */
static inline int location_allowed(int s) {
  return s == 201 || (s >= 300 && s <= 399);
}

/* The rules between the status and the fields, checked on the head as the
 * change would leave it, so that the order of the calls does not matter. */
static int status_rules_ok(const struct frb_head *h, const struct frb_change *c,
                           uint32_t kinds) {
  if ((kinds & BIT(FRB_KIND_CONTENT_LENGTH)) && length_forbidden(c->status))
    return 0;
  /* A status that moves away from a redirect must not leave its Location
   * behind: the caller removes it first. */
  if ((kinds & BIT(FRB_KIND_LOCATION)) && c->status != h->status &&
      !location_allowed(c->status))
    return 0;
  return 1;
}

int frb__head_admit_rules(const struct frb_head *h, const struct frb_change *c,
                          struct frb_need *need) {
  uint32_t kinds = kinds_after(h, c);

  if (!status_rules_ok(h, c, kinds))
    return FRB_EINVAL;
  if (!fits(h, (int64_t)h->len + c->bytes, h->nfields + c->lines,
            reserve_for(h, c->status, kinds)))
    return FRB_ETOOBIG;
  if (c->bytes <= 0 && c->lines == 0)
    return FRB_OK;
  return frb__head_want_room(h, c->bytes > 0 ? (size_t)c->bytes : 0, c->lines,
                             need);
}

/* frb__head_admit's fast path reads the reserve: every change of the
 * status, the kinds or the digits comes through here. */
static void keep_reserve(struct frb_head *h) {
  struct reserve r = reserve_for(h, h->status, h->kinds);

  h->reserve_bytes = (uint32_t)r.bytes;
  h->reserve_lines = r.lines;
}

/* Records what an admitted change did to the fields libfrb tracks. */
void frb__head_note_kinds(struct frb_head *h, const struct frb_change *c) {
  uint32_t kinds = kinds_after(h, c);

  if (kinds != h->kinds) {
    h->kinds = kinds;
    keep_reserve(h);
  }
}

uint32_t frb__status_line_len(const struct frb_status_arg *s) {
  return (uint32_t)(sizeof STATUS_PREFIX - 1 + 4 + s->reason_len + 2);
}

void frb__head_apply_status(struct frb_head *h,
                            const struct frb_status_arg *s) {
  uint32_t old_len = h->status_len, new_len = frb__status_line_len(s);
  char *p = h->buf;

  memmove(h->buf + new_len, h->buf + old_len, h->len - old_len);
  p = frb__put_str(p, STATUS_PREFIX);
  /* 200..599: three digits. */
  *p++ = (char)('0' + s->code / 100);
  *p++ = (char)('0' + s->code / 10 % 10);
  *p++ = (char)('0' + s->code % 10);
  *p++ = ' ';
  memcpy(p, s->reason, s->reason_len);
  memcpy(p + s->reason_len, "\r\n", 2);
  h->len = h->len - old_len + new_len;
  h->status_len = new_len;
  if (h->status != s->code) {
    h->status = s->code;
    keep_reserve(h);
  }
}

void frb__head_start(struct frb_head *h) {
  static const char line[] = STATUS_PREFIX "200 OK\r\n";

  memcpy(h->buf, line, sizeof line - 1);
  h->status_len = h->len = sizeof line - 1;
  h->nfields = 0;
  frb__index_clear(&h->ix);
  memset(h->known, 0, sizeof h->known);
  h->status = 200;
  h->has_body = 0;
  h->kinds = 0;
  keep_reserve(h);
}

int frb__head_status(struct frb_head *h, const struct frb_status_arg *s,
                     struct frb_need *need) {
  struct frb_change c = {(int64_t)frb__status_line_len(s) - h->status_len, 0,
                         s->code, FRB_KIND_PLAIN, 0};
  int rc;

  if (body_forbidden(s->code) && h->has_body)
    return FRB_EINVAL;
  if ((rc = frb__head_admit(h, &c, need)) != FRB_OK)
    return rc;
  frb__head_apply_status(h, s);
  return FRB_OK;
}

/* A limit below what the head already holds (with its reserve) is
 * refused: every admitted head must stay sendable. */
int frb__head_set_limit(struct frb_head *h, size_t limit) {
  size_t old = h->limit;

  h->limit = limit;
  if (!fits(h, h->len, h->nfields, reserve_for(h, h->status, h->kinds))) {
    h->limit = old;
    return FRB_ETOOBIG;
  }
  return FRB_OK;
}

int frb__head_set_max_lines(struct frb_head *h, uint32_t lines) {
  uint32_t old = h->max_lines;

  h->max_lines = lines;
  if (!fits(h, h->len, h->nfields, reserve_for(h, h->status, h->kinds))) {
    h->max_lines = old;
    return FRB_ETOOBIG;
  }
  return FRB_OK;
}

int frb__head_set_cl_digits(struct frb_head *h, uint32_t digits) {
  uint32_t old = h->cl_digits;

  h->cl_digits = digits;
  if (!fits(h, h->len, h->nfields, reserve_for(h, h->status, h->kinds))) {
    h->cl_digits = old;
    return FRB_ETOOBIG;
  }
  keep_reserve(h);
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
 * final CRLF; *head_len is then the length to write.  The limits cannot be
 * crossed here (their room was kept when the fields were admitted); only
 * the memory for the room can be missing. */
int frb__head_close(struct frb_head *h, int finish, size_t body_len,
                    struct frb_need *need, uint32_t *head_len) {
  const struct frb_field_arg *ct = frb__known_arg(FRB_KIND_CONTENT_TYPE);
  struct frb_field_arg cl = *frb__known_arg(FRB_KIND_CONTENT_LENGTH);
  char digits[24];
  int add_ct, add_cl, rc;
  size_t extra;

  add_ct = !body_forbidden(h->status) && (!finish || body_len > 0) &&
           !(h->kinds & BIT(FRB_KIND_CONTENT_TYPE));
  /* 205 gets "Content-Length: 0" (RFC 9110 15.3.6); 204 and 304 none. */
  add_cl = finish && h->status != 204 && h->status != 304 &&
           !(h->kinds & BIT(FRB_KIND_CONTENT_LENGTH));
  cl.value = digits;
  cl.value_len = (uint32_t)(frb__put_uint(digits, body_len, 1) - digits);
  extra = (add_ct ? line_len(ct->name_len, ct->value_len) : 0) +
          (add_cl ? line_len(cl.name_len, cl.value_len) : 0);
  if (h->len + extra + 2 > h->limit)
    return FRB_ETOOBIG;
  if ((rc = frb__head_want_room(h, extra + 2, 2, need)) != FRB_OK)
    return rc;
  if (add_ct)
    frb__head_append(h, ct, NULL);
  if (add_cl)
    frb__head_append(h, &cl, NULL);
  h->buf[h->len] = '\r';
  h->buf[h->len + 1] = '\n';
  *head_len = h->len + 2;
  return FRB_OK;
}
