/* frb_threads(7) under real concurrency: many threads on ONE response,
 * one head sent once, the body after it.  Sizes are chosen so that the whole
 * file runs in about a second plainly and stays quick under ThreadSanitizer. */
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lock.h"
#include "util.h"

#define CT_DEFAULT "Content-Type: text/plain; charset=utf-8\r\n"

static void start_threads(pthread_t *t, size_t n, void *(*fn)(void *),
                          void *args, size_t arg_size) {
  for (size_t i = 0; i < n; i++)
    assert_int_equal(
        pthread_create(&t[i], NULL, fn, (char *)args + i * arg_size), 0);
}

static void join_threads(pthread_t *t, size_t n) {
  for (size_t i = 0; i < n; i++)
    assert_int_equal(pthread_join(t[i], NULL), 0);
}

/* ------------------------------------ (a) own headers from 16 threads */

#define OWN_THREADS 16
#define OWN_SETS 40
#define OWN_ADDS 25

struct own_arg {
  frb_response *r;
  pthread_barrier_t *start;
  int k;
  int errors; /* calls that did not return what they should */
};

static void *own_headers(void *p) {
  struct own_arg *a = p;
  char set_name[32], add_name[32], value[64], got[64];

  snprintf(set_name, sizeof set_name, "X-T%d-Set", a->k);
  snprintf(add_name, sizeof add_name, "X-T%d-Add", a->k);
  pthread_barrier_wait(a->start);
  for (int i = 0; i < OWN_SETS; i++) {
    /* Changing lengths make every set move the lines after it. */
    snprintf(value, sizeof value, "t%d-set%d-%.*s", a->k, i, i % 23,
             "pppppppppppppppppppppppppp");
    a->errors += frb_header_set(a->r, set_name, value) != FRB_OK;
    /* Nobody else touches this name: we must read back what we wrote. */
    a->errors +=
        frb_header_get(a->r, set_name, got, sizeof got) != (int)strlen(value) ||
        strcmp(got, value) != 0;
    if (i < OWN_ADDS) {
      snprintf(value, sizeof value, "t%d:%d", a->k, i);
      a->errors += frb_header_add(a->r, add_name, value) != FRB_OK;
    }
  }
  a->errors += frb_header_setf(a->r, set_name, "final-%d", a->k) != FRB_OK;
  return NULL;
}

static void test_threads_set_add_own_headers_exact_head(void **state) {
  struct fixture *f = *state;
  pthread_t t[OWN_THREADS];
  struct own_arg args[OWN_THREADS];
  pthread_barrier_t start;
  struct parsed p;
  char name[32], want[64];

  /* Hundreds of fields: not the field count under test here. */
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_FIELDS, 10000), FRB_OK);

  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 1 << 20), FRB_OK);
  pthread_barrier_init(&start, NULL, OWN_THREADS);
  for (int k = 0; k < OWN_THREADS; k++)
    args[k] = (struct own_arg){f->r, &start, k, 0};
  start_threads(t, OWN_THREADS, own_headers, args, sizeof args[0]);
  join_threads(t, OWN_THREADS);
  pthread_barrier_destroy(&start);
  for (int k = 0; k < OWN_THREADS; k++)
    assert_int_equal(args[k].errors, 0);
  finish_ok(f->r);

  parse_or_fail(&f->s, &p);
  assert_int_equal(p.status, 200);
  assert_string_equal(p.reason, "OK");
  assert_int_equal(p.nfields, OWN_THREADS * (1 + OWN_ADDS) + 1);
  assert_string_equal(p.fields[p.nfields - 1].name, "Content-Length");
  assert_string_equal(p.fields[p.nfields - 1].value, "0");
  assert_int_equal(p.body_len, 0);
  for (int k = 0; k < OWN_THREADS; k++) {
    snprintf(name, sizeof name, "X-T%d-Set", k);
    snprintf(want, sizeof want, "final-%d", k);
    assert_int_equal(count_field(&p, name), 1);
    assert_string_equal(field_value(&p, name, 0), want);
    snprintf(name, sizeof name, "X-T%d-Add", k);
    assert_int_equal(count_field(&p, name), OWN_ADDS);
    for (int i = 0; i < OWN_ADDS; i++) {
      snprintf(want, sizeof want, "t%d:%d", k, i);
      assert_string_equal(field_value(&p, name, (size_t)i), want);
    }
  }
  parsed_free(&p);
}

/* ----------------------------------------- (b) exactly one flush wins */

#define RACE_THREADS 8
#define RACE_ROUNDS 1000

struct race {
  frb_response *r;
  pthread_barrier_t start, done;
  int use_finish; /* this round: every thread calls frb_finish */
  int rc[RACE_THREADS];
};

struct race_arg {
  struct race *race;
  int k;
};

static void *racer(void *p) {
  struct race_arg *a = p;
  struct race *race = a->race;

  for (int round = 0; round < RACE_ROUNDS; round++) {
    pthread_barrier_wait(&race->start);
    race->rc[a->k] =
        race->use_finish ? frb_finish(race->r) : frb_flush_headers(race->r);
    pthread_barrier_wait(&race->done);
  }
  return NULL;
}

static void test_threads_flush_race_exactly_one_winner(void **state) {
  struct fixture *f = *state;
  pthread_t t[RACE_THREADS];
  struct race_arg args[RACE_THREADS];
  struct race race;
  char want[256];

  race.r = f->r;
  pthread_barrier_init(&race.start, NULL, RACE_THREADS + 1);
  pthread_barrier_init(&race.done, NULL, RACE_THREADS + 1);
  for (int k = 0; k < RACE_THREADS; k++)
    args[k] = (struct race_arg){&race, k};
  start_threads(t, RACE_THREADS, racer, args, sizeof args[0]);
  for (int round = 0; round < RACE_ROUNDS; round++) {
    int ok = 0, sent = 0;

    sink_clear(&f->s);
    assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
    assert_int_equal(frb_header_setf(f->r, "X-Round", "%d", round), FRB_OK);
    race.use_finish = round % 2;
    pthread_barrier_wait(&race.start);
    pthread_barrier_wait(&race.done);
    for (int k = 0; k < RACE_THREADS; k++) {
      ok += race.rc[k] == FRB_OK;
      sent += race.rc[k] == FRB_ESENT;
    }
    if (ok != 1 || sent != RACE_THREADS - 1)
      fail_msg("round %d: %d winners, %d ESENT", round, ok, sent);
    snprintf(want, sizeof want, "Status: 200 OK\r\nX-Round: %d\r\n%s\r\n",
             round, race.use_finish ? "Content-Length: 0\r\n" : CT_DEFAULT);
    assert_int_equal(f->s.writes, 1);
    expect_sink(&f->s, want);
  }
  join_threads(t, RACE_THREADS);
  pthread_barrier_destroy(&race.start);
  pthread_barrier_destroy(&race.done);
}

/* ------------------------------ (c) concurrent writes stay contiguous */

#define W_THREADS 6
#define W_CHUNKS 60

/* A chunk: "[" thread letter, 2-digit index, ":" then 'a'+k repeated, "]".
 * Sizes vary so that the buffer (64 KiB) overflows mid-race: the first
 * writes are held back, the rest are streamed. */
static size_t chunk_len(int k, int i) {
  return 5 + (size_t)((k * 131 + i * 71) % 900) + 1;
}

static void make_chunk(char *buf, int k, int i) {
  size_t n = chunk_len(k, i);

  snprintf(buf, 5, "[%c%02d", 'A' + k, i);
  buf[4] = ':';
  memset(buf + 5, 'a' + k, n - 6);
  buf[n - 1] = ']';
}

struct writer_arg {
  frb_response *r;
  pthread_barrier_t *start;
  int k;
  int errors;
};

static void *writer(void *p) {
  struct writer_arg *a = p;
  char buf[1024];

  pthread_barrier_wait(a->start);
  for (int i = 0; i < W_CHUNKS; i++) {
    make_chunk(buf, a->k, i);
    a->errors += frb_write(a->r, buf, chunk_len(a->k, i)) != FRB_OK;
    if (a->k == 0 && i == W_CHUNKS / 2) {
      int rc = frb_header_set(a->r, "X-Late", "1");
      a->errors += rc != FRB_OK && rc != FRB_ESENT;
    }
  }
  return NULL;
}

static void test_threads_concurrent_writes_contiguous_head_first(void **state) {
  struct fixture *f = *state;
  pthread_t t[W_THREADS];
  struct writer_arg args[W_THREADS];
  pthread_barrier_t start;
  struct parsed p;
  int next[W_THREADS] = {0};
  size_t total = 0, off = 0;
  char want[1024];

  pthread_barrier_init(&start, NULL, W_THREADS);
  for (int k = 0; k < W_THREADS; k++) {
    args[k] = (struct writer_arg){f->r, &start, k, 0};
    for (int i = 0; i < W_CHUNKS; i++)
      total += chunk_len(k, i);
  }
  assert_true(total > FRB_DEFAULT_BODY_BUFFER); /* both modes are exercised */
  start_threads(t, W_THREADS, writer, args, sizeof args[0]);
  join_threads(t, W_THREADS);
  pthread_barrier_destroy(&start);
  for (int k = 0; k < W_THREADS; k++)
    assert_int_equal(args[k].errors, 0);
  finish_ok(f->r);

  parse_or_fail(&f->s, &p);
  assert_int_equal(p.status, 200);
  assert_int_equal(count_field(&p, "Content-Length"), 0); /* it streamed */
  assert_int_equal(count_field(&p, "Content-Type"), 1);
  assert_int_equal(p.body_len, total);
  /* Walk the body: every chunk whole, each thread's chunks in order. */
  while (off < p.body_len) {
    int k = p.body[off + 1] - 'A', i;

    if (p.body[off] != '[' || k < 0 || k >= W_THREADS)
      fail_msg("no chunk starts at body offset %zu", off);
    i = next[k]++;
    assert_true(i < W_CHUNKS);
    make_chunk(want, k, i);
    expect_bytes("chunk", p.body + off,
                 chunk_len(k, i) <= p.body_len - off ? chunk_len(k, i)
                                                     : p.body_len - off,
                 want, chunk_len(k, i));
    off += chunk_len(k, i);
  }
  for (int k = 0; k < W_THREADS; k++)
    assert_int_equal(next[k], W_CHUNKS);
  parsed_free(&p);
}

/* ------------------------------------- (d) mutations racing a flush */

#define M_THREADS 6
#define M_ROUNDS 20
#define M_MAX_OPS 150

struct mut_arg {
  frb_response *r;
  pthread_barrier_t *start;
  atomic_int *ops;
  int k;
  int added;   /* X-M<k>-<i> for i < added: set/add returned FRB_OK */
  int refused; /* the first set/add that returned FRB_ESENT, or -1 */
  int errors;  /* a return other than FRB_OK / FRB_ESENT */
};

static int ok_or_sent(int rc) {
  return rc == FRB_OK || rc == FRB_ESENT;
}

static void *mutator(void *p) {
  struct mut_arg *a = p;
  char name[32], value[32];

  a->added = 0;
  a->refused = -1;
  pthread_barrier_wait(a->start);
  for (int i = 0; i < M_MAX_OPS; i++) {
    int rc;

    snprintf(name, sizeof name, "X-M%d-%d", a->k, i);
    snprintf(value, sizeof value, "v%d.%d", a->k, i);
    /* A set of a new name appends just like an add: use both. */
    rc = i % 2 ? frb_header_add(a->r, name, value)
               : frb_header_set(a->r, name, value);
    if (rc == FRB_ESENT) {
      a->refused = i;
      break;
    }
    a->errors += rc != FRB_OK || a->added != i;
    a->added++;
    /* Churn that must not disturb the added fields. */
    a->errors +=
        !ok_or_sent(frb_header_setf(a->r, "X-Shared", "s%d.%d", a->k, i));
    a->errors += !ok_or_sent(frb_header_set(a->r, "X-Tmp", "tmp"));
    a->errors += !ok_or_sent(frb_header_add(a->r, "X-Tmp", "tmp2"));
    rc = frb_header_del(a->r, "X-Tmp");
    a->errors += !ok_or_sent(rc) && rc != FRB_ENOTFOUND;
    snprintf(value, sizeof value, "T%d", a->k);
    a->errors += !ok_or_sent(frb_set_status_reason(a->r, 210 + a->k, value));
    atomic_fetch_add(a->ops, 1);
  }
  return NULL;
}

static void check_mutation_round(struct sink *s, struct mut_arg *args) {
  struct parsed p;
  char name[32], want[32];

  parse_or_fail(s, &p);
  /* The status line comes from one call, code and reason together. */
  snprintf(want, sizeof want, "T%d", p.status - 210); /* not 204 */
  if (!(p.status == 200 && strcmp(p.reason, "OK") == 0))
    assert_string_equal(p.reason, want);
  for (int k = 0; k < M_THREADS; k++) {
    /* Every set/add that returned FRB_OK is there, once; the refused one
     * is not. */
    for (int i = 0; i < args[k].added; i++) {
      snprintf(name, sizeof name, "X-M%d-%d", k, i);
      snprintf(want, sizeof want, "v%d.%d", k, i);
      assert_int_equal(count_field(&p, name), 1);
      assert_string_equal(field_value(&p, name, 0), want);
    }
    snprintf(name, sizeof name, "X-M%d-%d", k, args[k].added);
    assert_int_equal(count_field(&p, name), 0);
    assert_int_equal(args[k].errors, 0);
  }
  assert_true(count_field(&p, "X-Shared") <= 1);
  for (size_t i = 0; i < count_field(&p, "X-Tmp"); i++)
    assert_true(strcmp(field_value(&p, "X-Tmp", i), "tmp") == 0 ||
                strcmp(field_value(&p, "X-Tmp", i), "tmp2") == 0);
  assert_int_equal(count_field(&p, "Content-Type"), 1);
  parsed_free(&p);
}

static void test_threads_mutations_racing_flush_ok_or_esent(void **state) {
  struct fixture *f = *state;
  pthread_t t[M_THREADS];
  struct mut_arg args[M_THREADS];
  pthread_barrier_t start;
  atomic_int ops;

  /* Hundreds of fields: not the field count under test here. */
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_FIELDS, 10000), FRB_OK);

  for (int round = 0; round < M_ROUNDS; round++) {
    sink_clear(&f->s);
    assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
    assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 1 << 20),
                     FRB_OK);
    atomic_init(&ops, 0);
    pthread_barrier_init(&start, NULL, M_THREADS + 1);
    for (int k = 0; k < M_THREADS; k++)
      args[k] = (struct mut_arg){f->r, &start, &ops, k, 0, -1, 0};
    start_threads(t, M_THREADS, mutator, args, sizeof args[0]);
    pthread_barrier_wait(&start);
    /* Flush while they work: after a number of operations that varies
     * with the round, no clock involved. */
    while (atomic_load(&ops) < 10 + round * 20)
      sched_yield();
    assert_int_equal(frb_flush_headers(f->r), FRB_OK);
    join_threads(t, M_THREADS);
    pthread_barrier_destroy(&start);
    assert_int_equal(f->s.writes, 1);
    check_mutation_round(&f->s, args);
  }
}

/* ---------------------------------------------- (2) the lock and I/O */

struct reentrant {
  frb_response *r;
  struct sink s;
  int calls;
  int errors;
};

/* Runs inside the sink, i.e. while the head is being written: the header
 * lock must not be held across I/O, or these calls would spin forever. */
static int reentrant_sink(void *ctx, const void *buf, size_t len) {
  struct reentrant *re = ctx;
  char got[16];

  re->calls++;
  re->errors += frb_header_set(re->r, "X-In-Sink", "1") != FRB_ESENT;
  re->errors += frb_header_get(re->r, "X-Before", got, sizeof got) != 1;
  re->errors += frb_get_status(re->r) != 200;
  re->errors += frb_headers_sent(re->r) != 1;
  return sink_write(&re->s, buf, len);
}

static void test_lock_not_held_during_sink_io(void **state) {
  struct reentrant re = {0};

  (void)state;
  sink_init(&re.s);
  re.r = frb_new(reentrant_sink, &re);
  assert_non_null(re.r);
  assert_int_equal(frb_header_set(re.r, "X-Before", "b"), FRB_OK);
  assert_int_equal(frb_write(re.r, "x", 1), FRB_OK);
  finish_ok(re.r);
  assert_int_equal(re.calls, 2);
  assert_int_equal(re.errors, 0);
  expect_sink(&re.s, "Status: 200 OK\r\nX-Before: b\r\n" CT_DEFAULT
                     "Content-Length: 1\r\n\r\nx");
  frb_free(re.r);
  sink_destroy(&re.s);
}

#define MANY_THREADS 64
#define MANY_OPS 60

struct many_arg {
  frb_response *r;
  int k;
  int errors;
};

/* Far more threads than cores on one hot field: a lock that never yields
 * would let spinning threads starve a preempted holder. */
static void *many(void *p) {
  struct many_arg *a = p;
  char v[16], got[16];

  for (int i = 0; i < MANY_OPS; i++) {
    snprintf(v, sizeof v, "%d-%d", a->k, i);
    a->errors += frb_header_set(a->r, "X-Hot", v) != FRB_OK;
    a->errors += frb_header_get(a->r, "X-Hot", got, sizeof got) < 3;
  }
  return NULL;
}

static void test_lock_many_more_threads_than_cores_progress(void **state) {
  struct fixture *f = *state;
  pthread_t t[MANY_THREADS];
  struct many_arg args[MANY_THREADS];
  struct parsed p;

  for (int k = 0; k < MANY_THREADS; k++)
    args[k] = (struct many_arg){f->r, k, 0};
  start_threads(t, MANY_THREADS, many, args, sizeof args[0]);
  join_threads(t, MANY_THREADS);
  for (int k = 0; k < MANY_THREADS; k++)
    assert_int_equal(args[k].errors, 0);
  finish_ok(f->r);
  parse_or_fail(&f->s, &p);
  assert_int_equal(p.nfields, 2);
  assert_int_equal(count_field(&p, "X-Hot"), 1);
  /* The last value of some thread. */
  assert_non_null(strstr(field_value(&p, "X-Hot", 0), "-59"));
  parsed_free(&p);
}

/* ------------------- (g) a no-body status racing the first streamed write */

#define NB_ROUNDS 5000

/* 'make check-valgrind' asks for fewer rounds (FRB_RACE_ROUNDS): memcheck
 * runs one thread at a time, so each busy-wait below lasts a time slice
 * there, and memcheck looks for memory errors, not for races. */
static int nobody_rounds(void) {
  const char *s = getenv("FRB_RACE_ROUNDS");
  int n = s ? atoi(s) : 0;

  return n > 0 ? n : NB_ROUNDS;
}

struct nobody_race {
  frb_response *r;
  pthread_barrier_t start, done;
  int code;      /* 204, 205 or 304 this round */
  int status_rc; /* frb_set_status's answer */
  int stop;
  atomic_int ready;
};

static void *nobody_status(void *p) {
  struct nobody_race *n = p;

  for (;;) {
    pthread_barrier_wait(&n->start);
    if (n->stop)
      return NULL;
    /* Both sides leave the barrier at different moments: meet on a flag
     * so that the two calls really overlap.  The yield costs nothing with
     * a core each, and lets the other side run where there is one core
     * (memcheck runs one thread at a time). */
    atomic_fetch_add(&n->ready, 1);
    while (atomic_load(&n->ready) < 2)
      sched_yield();
    n->status_rc = frb_set_status(n->r, n->code);
    pthread_barrier_wait(&n->done);
  }
}

/* With the body buffer at 0 every write streams, so the head is claimed by
 * the write itself: whichever call wins, a head that says 204/205/304 must
 * never be followed by body bytes, and a write that returned FRB_OK must
 * have sent its bytes under a status that allows them. */
static void test_threads_nobody_status_racing_first_write(void **state) {
  struct fixture *f = *state;
  static const int codes[] = {204, 205, 304};
  struct nobody_race n = {.r = f->r};
  pthread_t t;
  int bad = 0, rounds = nobody_rounds();

  pthread_barrier_init(&n.start, NULL, 2);
  pthread_barrier_init(&n.done, NULL, 2);
  assert_int_equal(pthread_create(&t, NULL, nobody_status, &n), 0);
  for (int round = 0; round < rounds; round++) {
    struct parsed p;
    int wrc;

    sink_clear(&f->s);
    assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
    assert_int_equal(
        frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, round % 2 ? 0 : 4), FRB_OK);
    n.code = codes[round % 3];
    atomic_store(&n.ready, 0);
    pthread_barrier_wait(&n.start);
    atomic_fetch_add(&n.ready, 1);
    while (atomic_load(&n.ready) < 2)
      sched_yield();
    wrc = frb_write(f->r, "body!", 5);
    pthread_barrier_wait(&n.done);
    frb_finish(f->r);
    parse_or_fail(&f->s, &p);
    if ((p.status == n.code && p.body_len > 0) ||
        (wrc == FRB_OK && (p.status == n.code || p.body_len != 5)) ||
        (wrc != FRB_OK && n.status_rc != FRB_OK)) {
      if (bad++ < 3)
        print_message(
            "round %d: status %d (set %d), write %d, %zu body bytes\n", round,
            p.status, n.status_rc, wrc, p.body_len);
    }
    parsed_free(&p);
  }
  n.stop = 1;
  pthread_barrier_wait(&n.start);
  assert_int_equal(pthread_join(t, NULL), 0);
  pthread_barrier_destroy(&n.start);
  pthread_barrier_destroy(&n.done);
  if (bad)
    fail_msg("%d of %d rounds broke the no-body rule", bad, rounds);
}

/* ------------------- (h) the header lock parks long waits on a futex */

#if defined(__linux__) && !defined(FRB_LOCK_OVERRIDE)
static void sleep_us(long us) {
  struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
  nanosleep(&ts, NULL);
}

struct parker {
  frb__lock_t *l;
  atomic_int done;
};

static void *take_once(void *p) {
  struct parker *k = p;

  frb__lock(k->l);
  frb__unlock(k->l);
  atomic_store(&k->done, 1);
  return NULL;
}

/* Bounded: a lost wake-up fails the test instead of hanging it. */
static int wait_for(atomic_int *flag, atomic_int *word, int want, int ms) {
  for (int i = 0; i < ms; i++) {
    if ((flag && atomic_load(flag)) || (word && atomic_load(word) == want))
      return 1;
    sleep_us(1000);
  }
  return 0;
}

/* A waiter that outlasts its spin budget sleeps on the futex (the word
 * says 2) instead of staying runnable, and the holder's unlock wakes it. */
static void test_lock_long_wait_parks_and_unlock_wakes(void **state) {
  frb__lock_t l;
  struct parker k = {&l, 0};
  pthread_t t;

  (void)state;
  frb__lock_init(&l);
  frb__lock(&l);
  assert_int_equal(pthread_create(&t, NULL, take_once, &k), 0);
  if (!wait_for(NULL, &l.word, 2, 5000))
    fail_msg("the waiter never parked (lock word %d)", atomic_load(&l.word));
  assert_int_equal(atomic_load(&k.done), 0);
  frb__unlock(&l);
  if (!wait_for(&k.done, NULL, 0, 5000))
    fail_msg("the parked waiter was not woken by unlock");
  assert_int_equal(pthread_join(t, NULL), 0);
  assert_int_equal(atomic_load(&l.word), 0);
  frb__lock_destroy(&l);
}

#define CHURN_THREADS 8
#define CHURN_ITERS 2000

struct churn {
  frb__lock_t l;
  long count; /* guarded by l, plain on purpose: TSan checks the exclusion */
  int parked; /* unlocks that found a parked waiter, guarded by l */
  atomic_int finished;
};

/* Every 100th holder sleeps in the lock, long past the waiters' spin budget,
 * so that parking and waking happen all through the run. */
static void *churn_worker(void *p) {
  struct churn *c = p;

  for (int i = 0; i < CHURN_ITERS; i++) {
    frb__lock(&c->l);
    c->count++;
    if (i % 100 == 0)
      sleep_us(200);
    c->parked += atomic_load_explicit(&c->l.word, memory_order_relaxed) == 2;
    frb__unlock(&c->l);
  }
  atomic_fetch_add(&c->finished, 1);
  return NULL;
}

static void test_lock_park_churn_exact_count_no_lost_wakeup(void **state) {
  static struct churn c;
  pthread_t t[CHURN_THREADS];
  int ms = 0;

  (void)state;
  frb__lock_init(&c.l);
  for (int i = 0; i < CHURN_THREADS; i++)
    assert_int_equal(pthread_create(&t[i], NULL, churn_worker, &c), 0);
  while (atomic_load(&c.finished) < CHURN_THREADS && ms++ < 60000)
    sleep_us(1000);
  if (atomic_load(&c.finished) < CHURN_THREADS)
    fail_msg("%d of %d threads still waiting after 60 s: a lost wake-up",
             CHURN_THREADS - atomic_load(&c.finished), CHURN_THREADS);
  for (int i = 0; i < CHURN_THREADS; i++)
    assert_int_equal(pthread_join(t[i], NULL), 0);
  assert_int_equal(c.count, (long)CHURN_THREADS * CHURN_ITERS);
  /* Otherwise the run never took the wake path it is meant to check. */
  assert_true(c.parked > 0);
  assert_int_equal(atomic_load(&c.l.word), 0);
  frb__lock_destroy(&c.l);
}
#else
static void test_lock_long_wait_parks_and_unlock_wakes(void **state) {
  (void)state;
  skip(); /* elsewhere a long wait yields the CPU: nothing parks */
}

static void test_lock_park_churn_exact_count_no_lost_wakeup(void **state) {
  (void)state;
  skip();
}
#endif

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_threads_set_add_own_headers_exact_head),
      T(test_threads_flush_race_exactly_one_winner),
      T(test_threads_concurrent_writes_contiguous_head_first),
      T(test_threads_mutations_racing_flush_ok_or_esent),
      cmocka_unit_test(test_lock_not_held_during_sink_io),
      T(test_lock_many_more_threads_than_cores_progress),
      T(test_threads_nobody_status_racing_first_write),
      cmocka_unit_test(test_lock_long_wait_parks_and_unlock_wakes),
      cmocka_unit_test(test_lock_park_churn_exact_count_no_lost_wakeup),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
