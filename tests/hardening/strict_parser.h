/*
 * A strict parser for what libfrb writes: one CGI head ("Status:" line first,
 * then RFC 9112 field lines, CRLF only, an empty line), then the body.  It is
 * shared by the stress test, the fuzz harnesses and the fault suites, and is
 * deliberately stricter than any web server: a byte that a lenient server
 * would tolerate is an error here.
 */
#ifndef FRB_STRICT_PARSER_H
#define FRB_STRICT_PARSER_H

#include <stddef.h>

struct sp_field {
  const char *name;
  size_t name_len;
  const char *value; /* no leading or trailing SP/HTAB */
  size_t value_len;
};

struct sp_head {
  int status;
  const char *reason;
  size_t reason_len;
  struct sp_field *fields; /* malloc'd; sp_head_free releases it */
  size_t nfields;
  size_t head_len; /* bytes of the head, final CRLF included */
  const char *body;
  size_t body_len;
};

/* Options for sp_parse. */
#define SP_BODY_IS_WHOLE 1u /* Content-Length, if present, must match body */

/* Parses buf[0..len).  Returns 0, or -1 with a reason in err (if non-NULL).
 * On success h must be released with sp_head_free. */
int sp_parse(const char *buf, size_t len, unsigned flags, struct sp_head *h,
             char *err, size_t errlen);
void sp_head_free(struct sp_head *h);

/* The idx-th field named name (ASCII case-insensitive), or NULL. */
const struct sp_field *sp_find(const struct sp_head *h, const char *name,
                               size_t idx);
size_t sp_count(const struct sp_head *h, const char *name);

/* Grammar predicates, also used by the fuzz harnesses as the reference. */
int sp_is_tchar(unsigned char c);
int sp_is_field_byte(unsigned char c); /* HTAB, SP, VCHAR, obs-text */
int sp_name_eq(const char *a, size_t alen, const char *b, size_t blen);

/* A growable memory sink for frb_new(): keeps every byte written, with room
 * for a terminating NUL; aborts when memory runs out. */
struct sp_out {
  char *buf;
  size_t len;
};
int sp_out_sink(void *ctx, const void *buf, size_t len);

#endif /* FRB_STRICT_PARSER_H */
