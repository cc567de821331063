/* Server-sent events (HTML Living Standard 9.2.5, "Parsing an event
 * stream"): each event is framed into one buffer and written with a single
 * frb_write, which holds the output lock, so events from many threads never
 * interleave; then frb_flush pushes it past every buffer we control. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* An event or id field ends at the first CR or LF: one inside would end
 * the field early and start a new one (an injected "data:" or "retry:"). */
static int field_ok(const char *s) {
  return !s || !s[strcspn(s, "\r\n")];
}

static size_t line_count(const char *data) {
  size_t n = 1;

  for (const char *p = data; *p; p++)
    if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
      n++;
  return n;
}

static char *put(char *p, const char *s, size_t n) {
  memcpy(p, s, n);
  return p + n;
}

static char *put_field(char *p, const char *name, const char *value) {
  p = put(p, name, strlen(name));
  p = put(p, value, strlen(value));
  *p++ = '\n';
  return p;
}

/* Every line of data (split at CRLF, CR or LF, as the parser splits them)
 * becomes a "data: " line; the parser joins them again with LF. */
static char *put_data(char *p, const char *data) {
  for (;;) {
    size_t n = strcspn(data, "\r\n");
    p = put(p, "data: ", 6);
    p = put(p, data, n);
    *p++ = '\n';
    data += n;
    if (!*data)
      return p;
    data += data[0] == '\r' && data[1] == '\n' ? 2 : 1;
  }
}

static size_t event_len(const char *event, const char *id, const char *data) {
  return (event ? sizeof "event: " + strlen(event) : 0) +
         (id ? sizeof "id: " + strlen(id) : 0) + strlen(data) +
         line_count(data) * sizeof "data: " + 1;
}

/* The first event labels the stream.  X-Accel-Buffering: no turns off
 * nginx's buffering of this response; Cache-Control: no-store keeps
 * caches from replaying a live stream.  A head that another thread sent
 * meanwhile is fine: the fields were set by whoever sent it first. */
static int start_stream(frb_response *r) {
  static const char *const fields[][2] = {{"Content-Type", "text/event-stream"},
                                          {"Cache-Control", "no-store"},
                                          {"X-Accel-Buffering", "no"}};

  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    int rc = frb_header_set(r, fields[i][0], fields[i][1]);
    if (rc == FRB_ESENT)
      return FRB_OK;
    if (rc != FRB_OK)
      return rc;
  }
  return FRB_OK;
}

FRB_EXTERN int frb_sse_event(frb_response *r, const char *event, const char *id,
                             const char *data) {
  char small[1024], *buf = small, *end;
  size_t len;
  int rc;

  if (!r || !data || !field_ok(event) || !field_ok(id))
    return FRB_EINVAL;
  len = event_len(event, id, data);
  if (len > sizeof small && !(buf = frb__malloc(len)))
    return FRB_ENOMEM;
  end = buf;
  if (event)
    end = put_field(end, "event: ", event);
  if (id)
    end = put_field(end, "id: ", id);
  end = put_data(end, data);
  *end++ = '\n';
  rc = frb_headers_sent(r) ? FRB_OK : start_stream(r);
  if (rc == FRB_OK)
    rc = frb_write(r, buf, (size_t)(end - buf));
  if (buf != small)
    frb__free(buf);
  return rc == FRB_OK ? frb_flush(r) : rc;
}
