/*
 * Concurrency stress: 64 threads run seeded random mixes of set, add, setf,
 * del, get, get_status, set_status, write, flush and finish on one shared
 * response; between responses the threads wait on a barrier while the main
 * thread finishes the response, checks what reached the sink, and resets it.
 *
 * What one response must satisfy (checked with
 * tests/hardening/strict_parser.c):
 *   - the output is exactly one head (Status line first, RFC 9112 field
 *     lines, CRLF only) followed by a body made only of whole write chunks;
 *   - a header one thread alone owns (X-T<id>, X-F<id> via setf) ends with
 *     that thread's last accepted value, or is absent if its last accepted
 *     call was a delete; its add-only header X-M<id> has exactly the
 *     thread's accepted adds, in order;
 *   - the shared X-Shared has one line whose value was accepted from some
 *     thread; X-Shared-Add has every accepted add, each intact;
 *   - every frb_write chunk ("<T%02d:%06u:%04u|payload>") is contiguous and
 *     each thread's accepted chunks appear once, in its order;
 *   - frb_header_get never returns a torn value; the sink is never entered
 *     by two threads at once.
 *
 *   stress [--seed N] [--ops N] [--threads N] [--long]
 * The default is a short run for 'make check' (100000 operations, or
 * $FRB_STRESS_OPS); --long runs 2000000.  The seed is printed; --seed reruns
 * the same mixes (the interleaving, and so the output, still depends on the
 * scheduler). Output is TAP, for the automake test driver.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frb.h"
#include "strict_parser.h"

#define MAX_THREADS 256
#define MAX_ADDS 4          /* X-M<id> lines per thread per response */
#define MAX_SHARED_ADDS 128 /* X-Shared-Add lines per response */
#define HEAD_LIMIT 65536    /* room for every thread's headers */
#define BODY_LIMIT (8u << 20)

static const int codes[] = {200, 201, 202, 203, 400, 404, 410, 500, 503};
#define NCODES (sizeof codes / sizeof *codes)

struct list {
  unsigned *v;
  size_t n, cap;
};

struct worker {
  int id;
  pthread_t th;
  uint64_t rng;
  unsigned nops; /* this response */
  unsigned seq;
  char owned[48]; /* last accepted X-T value; "" when deleted or never set */
  char fval[48];  /* last accepted X-F value (setf) */
  struct list madds, sadds, ssets, writes;
  unsigned long ops_total;
};

static struct {
  int nthreads;
  uint64_t seed;
  unsigned long ops;
  frb_response *r;
  pthread_barrier_t start, end;
  int quit;
  atomic_int shared_adds;
  atomic_ulong round_ops; /* operations started in this response */
  unsigned long round_total;
  atomic_int in_sink;
  atomic_int failed;
  unsigned long lines_checked, bytes_checked, chunks_checked;
  char *out;
  size_t out_len, out_cap;
  struct worker w[MAX_THREADS];
} g;

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void failf(const char *fmt, ...) {
  va_list ap;

  if (atomic_fetch_add(&g.failed, 1) < 20) {
    va_start(ap, fmt);
    fputs("# FAIL: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
  }
}

static uint64_t next(uint64_t *s) { /* xorshift64* */
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 2685821657736338717ULL;
}

static unsigned below(uint64_t *s, unsigned n) {
  return (unsigned)(next(s) >> 33) % n;
}

static void push(struct list *l, unsigned v) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 64;
    if (!(l->v = realloc(l->v, l->cap * sizeof *l->v)))
      abort();
  }
  l->v[l->n++] = v;
}

/* Called by the library with its io mutex held: never by two at once. */
static int sink(void *ctx, const void *buf, size_t len) {
  (void)ctx;
  if (atomic_exchange(&g.in_sink, 1) != 0)
    failf("sink entered by two threads at once");
  if (g.out_len + len > g.out_cap) {
    size_t cap = g.out_cap ? g.out_cap : 65536;
    while (cap < g.out_len + len)
      cap *= 2;
    if (!(g.out = realloc(g.out, cap)))
      abort();
    g.out_cap = cap;
  }
  memcpy(g.out + g.out_len, buf, len);
  g.out_len += len;
  atomic_store(&g.in_sink, 0);
  return 0;
}

/* ------------------------------------------------------------ operations */

static void op_owned(struct worker *w) {
  char name[16], value[64];
  unsigned pad = below(&w->rng, 3);

  snprintf(name, sizeof name, "X-T%d", w->id);
  snprintf(value, sizeof value, "%*st%d-%u%*s", (int)pad, "", w->id, w->seq,
           (int)pad, "");
  if (frb_header_set(g.r, name, value) == FRB_OK)
    snprintf(w->owned, sizeof w->owned, "t%d-%u", w->id, w->seq);
}

static void op_owned_del(struct worker *w) {
  char name[16];
  int rc;

  snprintf(name, sizeof name, "X-T%d", w->id);
  rc = frb_header_del(g.r, name);
  if (rc == FRB_OK && !w->owned[0])
    failf("t%d: deleted a header it never set", w->id);
  if (rc == FRB_ENOTFOUND && w->owned[0])
    failf("t%d: its header %s vanished", w->id, w->owned);
  if (rc == FRB_OK)
    w->owned[0] = '\0';
}

static void op_owned_get(struct worker *w) {
  char name[16], buf[64];
  int rc;

  snprintf(name, sizeof name, "x-t%d", w->id); /* lookup ignores case */
  rc = frb_header_get(g.r, name, buf, sizeof buf);
  if (w->owned[0] ? (rc < 0 || strcmp(buf, w->owned) != 0)
                  : rc != FRB_ENOTFOUND)
    failf("t%d: get %s returned %d '%s', expected '%s'", w->id, name, rc,
          rc >= 0 ? buf : "", w->owned);
}

static void op_setf(struct worker *w) {
  char name[16];

  snprintf(name, sizeof name, "X-F%d", w->id);
  if (frb_header_setf(g.r, name, "f%d-%u", w->id, w->seq) == FRB_OK)
    snprintf(w->fval, sizeof w->fval, "f%d-%u", w->id, w->seq);
}

static void op_add_owned(struct worker *w) {
  char name[16], value[32];

  if (w->madds.n >= MAX_ADDS)
    return;
  snprintf(name, sizeof name, "X-M%d", w->id);
  snprintf(value, sizeof value, "m%d-%u", w->id, w->seq);
  if (frb_header_add(g.r, name, value) == FRB_OK)
    push(&w->madds, w->seq);
}

static void op_shared_set(struct worker *w) {
  char value[32];

  snprintf(value, sizeof value, "t%d-%u", w->id, w->seq);
  if (frb_header_set(g.r, "X-Shared", value) == FRB_OK)
    push(&w->ssets, w->seq);
}

static void op_shared_add(struct worker *w) {
  char value[32];

  if (atomic_fetch_add(&g.shared_adds, 1) >= MAX_SHARED_ADDS)
    return;
  snprintf(value, sizeof value, "a%d-%u", w->id, w->seq);
  if (frb_header_add(g.r, "x-shared-add", value) == FRB_OK)
    push(&w->sadds, w->seq);
}

/* "t<id>-<seq>" with nothing else: a torn or interleaved value fails. */
static int parse_tagged(const char *v, size_t n, char tag, int *id,
                        unsigned *seq) {
  char buf[64], end;

  if (n == 0 || n >= sizeof buf || v[0] != tag)
    return -1;
  memcpy(buf, v, n);
  buf[n] = '\0';
  if (sscanf(buf + 1, "%d-%u%c", id, seq, &end) != 2 || *id < 0 ||
      *id >= g.nthreads)
    return -1;
  return 0;
}

static void op_shared_get(struct worker *w) {
  char buf[64];
  int rc = frb_header_get(g.r, "X-SHARED", buf, sizeof buf), id;
  unsigned seq;

  if (rc >= 0 && parse_tagged(buf, (size_t)rc, 't', &id, &seq) != 0)
    failf("t%d: torn X-Shared '%s'", w->id, buf);
  else if (rc < 0 && rc != FRB_ENOTFOUND)
    failf("t%d: get X-Shared: %d", w->id, rc);
}

static void op_status(struct worker *w) {
  int code = codes[below(&w->rng, NCODES)], got;
  char reason[32];

  if (below(&w->rng, 4) == 0) {
    snprintf(reason, sizeof reason, "Custom %d", w->id);
    frb_set_status_reason(g.r, code, reason);
  } else {
    frb_set_status(g.r, code);
  }
  got = frb_get_status(g.r);
  for (size_t i = 0; i < NCODES; i++)
    if (got == codes[i])
      return;
  failf("t%d: status %d was never set", w->id, got);
}

static void op_write(struct worker *w) {
  char chunk[512];
  unsigned len = below(&w->rng, 400);
  int n =
      snprintf(chunk, sizeof chunk, "<T%02d:%06u:%04u|", w->id, w->seq, len);

  for (unsigned i = 0; i < len; i++)
    chunk[n + (int)i] = (char)('a' + (w->seq + i) % 26);
  chunk[n + (int)len] = '>';
  if (frb_write(g.r, chunk, (size_t)n + len + 1) == FRB_OK)
    push(&w->writes, w->seq);
}

/* flush and finish come only in the last tenth of the response's
 * operations, so that most of it is built while every thread is at it. */
static void one_op(struct worker *w, int late) {
  unsigned k = below(&w->rng, 1000);

  w->seq++;
  if (k < 150)
    op_owned(w);
  else if (k < 200)
    op_owned_del(w);
  else if (k < 300)
    op_owned_get(w);
  else if (k < 370)
    op_setf(w);
  else if (k < 400)
    op_add_owned(w);
  else if (k < 520)
    op_shared_set(w);
  else if (k < 560)
    op_shared_add(w);
  else if (k < 660)
    op_shared_get(w);
  else if (k < 720)
    op_status(w);
  else if (k < 800)
    op_owned(w);
  else if (k < 990)
    op_write(w);
  else if (late && k < 992)
    frb_flush_headers(g.r);
  else if (late && k < 993)
    frb_finish(g.r);
  else
    op_owned_get(w);
}

static void *worker_main(void *arg) {
  struct worker *w = arg;

  for (;;) {
    pthread_barrier_wait(&g.start);
    if (g.quit)
      return NULL;
    for (unsigned i = 0; i < w->nops; i++) {
      /* Two cores, 64 threads: yield now and then so that the threads'
       * operations interleave instead of running one thread at a time. */
      if (below(&w->rng, 32) == 0)
        sched_yield();
      one_op(w, atomic_fetch_add(&g.round_ops, 1) >= g.round_total / 10 * 9);
    }
    w->ops_total += w->nops;
    pthread_barrier_wait(&g.end);
  }
}

/* ---------------------------------------------------------- verification */

static int in_list(const struct list *l, unsigned v) {
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i] == v)
      return 1;
  return 0;
}

static void check_owned(const struct sp_head *h, const struct worker *w) {
  char name[16], expect[64];
  const struct sp_field *f;

  snprintf(name, sizeof name, "X-T%d", w->id);
  f = sp_find(h, name, 0);
  if (sp_count(h, name) > 1)
    failf("%s appears %zu times", name, sp_count(h, name));
  if (!w->owned[0] != !f ||
      (f && (f->value_len != strlen(w->owned) ||
             memcmp(f->value, w->owned, f->value_len) != 0)))
    failf("%s is '%.*s', its owner's last value '%s'", name,
          f ? (int)f->value_len : 0, f ? f->value : "", w->owned);
  snprintf(name, sizeof name, "X-F%d", w->id);
  f = sp_find(h, name, 0);
  if (!w->fval[0] != !f || (f && (f->value_len != strlen(w->fval) ||
                                  memcmp(f->value, w->fval, f->value_len))))
    failf("%s is '%.*s', expected '%s'", name, f ? (int)f->value_len : 0,
          f ? f->value : "", w->fval);
  snprintf(name, sizeof name, "X-M%d", w->id);
  if (sp_count(h, name) != w->madds.n)
    failf("%s: %zu lines, %zu accepted adds", name, sp_count(h, name),
          w->madds.n);
  for (size_t i = 0; i < w->madds.n && (f = sp_find(h, name, i)); i++) {
    snprintf(expect, sizeof expect, "m%d-%u", w->id, w->madds.v[i]);
    if (f->value_len != strlen(expect) ||
        memcmp(f->value, expect, f->value_len) != 0)
      failf("%s line %zu is '%.*s', expected '%s'", name, i, (int)f->value_len,
            f->value, expect);
  }
}

static void check_shared(const struct sp_head *h) {
  const struct sp_field *f = sp_find(h, "X-Shared", 0);
  size_t total = 0, i;
  unsigned seq, last[MAX_THREADS] = {0};
  int id;

  if (sp_count(h, "X-Shared") > 1)
    failf("X-Shared appears %zu times", sp_count(h, "X-Shared"));
  if (f && (parse_tagged(f->value, f->value_len, 't', &id, &seq) != 0 ||
            !in_list(&g.w[id].ssets, seq)))
    failf("X-Shared '%.*s' was never accepted", (int)f->value_len, f->value);
  if (!f) {
    for (i = 0; i < (size_t)g.nthreads; i++)
      if (g.w[i].ssets.n)
        failf("X-Shared missing though t%zu set it", i);
  }
  for (i = 0; i < (size_t)g.nthreads; i++)
    total += g.w[i].sadds.n;
  if (sp_count(h, "X-Shared-Add") != total)
    failf("X-Shared-Add: %zu lines, %zu accepted", sp_count(h, "X-Shared-Add"),
          total);
  for (i = 0; (f = sp_find(h, "X-Shared-Add", i)) != NULL; i++) {
    if (parse_tagged(f->value, f->value_len, 'a', &id, &seq) != 0 ||
        !in_list(&g.w[id].sadds, seq) || seq <= last[id])
      failf("X-Shared-Add '%.*s' torn, unknown or out of order",
            (int)f->value_len, f->value);
    else
      last[id] = seq;
  }
}

/* Decimal digits at p[0..n), or -1 (the body is not NUL-terminated, so no
 * sscanf). */
static long digits(const char *p, int n) {
  long v = 0;

  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9')
      return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

/* "<Tii:ssssss:llll|" */
static int chunk_header(const char *p, int *id, unsigned *seq, unsigned *len) {
  long i = digits(p + 2, 2), s = digits(p + 5, 6), l = digits(p + 12, 4);

  if (p[0] != '<' || p[1] != 'T' || p[4] != ':' || p[11] != ':' ||
      p[16] != '|' || i < 0 || s < 0 || l < 0)
    return -1;
  *id = (int)i;
  *seq = (unsigned)s;
  *len = (unsigned)l;
  return 0;
}

/* The body is a run of whole chunks; each thread's in its write order. */
static void check_body(const char *p, size_t n) {
  size_t next[MAX_THREADS] = {0};
  const char *end = p + n;

  while (p < end) {
    int id;
    unsigned seq, len;
    if (end - p < 17 || chunk_header(p, &id, &seq, &len) != 0 ||
        id >= g.nthreads || (size_t)(end - p) < 17u + len + 1 ||
        p[17 + len] != '>') {
      failf("body: no whole chunk at offset %zu: '%.*s'", n - (size_t)(end - p),
            end - p < 40 ? (int)(end - p) : 40, p);
      return;
    }
    for (unsigned i = 0; i < len; i++)
      if (p[17 + i] != (char)('a' + (seq + i) % 26)) {
        failf("body: chunk t%d:%u torn at byte %u", id, seq, i);
        return;
      }
    if (next[id] >= g.w[id].writes.n || g.w[id].writes.v[next[id]] != seq) {
      failf("body: chunk t%d:%u unexpected (accepted #%zu)", id, seq, next[id]);
      return;
    }
    next[id]++;
    g.chunks_checked++;
    p += 17 + len + 1;
  }
  for (int i = 0; i < g.nthreads; i++)
    if (next[i] != g.w[i].writes.n)
      failf("body: t%d had %zu writes accepted, %zu arrived", i,
            g.w[i].writes.n, next[i]);
}

static void verify_response(unsigned round) {
  struct sp_head h;
  char err[200];

  if (sp_parse(g.out, g.out_len, SP_BODY_IS_WHOLE, &h, err, sizeof err) != 0) {
    failf("response %u: strict parser: %s", round, err);
    return;
  }
  if (h.status != frb_get_status(g.r))
    failf("response %u: Status %d on the wire, %d in the response", round,
          h.status, frb_get_status(g.r));
  for (int i = 0; i < g.nthreads; i++)
    check_owned(&h, &g.w[i]);
  check_shared(&h);
  check_body(h.body, h.body_len);
  g.lines_checked += h.nfields + 1;
  g.bytes_checked += g.out_len;
  sp_head_free(&h);
}

/* ------------------------------------------------------------------ main */

static void prepare_round(unsigned long ops_this_round, unsigned round) {
  atomic_store(&g.shared_adds, 0);
  atomic_store(&g.round_ops, 0);
  g.round_total = ops_this_round - ops_this_round % (unsigned long)g.nthreads;
  g.out_len = 0;
  for (int i = 0; i < g.nthreads; i++) {
    struct worker *w = &g.w[i];
    w->nops = (unsigned)(ops_this_round / (unsigned long)g.nthreads);
    w->rng = g.seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1)) ^
             ((uint64_t)round << 40);
    next(&w->rng);
    w->owned[0] = w->fval[0] = '\0';
    w->madds.n = w->sadds.n = w->ssets.n = w->writes.n = 0;
  }
}

static void usage(void) {
  fputs("usage: stress [--seed N] [--ops N] [--threads N] [--long]\n", stderr);
  exit(2);
}

static void parse_args(int argc, char **argv) {
  const char *env = getenv("FRB_STRESS_SEED");
  const char *ops = getenv("FRB_STRESS_OPS"); /* check-valgrind: shorter */

  g.nthreads = 64;
  g.ops = ops ? strtoul(ops, NULL, 0) : 100000;
  g.seed = env ? strtoull(env, NULL, 0)
               : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--long") == 0)
      g.ops = 2000000;
    else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
      g.seed = strtoull(argv[++i], NULL, 0);
    else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc)
      g.ops = strtoul(argv[++i], NULL, 0);
    else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
      g.nthreads = atoi(argv[++i]);
    else
      usage();
  }
  if (g.nthreads < 1 || g.nthreads > MAX_THREADS || g.seed == 0)
    usage();
}

static void run_rounds(unsigned *rounds_out) {
  unsigned long done = 0;
  unsigned round = 0;
  uint64_t rng = g.seed;

  while (done < g.ops) {
    unsigned long n = 10000 + below(&rng, 30000);
    int rc;
    if (n > g.ops - done)
      n = g.ops - done;
    if (n < (unsigned long)g.nthreads)
      n = (unsigned long)g.nthreads;
    prepare_round(n, round);
    /* Mostly reuse the response, sometimes start from a fresh one. */
    if (round % 5 == 4) {
      frb_free(g.r);
      g.r = frb_new(sink, NULL);
    } else if (round > 0) {
      frb_reset(g.r, sink, NULL);
    }
    /* frb_reset keeps the limit; a new response needs it again. */
    if (!g.r || frb_set_limit(g.r, FRB_LIMIT_HEAD_BYTES, HEAD_LIMIT) != FRB_OK)
      abort();
    /* Two responses in three buffer the whole body; the third outgrows the
     * default buffer and streams while headers are still being set. */
    if (frb_set_limit(g.r, FRB_LIMIT_BODY_BUFFER,
                      round % 3 == 2 ? FRB_DEFAULT_BODY_BUFFER : BODY_LIMIT) !=
        FRB_OK)
      abort();
    pthread_barrier_wait(&g.start);
    pthread_barrier_wait(&g.end);
    rc = frb_finish(g.r);
    if (rc != FRB_OK && rc != FRB_ESENT)
      failf("response %u: finish: %s", round, frb_strerror(rc));
    verify_response(round);
    done += n - n % (unsigned long)g.nthreads;
    round++;
  }
  *rounds_out = round;
}

int main(int argc, char **argv) {
  unsigned long total = 0;
  unsigned rounds = 0;

  parse_args(argc, argv);
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("1..1\n# seed %" PRIu64 " (rerun: --seed %" PRIu64
         "), %d threads, %lu operations\n",
         g.seed, g.seed, g.nthreads, g.ops);
  if (!(g.r = frb_new(sink, NULL)))
    abort();
  pthread_barrier_init(&g.start, NULL, (unsigned)g.nthreads + 1);
  pthread_barrier_init(&g.end, NULL, (unsigned)g.nthreads + 1);
  for (int i = 0; i < g.nthreads; i++) {
    g.w[i].id = i;
    if (pthread_create(&g.w[i].th, NULL, worker_main, &g.w[i]) != 0)
      abort();
  }
  run_rounds(&rounds);
  g.quit = 1;
  pthread_barrier_wait(&g.start);
  for (int i = 0; i < g.nthreads; i++) {
    pthread_join(g.w[i].th, NULL);
    total += g.w[i].ops_total;
    free(g.w[i].madds.v);
    free(g.w[i].sadds.v);
    free(g.w[i].ssets.v);
    free(g.w[i].writes.v);
  }
  frb_free(g.r);
  free(g.out);
  pthread_barrier_destroy(&g.start);
  pthread_barrier_destroy(&g.end);
  printf("# verified %lu head lines, %lu write chunks, %lu bytes\n",
         g.lines_checked, g.chunks_checked, g.bytes_checked);
  printf("%s 1 - stress: %lu operations on %u responses from %d threads, "
         "seed %" PRIu64 "\n",
         atomic_load(&g.failed) ? "not ok" : "ok", total, rounds, g.nthreads,
         g.seed);
  return atomic_load(&g.failed) ? 1 : 0;
}
