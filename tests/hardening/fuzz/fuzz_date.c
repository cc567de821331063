/*
 * libFuzzer harness for HTTP-dates (src/httpdate.c, src/format.c) and the
 * precondition logic that reads them.  The first byte picks the mode:
 *   0  arbitrary bytes to the parser: a date it accepts must come back
 *      unchanged through IMF-fixdate output and a second parse;
 *   1  a time from the input, written by glibc's gmtime_r+strftime (the
 *      reference, fine in a test) in all three RFC 9110 5.6.7 formats: each
 *      must parse to that time, and frb__put_date must write exactly what
 *      strftime writes;
 *   2  frb_preconditions with arbitrary validators and request fields: it
 *      must return one of its documented values and leave a consistent head.
 */
#define _DEFAULT_SOURCE /* timegm-free glibc reference: gmtime_r, strftime */
#include <time.h>

#include "frb.h"
#include "internal.h"
#include "tools.h"
#include "fuzz_common.h"

/* Years 1000 to 9999: strftime's %Y has no padding below 1000. */
#define MIN_T (-30610224000LL) /* 1000-01-01 */
#define MAX_T 253402300799LL   /* 9999-12-31 23:59:59 */

static void round_trip(long long t, long long now) {
  char out[40], *end = frb__put_date(out, t);
  long long back;

  *end = '\0';
  FZ_CHECK(frb__parse_http_date(out, (size_t)(end - out), now, &back) == 0,
           "own output '%s' refused", out);
  FZ_CHECK(back == t, "'%s': %lld, not %lld", out, back, t);
}

static void arbitrary(const uint8_t *p, size_t n) {
  long long t;

  /* A fixed 'now' keeps the run reproducible. */
  if (frb__parse_http_date((const char *)p, n, 1764720000LL, &t) == 0)
    round_trip(t, 1764720000LL);
}

static void expect_parse(const char *s, long long now, long long want) {
  long long t;

  FZ_CHECK(frb__parse_http_date(s, strlen(s), now, &t) == 0, "'%s' refused", s);
  FZ_CHECK(t == want, "'%s': %lld, not %lld", s, t, want);
}

static void formats(struct fz_in *in) {
  long long t = (long long)((uint64_t)fz_u32(in) << 32 | fz_u32(in));
  time_t tt;
  struct tm tm;
  char ref[64], own[40], *end;

  t = MIN_T + (long long)((unsigned long long)t %
                          (unsigned long long)(MAX_T - MIN_T + 1));
  tt = (time_t)t;
  FZ_CHECK(gmtime_r(&tt, &tm) != NULL, "gmtime_r(%lld)", t);
  strftime(ref, sizeof ref, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  end = frb__put_date(own, t);
  *end = '\0';
  FZ_CHECK(strcmp(ref, own) == 0, "%lld: '%s', strftime '%s'", t, own, ref);
  expect_parse(ref, 0, t);
  strftime(ref, sizeof ref, "%A, %d-%b-%y %H:%M:%S GMT", &tm);
  /* 'now' = t: the 50-year window then holds t's own century. */
  expect_parse(ref, t, t);
  strftime(ref, sizeof ref, "%a %b %e %H:%M:%S %Y", &tm);
  expect_parse(ref, 0, t);
}

static int ignore(void *ctx, const void *b, size_t n) {
  (void)ctx;
  (void)b;
  (void)n;
  return 0;
}

static void preconditions(struct fz_in *in) {
  frb_response *r = frb_new(ignore, NULL);
  char *etag = fz_str(in), *lm = fz_str(in);
  char *f[5];
  struct frb_request_conditions q;
  int rc, status;

  if (!r)
    abort();
  for (int i = 0; i < 5; i++)
    f[i] = fz_u8(in) & 1 ? fz_str(in) : NULL;
  q = (struct frb_request_conditions){f[0], f[1], f[2], f[3], f[4]};
  frb_header_set(r, "ETag", etag);
  frb_header_set(r, "Last-Modified", lm);
  if (fz_u8(in) & 1)
    frb_write(r, "x", 1);
  rc = frb_preconditions(r, &q);
  status = frb_get_status(r);
  FZ_CHECK(rc == FRB_PRECONDITION_PASSED || rc == FRB_PRECONDITION_FAILED ||
               rc == FRB_PRECONDITION_NOT_MODIFIED || rc == FRB_EINVAL,
           "rc %d", rc);
  FZ_CHECK(rc <= 0 ? status == 200 : status == rc, "rc %d, status %d", rc,
           status);
  frb_finish(r);
  frb_free(r);
  free(etag);
  free(lm);
  for (int i = 0; i < 5; i++)
    free(f[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fz_in in = {data + 1, size ? size - 1 : 0};

  if (size == 0)
    return 0;
  switch (data[0] % 3) {
  case 0: arbitrary(data + 1, size - 1); break;
  case 1: formats(&in); break;
  default: preconditions(&in); break;
  }
  return 0;
}
