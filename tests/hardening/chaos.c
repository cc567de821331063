/*
 * Allocation-failure torture (after curl's torture mode and jansson's
 * test_chaos).  The library's own sources are built into this program with
 * -DFRB_ALLOC_HOOKS, so every allocation it makes comes through the hooks
 * below.  A scripted scenario (new, many headers so that the head buffer and
 * the field table grow, a big setf value, a long reason, a cookie and a
 * redirect, writes that grow the body buffer, finish, reset, reuse, free) is
 * run once to count its allocations; then, for every k, once more with the
 * k-th allocation failing:
 *   - single mode: the call that met the failure must return FRB_ENOMEM (or
 *     frb_new NULL) and change nothing, so repeating it succeeds and the
 *     output is byte for byte the output of the run with no failure;
 *   - persistent mode: every allocation from the k-th on fails; every call
 *     must return FRB_OK or FRB_ENOMEM (or FRB_ESENT once an output call
 *     met the failure and libfrb sent its fixed 500 instead of the head),
 *     whatever was written must parse, and frb_free must release everything.
 * After every run the hooks' count of live blocks must be zero; the ASan
 * build's LeakSanitizer checks the same at exit.  Output is TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frb.h"
#include "internal.h"
#include "strict_parser.h"

static unsigned long allocs;  /* allocations attempted in this run */
static unsigned long fail_at; /* 0: never */
static int persistent;        /* fail every allocation from fail_at on */
static unsigned long injected;
static long live;

static int should_fail(void) {
  allocs++;
  if (fail_at && (allocs == fail_at || (persistent && allocs > fail_at))) {
    injected++;
    return 1;
  }
  return 0;
}

void *frb_hook_malloc(size_t size) {
  void *p;

  if (should_fail())
    return NULL;
  if ((p = malloc(size)) != NULL)
    live++;
  return p;
}

void *frb_hook_realloc(void *ptr, size_t size) {
  void *p;

  if (should_fail())
    return NULL;
  if ((p = realloc(ptr, size)) != NULL && !ptr)
    live++;
  return p;
}

void frb_hook_free(void *ptr) {
  if (ptr)
    live--;
  free(ptr);
}

/* ------------------------------------------------------------- scenario */

static int failures;     /* checks failed in this run */
static int enomem_calls; /* calls that answered FRB_ENOMEM in this run */

static void bad(const char *what, const char *call, int rc) {
  if (failures++ < 5)
    printf("# k=%lu%s: %s: %s returned %d (%s)\n", fail_at,
           persistent ? " persistent" : "", what, call, rc, frb_strerror(rc));
}

/* Runs a call; an FRB_ENOMEM must come from an injected failure, and in
 * single mode the repeated call must succeed. */
static int checked(int rc, int again, const char *call, unsigned long before) {
  if (rc == FRB_ENOMEM) {
    enomem_calls++;
    if (injected == before)
      bad("FRB_ENOMEM with no failed allocation", call, rc);
    if (!persistent)
      rc = again;
  }
  if (rc != FRB_OK &&
      !(persistent && (rc == FRB_ENOMEM || (rc == FRB_ESENT && enomem_calls))))
    bad("unexpected result", call, rc);
  return rc;
}

/* CALL evaluates the call a second time only when the first one answered
 * FRB_ENOMEM (the conditional operator evaluates one branch). */
#define CALL(expr)                                                             \
  do {                                                                         \
    unsigned long before_ = injected;                                          \
    int rc_ = (expr);                                                          \
    checked(rc_, rc_ == FRB_ENOMEM && !persistent ? (expr) : rc_, #expr,       \
            before_);                                                          \
  } while (0)

static void build_response(frb_response *r, int pass) {
  static char big[3000], chunk[5000];
  struct frb_cookie c = {0};
  char name[32], value[300];

  memset(big, 'b', sizeof big - 1);
  for (size_t i = 0; i < sizeof chunk; i++)
    chunk[i] = (char)('a' + i % 26);
  CALL(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 64 * 1024));
  CALL(frb_set_limit(r, FRB_LIMIT_BODY_BUFFER, 256 * 1024));
  for (int i = 0; i < 60; i++) {
    snprintf(name, sizeof name, "X-Header-%d-%d", pass, i);
    memset(value, 'a' + i % 26, (size_t)i * 4);
    value[i * 4] = '\0';
    if (i % 3)
      CALL(frb_header_set(r, name, value));
    else
      CALL(frb_header_add(r, "X-Many", value));
  }
  CALL(frb_header_setf(r, "X-Big", "%s-%d", big, pass));
  CALL(frb_set_status_reason(r, 404, "A Long Reason Phrase For Not Found"));
  c.path = "/a/very/long/path/that/makes/the/cookie/line/bigger/than/the/"
           "stack/buffer/of/frb_cookie_add/so/that/it/allocates/its/own/line/"
           "and/still/goes/on/for/a/while/longer/than/five/hundred/and/twelve/"
           "bytes/because/that/is/the/size/of/the/buffer/on/the/stack/and/we/"
           "want/the/heap/path/taken/every/time/this/scenario/runs/x/y/z/w/v";
  c.secure = 1;
  c.http_only = 1;
  c.same_site = FRB_SAMESITE_LAX;
  CALL(frb_cookie_add(r, "session", "abc123", &c));
  snprintf(name, sizeof name, "X-Header-%d-1", pass);
  CALL(frb_header_del(r, name));
  CALL(frb_redirect(r, 303, "/next"));
  for (int i = 0; i < 40; i++)
    CALL(frb_write(r, chunk, sizeof chunk));
}

static void check_output(const struct sp_out *o, const char *label) {
  struct sp_head h;
  char err[160];

  if (o->len == 0)
    return;
  if (sp_parse(o->buf, o->len, SP_BODY_IS_WHOLE, &h, err, sizeof err) != 0) {
    bad(err, label, 0);
    return;
  }
  sp_head_free(&h);
}

/* One run of the scenario; the output of each response goes to out[0..1]. */
static void scenario(struct sp_out out[2]) {
  frb_response *r;
  unsigned long before = injected;

  while (!(r = frb_new(sp_out_sink, &out[0]))) {
    enomem_calls++;
    if (injected == before)
      bad("frb_new NULL with no failed allocation", "frb_new", 0);
    if (persistent || live != 0) {
      if (live != 0)
        bad("frb_new leaked after a failure", "frb_new", (int)live);
      return;
    }
  }
  build_response(r, 0);
  CALL(frb_finish(r));
  CALL(frb_reset(r, sp_out_sink, &out[1]));
  build_response(r, 1);
  CALL(frb_flush_headers(r));
  CALL(frb_write(r, "tail", 4));
  CALL(frb_finish(r));
  frb_free(r);
}

static void free_out(struct sp_out out[2]) {
  for (int i = 0; i < 2; i++) {
    free(out[i].buf);
    out[i].buf = NULL;
    out[i].len = 0;
  }
}

static int run(unsigned long k, int persist, struct sp_out out[2]) {
  allocs = injected = 0;
  live = 0;
  failures = enomem_calls = 0;
  fail_at = k;
  persistent = persist;
  scenario(out);
  if (live != 0)
    bad("blocks still allocated after frb_free", "scenario", (int)live);
  check_output(&out[0], "first response");
  check_output(&out[1], "second response");
  return failures;
}

int main(void) {
  struct sp_out base[2] = {{0}}, out[2] = {{0}};
  unsigned long total, k, tests = 0, failed = 0, points = 0;

  setvbuf(stdout, NULL, _IOLBF, 0);
  if (run(0, 0, base) != 0 || base[0].len == 0 || base[1].len == 0) {
    printf("Bail out! the scenario fails with no allocation failure\n");
    free_out(base);
    return 1;
  }
  total = allocs;
  printf("# the scenario makes %lu allocations\n", total);
  for (int persist = 0; persist <= 1; persist++) {
    for (k = 1;; k++) {
      int f = run(k, persist, out);
      if (injected == 0) { /* the scenario ran out before the k-th */
        free_out(out);
        break;
      }
      if (!persist && f == 0 &&
          (out[0].len != base[0].len || out[1].len != base[1].len ||
           memcmp(out[0].buf, base[0].buf, base[0].len) != 0 ||
           memcmp(out[1].buf, base[1].buf, base[1].len) != 0)) {
        bad("output differs from the run without failure", "scenario", 0);
        f = 1;
      }
      points++;
      printf("%s %lu - %s allocation %lu of %lu failed: %d call(s) "
             "answered FRB_ENOMEM%s\n",
             f ? "not ok" : "ok", ++tests, persist ? "every" : "only", k, total,
             enomem_calls,
             persist ? ", all released" : ", repeated call recovered");
      failed += f != 0;
      free_out(out);
    }
  }
  printf("1..%lu\n# %lu allocation points failed, %lu runs failed\n", tests,
         points, failed);
  free_out(base);
  return failed ? 1 : 0;
}
