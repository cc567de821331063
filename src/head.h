/*
 * The head store: the Status line and the header fields of one response,
 * kept in wire form in one buffer, with an array that locates each field.
 * Nothing here locks, allocates under a caller's lock, or does I/O: the
 * caller (locked.h) holds the response's lock around every call that takes
 * a struct frb_head, and a call that needs more room than there is says how
 * much in a struct frb_need and changes nothing (FRB__GROW); the caller
 * allocates with no lock held and hands the room over with
 * frb__head_adopt.  Unit-tested directly in tests/unit/test_head.c.
 */
#ifndef FRB_HEAD_H
#define FRB_HEAD_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"

#define FRB__GROW 1 /* internal: the step needs more room */

/* Names the builder treats specially (known.c holds their rules). */
enum frb_kind {
  FRB_KIND_PLAIN,
  FRB_KIND_STATUS,
  FRB_KIND_CONTENT_TYPE,
  FRB_KIND_CONTENT_LENGTH,
  FRB_KIND_LOCATION,
  FRB_KIND_SET_COOKIE,
  FRB_KIND_TRANSFER_ENCODING,
  FRB_KIND_COUNT
};

/* A validated name/value pair, prepared outside the lock. */
struct frb_field_arg {
  const char *name;
  const char *value; /* already trimmed */
  uint32_t name_len;
  uint32_t value_len;
  uint32_t hash;      /* case-folded name hash */
  uint32_t match_len; /* value bytes that must match too (cookies), or 0 */
  uint32_t chash;     /* with match_len: hash of the cookie name */
  enum frb_kind kind;
};

/* One header line inside the buffer. */
struct frb_field {
  uint32_t off;  /* start of the line, relative to the header region */
  uint32_t len;  /* "Name: value\r\n", CRLF included */
  uint32_t hash; /* case-folded name hash, checked before the bytes */
  uint32_t name_len;
  uint32_t cookie_len; /* Set-Cookie: bytes of the cookie name, or 0 */
  uint32_t chash;      /* hash of the cookie name */
  uint32_t kind;       /* enum frb_kind of the name */
};

struct frb_head {
  char *buf;           /* "Status: ...\r\n", then every header line in order */
  uint32_t status_len; /* the header region starts here */
  uint32_t len;
  uint32_t cap;
  uint32_t nfields;
  uint32_t fields_cap;
  struct frb_field *fields; /* followed by the index's table */
  struct frb_index ix;
  /* The lines of each known name (known.c) are found here rather than in
   * the index: their kind is known before the lock, so no probe, no hash
   * compare and no name bytes are needed.  Entry k is live when its count
   * is not 0; entry FRB_KIND_PLAIN is unused. */
  struct frb_ientry known[FRB_KIND_COUNT];
  int status;
  int has_body;       /* body bytes are committed: 204/304 are then refused */
  uint32_t kinds;     /* bit k: a field of single-valued kind k is present */
  size_t limit;       /* whole head, final CRLF included */
  uint32_t max_lines; /* lines of the head, Status and libfrb's own included */
  uint32_t cl_digits; /* longest Content-Length libfrb may write */
  /* What closing this head would add (head_rules.c), for its status and
   * kinds as they are: kept current so that a change that alters neither
   * is admitted with two compares. */
  uint32_t reserve_bytes;
  uint32_t reserve_lines;
};

/* Room a step asked for: 0 where there is enough. */
struct frb_need {
  uint32_t buf;
  uint32_t fields;
};

/* A change to the head, as head_rules.c admits it: what the head will be
 * once the change is made. */
struct frb_change {
  int64_t bytes;      /* head length after, minus before */
  uint32_t lines;     /* lines appended */
  int status;         /* status code after */
  enum frb_kind kind; /* the field set, added or removed (PLAIN: none) */
  int present;        /* whether a field of 'kind' remains */
};

struct frb_status_arg {
  int code;
  const char *reason;
  size_t reason_len;
};

int frb__head_init(struct frb_head *h);
void frb__head_free(struct frb_head *h);
void frb__head_start(struct frb_head *h);
void frb__head_adopt(struct frb_head *h, const struct frb_need *need,
                     char **buf, struct frb_field **fields);
/* The store's primitives that head_rules.c builds on. */
int frb__head_ask_room(const struct frb_head *h, size_t bytes, uint32_t nfields,
                       struct frb_need *need);
struct frb_key_hint;
void frb__head_append(struct frb_head *h, const struct frb_field_arg *a,
                      const struct frb_key_hint *hint);

size_t frb__head_fields_bytes(uint32_t fields);

int frb__head_set(struct frb_head *h, const struct frb_field_arg *a,
                  struct frb_need *need);
int frb__head_add(struct frb_head *h, const struct frb_field_arg *a,
                  struct frb_need *need);
int frb__head_del(struct frb_head *h, const struct frb_field_arg *a);
int frb__head_get(const struct frb_head *h, const struct frb_field_arg *a,
                  char *buf, size_t size);
int frb__head_status(struct frb_head *h, const struct frb_status_arg *s,
                     struct frb_need *need);
int frb__head_redirect(struct frb_head *h, const struct frb_status_arg *s,
                       const struct frb_field_arg *location,
                       struct frb_need *need);
/* head_rules.c: the limits, the fields libfrb adds itself, and the rules
 * that tie the status to the fields and the body. */
int frb__head_admit_rules(const struct frb_head *h, const struct frb_change *c,
                          struct frb_need *need);
void frb__head_note_kinds(struct frb_head *h, const struct frb_change *c);
uint32_t frb__status_line_len(const struct frb_status_arg *s);
void frb__head_apply_status(struct frb_head *h, const struct frb_status_arg *s);
int frb__head_set_limit(struct frb_head *h, size_t limit);
int frb__head_set_max_lines(struct frb_head *h, uint32_t lines);
int frb__head_set_cl_digits(struct frb_head *h, uint32_t digits);
int frb__head_body_ok(struct frb_head *h, int commit);
int frb__head_close(struct frb_head *h, int finish, size_t body_len,
                    struct frb_need *need, uint32_t *head_len);

#endif /* FRB_HEAD_H */
