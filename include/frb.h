/*
 * libfrb - a thread-safe response builder for CGI and FastCGI applications.
 *
 * Many threads may set, add and remove the headers of one response at the
 * same time; exactly one flush sends the "Status:" line and every header,
 * then the body follows.  This header needs nothing but the C library; the
 * libfcgi binding lives in <frb_fcgi.h>.
 *
 * The thread-safety contract, the limits and the error codes are described
 * in frb(3) and frb_threads(7).
 */
#ifndef FRB_H
#define FRB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FRB_VERSION_MAJOR 0
#define FRB_VERSION_MINOR 2
#define FRB_VERSION_PATCH 0
#define FRB_VERSION_STRING "0.2.0"
/* 0xMMmmpp, so that releases compare with < and >. */
#define FRB_VERSION_HEX                                                        \
  ((FRB_VERSION_MAJOR << 16) | (FRB_VERSION_MINOR << 8) | FRB_VERSION_PATCH)

#if defined(FRB_BUILDING) && defined(__GNUC__)
#define FRB_EXTERN __attribute__((visibility("default")))
#else
#define FRB_EXTERN
#endif

#if defined(__GNUC__)
#define FRB_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define FRB_PRINTF(fmt, args)
#endif

/* Head limit default: nginx reads the head into fastcgi_buffer_size (4096
 * bytes by default), which also holds the 8-byte FastCGI record header.  A
 * head of 4088 bytes fills it exactly and nginx 1.22 then drops the body;
 * one byte more is a 502.  4087 is the largest head that is always safe. */
#define FRB_DEFAULT_HEAD_BYTES 4087
#define FRB_DEFAULT_BODY_BUFFER 65536
/* h2o answers 503 to a head of more than 100 lines, Status included. */
#define FRB_DEFAULT_FIELDS 100
/* RFC 3875 6.3.1: a body needs a Content-Type and the server must not guess.
 * text/plain, not text/html: an unlabelled body is never rendered as markup. */
#define FRB_DEFAULT_CONTENT_TYPE "text/plain; charset=utf-8"

typedef struct frb_response frb_response; /* opaque */

/* A sink: write all len bytes, return 0, or -1 on failure. */
typedef int (*frb_write_fn)(void *ctx, const void *buf, size_t len);

/* Append-only: values are never renumbered. */
enum frb_error {
  FRB_OK = 0,
  FRB_EINVAL = -1,    /* bad argument: NULL, invalid name, value or code */
  FRB_ENOMEM = -2,    /* out of memory; the response is unchanged */
  FRB_ESENT = -3,     /* the head (or the whole response) was already sent */
  FRB_ETOOBIG = -4,   /* the head or body buffer would exceed its limit */
  FRB_EIO = -5,       /* the sink failed; every later output fails too */
  FRB_ENOTFOUND = -6, /* no such header */
  FRB_ERANGE = -7,    /* the caller's buffer is too small */
  FRB_EFROZEN = -8    /* the header name was frozen by frb_header_freeze */
};

enum frb_limit {
  FRB_LIMIT_HEAD_BYTES,  /* serialized head, final CRLF included */
  FRB_LIMIT_BODY_BUFFER, /* body bytes held back until the head is sent */
  FRB_LIMIT_FIELDS, /* lines of the head, Status and libfrb's own included */
  /* The server's head buffer (nginx fastcgi_buffer_size): sets the head
   * limit to the largest head that fits with the framing of the sink. */
  FRB_LIMIT_SERVER_BUFFER
};

FRB_EXTERN frb_response *frb_new(frb_write_fn write, void *ctx);
FRB_EXTERN frb_response *frb_new_fd(int fd);
/* frb_reset onto another descriptor, with frb_new_fd's choice of sink. */
FRB_EXTERN int frb_reset_fd(frb_response *r, int fd);
FRB_EXTERN int frb_reset(frb_response *r, frb_write_fn write, void *ctx);
FRB_EXTERN void frb_free(frb_response *r);

FRB_EXTERN int frb_set_status(frb_response *r, int code);
FRB_EXTERN int frb_set_status_reason(frb_response *r, int code,
                                     const char *reason);
FRB_EXTERN int frb_get_status(frb_response *r);

FRB_EXTERN int frb_header_set(frb_response *r, const char *name,
                              const char *value);
FRB_EXTERN int frb_header_add(frb_response *r, const char *name,
                              const char *value);
FRB_EXTERN int frb_header_setf(frb_response *r, const char *name,
                               const char *fmt, ...) FRB_PRINTF(3, 4);
FRB_EXTERN int frb_header_del(frb_response *r, const char *name);
FRB_EXTERN int frb_header_get(frb_response *r, const char *name, char *buf,
                              size_t size);

/* Location with an explicit 3xx status, set together (RFC 3875 6.2.3). */
FRB_EXTERN int frb_redirect(frb_response *r, int code, const char *location);

enum frb_samesite {
  FRB_SAMESITE_DEFAULT = 0, /* no SameSite attribute */
  FRB_SAMESITE_STRICT,
  FRB_SAMESITE_LAX,
  FRB_SAMESITE_NONE /* requires secure */
};

/* Cookie attributes (draft-ietf-httpbis-rfc6265bis).  Zero-initialise and
 * set what you need: {0} is a session cookie with no attributes. */
struct frb_cookie {
  const char *path;   /* NULL: none */
  const char *domain; /* NULL: none (host-only) */
  long long max_age;  /* seconds; used when has_max_age */
  int has_max_age;
  long long expires; /* Unix time, sent as IMF-fixdate; 0: none */
  int secure;
  int http_only;
  int partitioned; /* CHIPS; requires secure */
  enum frb_samesite same_site;
};

/* Adds one Set-Cookie line, replacing an earlier one for the same cookie
 * name: one Set-Cookie per cookie name per response.  attrs may be NULL. */
FRB_EXTERN int frb_cookie_add(frb_response *r, const char *name,
                              const char *value,
                              const struct frb_cookie *attrs);

/* The header is fixed from now on: set, add, del, cookies and redirects
 * touching this name answer FRB_EFROZEN until frb_reset. */
FRB_EXTERN int frb_header_freeze(frb_response *r, const char *name);

/* Content-Type: type/subtype, with "; charset=..." when charset is not
 * NULL (RFC 9110 8.3.1). */
FRB_EXTERN int frb_set_content_type(frb_response *r, const char *type,
                                    const char *charset);

/* What frb_preconditions read from the request (RFC 9110 13.1); NULL: the
 * field is absent.  With CGI these are HTTP_IF_MATCH and so on. */
struct frb_request_conditions {
  const char *method; /* REQUEST_METHOD; NULL: GET */
  const char *if_match;
  const char *if_none_match;
  const char *if_modified_since;
  const char *if_unmodified_since;
};

enum frb_precondition {
  FRB_PRECONDITION_PASSED = 0,         /* go on and send the response */
  FRB_PRECONDITION_NOT_MODIFIED = 304, /* now a 304: send no body */
  FRB_PRECONDITION_FAILED = 412        /* now a 412 */
};

/* Evaluates the request's conditions against the response's own ETag and
 * Last-Modified headers in RFC 9110 13.2.2 order.  Returns an
 * enum frb_precondition, or a negative enum frb_error. */
FRB_EXTERN int frb_preconditions(frb_response *r,
                                 const struct frb_request_conditions *req);

enum frb_sendfile_server {
  FRB_SENDFILE_NGINX = 1, /* X-Accel-Redirect: an internal location URI */
  FRB_SENDFILE_APACHE,    /* X-Sendfile (mod_xsendfile): a file path */
  FRB_SENDFILE_LIGHTTPD   /* X-Sendfile: a file path */
};

struct frb_send_file_opts {
  /* UTF-8 file name offered for download (Content-Disposition: attachment),
   * or NULL: none. */
  const char *attachment;
};

/* Hands the body over to the web server: exactly one of X-Accel-Redirect or
 * X-Sendfile.  opts may be NULL. */
FRB_EXTERN int frb_send_file(frb_response *r, const char *path,
                             enum frb_sendfile_server server,
                             const struct frb_send_file_opts *opts);

/* One server-sent event (HTML Living Standard 9.2), written whole and
 * pushed to the client.  event and id may be NULL. */
FRB_EXTERN int frb_sse_event(frb_response *r, const char *event, const char *id,
                             const char *data);

FRB_EXTERN int frb_set_limit(frb_response *r, enum frb_limit which,
                             size_t value);

/* The answer to a HEAD request: the body is counted for Content-Length and
 * never sent (RFC 9110 9.3.2). */
FRB_EXTERN int frb_set_head_only(frb_response *r, int on);

FRB_EXTERN int frb_flush_headers(frb_response *r);
FRB_EXTERN int frb_write(frb_response *r, const void *buf, size_t len);
/* Sends what is buffered now (the head if not yet sent, then the body) and
 * pushes it through the sink's own buffer (FCGX_FFlush for libfcgi). */
FRB_EXTERN int frb_flush(frb_response *r);
FRB_EXTERN int frb_finish(frb_response *r);
FRB_EXTERN int frb_headers_sent(frb_response *r);

FRB_EXTERN const char *frb_strerror(int err);
FRB_EXTERN unsigned frb_version(void);
FRB_EXTERN const char *frb_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* FRB_H */
