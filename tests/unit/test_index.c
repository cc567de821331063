/* The head store's index (src/index.c, src/keys.c) against a plain linear
 * store: thousands of seeded random set/add/del/get and cookie sets, with
 * names in several spellings, compared by the wire bytes after every step;
 * and the rules of frb_header_set(3), frb_header_del(3) and
 * frb_cookie_add(3) that the index must keep: first spelling and
 * insertion order, deletion, reset.  Built twice: as is, and with
 * -DFRB_INDEX_TEST_HASH, which sends every key to the same probe start so
 * that every lookup and deletion goes through collisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "internal.h"
#include "head_steps.h"

#define MODEL_MAX 512

struct line {
  char name[32];
  char value[32];
};

struct model {
  struct line l[MODEL_MAX];
  int n;
};

static int fold_eq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if ((*a | 0x20) != (*b | 0x20))
      return 0;
  return *a == *b;
}

static int single(const char *name) {
  return fold_eq(name, "Content-Type") || fold_eq(name, "Location") ||
         fold_eq(name, "Content-Length");
}

/* Does line i match: the name, and with a cookie name, "cookie=" too. */
static int m_match(const struct model *m, int i, const char *name,
                   const char *cookie) {
  size_t c = cookie ? strlen(cookie) : 0;

  if (!fold_eq(m->l[i].name, name))
    return 0;
  return !cookie ||
         (strncmp(m->l[i].value, cookie, c) == 0 && m->l[i].value[c] == '=');
}

static int m_first(const struct model *m, const char *name,
                   const char *cookie) {
  for (int i = 0; i < m->n; i++)
    if (m_match(m, i, name, cookie))
      return i;
  return -1;
}

static void m_remove(struct model *m, int i) {
  memmove(&m->l[i], &m->l[i + 1], (size_t)(m->n - i - 1) * sizeof m->l[0]);
  m->n--;
}

static void m_append(struct model *m, const char *name, const char *value) {
  assert_true(m->n < MODEL_MAX);
  snprintf(m->l[m->n].name, sizeof m->l[0].name, "%s", name);
  snprintf(m->l[m->n].value, sizeof m->l[0].value, "%s", value);
  m->n++;
}

static int m_set(struct model *m, const char *name, const char *value,
                 const char *cookie) {
  int first = m_first(m, name, cookie);

  if (first < 0) {
    m_append(m, name, value);
    return FRB_OK;
  }
  for (int j = m->n - 1; j > first; j--)
    if (m_match(m, j, name, cookie))
      m_remove(m, j);
  snprintf(m->l[first].value, sizeof m->l[0].value, "%s", value);
  return FRB_OK;
}

static int m_add(struct model *m, const char *name, const char *value) {
  int first = m_first(m, name, NULL);

  if (first >= 0 && single(name))
    return FRB_EINVAL;
  m_append(m, first >= 0 ? m->l[first].name : name, value);
  return FRB_OK;
}

static int m_del(struct model *m, const char *name) {
  int found = 0;

  for (int j = m->n - 1; j >= 0; j--)
    if (m_match(m, j, name, NULL)) {
      m_remove(m, j);
      found = 1;
    }
  return found ? FRB_OK : FRB_ENOTFOUND;
}

static void expect_model(const struct frb_head *h, const struct model *m) {
  static char want[MODEL_MAX * 72];
  size_t len = 0;

  for (int i = 0; i < m->n; i++)
    len +=
        (size_t)sprintf(want + len, "%s: %s\r\n", m->l[i].name, m->l[i].value);
  expect_bytes("fields", h->buf + h->status_len, h->len - h->status_len, want,
               len);
  assert_int_equal(h->nfields, m->n);
}

static struct frb_field_arg arg(const char *name, const char *value) {
  struct frb_field_arg a;

  assert_int_equal(frb__check_name(name, &a), FRB_OK);
  assert_int_equal(frb__check_value(value, &a), FRB_OK);
  return a;
}

static const char *const names[] = {"A",
                                    "a",
                                    "B",
                                    "X-Long-Name-Over-8-Bytes",
                                    "x-long-name-over-8-bytes",
                                    "Vary",
                                    "VARY",
                                    "Set-Cookie",
                                    "set-cookie",
                                    "SET-COOKIE",
                                    "Content-Type",
                                    "content-type",
                                    "Location",
                                    "X-Q",
                                    "x-q",
                                    "X-R"};
static const char *const values[] = {
    "1",  "22",   "a=1",   "a=22", "b=1",  "b=",
    "=x", "noeq", "c=3;x", "",     "a=1b", "long-value-of-some-bytes"};
static const char *const cookies[] = {"a", "b", "c", "A"};

struct ixf {
  struct frb_head h;
  struct model m;
};

static int setup(void **state) {
  struct ixf *f = calloc(1, sizeof *f);

  if (!f || frb__head_init(&f->h) != FRB_OK)
    return -1;
  frb__head_set_limit(&f->h, FRB_MAX_HEAD_BYTES);
  frb__head_set_max_lines(&f->h, UINT32_MAX);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct ixf *f = *state;

  frb__head_free(&f->h);
  free(f);
  return 0;
}

#define PICK(arr) arr[rand() % (int)(sizeof arr / sizeof arr[0])]

/* One random step on both stores; returns nothing, asserts agreement. */
static void random_step(struct ixf *f) {
  const char *name = PICK(names), *value = PICK(values);
  struct frb_field_arg a = arg(name, value);
  char cv[40], got[64];
  int op = rand() % 10, rc, mrc;

  if (op < 3) {
    rc = with_room(&f->h, &a, frb__head_set);
    mrc = m_set(&f->m, name, value, NULL);
  } else if (op < 6) {
    rc = with_room(&f->h, &a, frb__head_add);
    mrc = m_add(&f->m, name, value);
  } else if (op < 7) {
    rc = frb__head_del(&f->h, &a);
    mrc = m_del(&f->m, name);
  } else if (op < 9) { /* frb_cookie_add's set: one line per cookie name */
    const char *c = PICK(cookies);
    snprintf(cv, sizeof cv, "%s=%s", c, rand() % 2 ? "v" : "vv; Path=/");
    a = *frb__known_arg(FRB_KIND_SET_COOKIE);
    a.value = cv;
    a.value_len = (uint32_t)strlen(cv);
    a.match_len = (uint32_t)strlen(c) + 1;
    a.chash = frb__bytes_hash(c, a.match_len - 1);
    rc = with_room(&f->h, &a, frb__head_set);
    mrc = m_set(&f->m, "Set-Cookie", cv, c);
  } else {
    int i = m_first(&f->m, name, NULL);
    rc = frb__head_get(&f->h, &a, got, sizeof got);
    mrc = i < 0 ? FRB_ENOTFOUND : (int)strlen(f->m.l[i].value);
    if (i >= 0)
      assert_string_equal(got, f->m.l[i].value);
  }
  assert_int_equal(rc, mrc);
}

static void test_random_ops_match_linear_model(void **state) {
  struct ixf *f = *state;

  for (unsigned seed = 1; seed <= 40; seed++) {
    srand(seed);
    frb__head_start(&f->h); /* a reset between seeds: the index empties */
    f->m.n = 0;
    for (int step = 0; step < 400; step++) {
      random_step(f);
      if (f->m.n > MODEL_MAX - 4)
        break;
      expect_model(&f->h, &f->m);
    }
  }
}

/* Many distinct names: the table grows (rebuilt in frb__head_adopt) and
 * deletions from the front shift every later line's position. */
static void test_many_names_grow_delete_and_keep_order(void **state) {
  struct ixf *f = *state;
  char name[32];
  struct frb_field_arg a;

  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "X-N%d", i);
    a = arg(name, "v");
    assert_int_equal(with_room(&f->h, &a, frb__head_set), FRB_OK);
    m_set(&f->m, name, "v", NULL);
  }
  expect_model(&f->h, &f->m);
  for (int i = 0; i < 300; i += 3) {
    snprintf(name, sizeof name, "x-n%d", i);
    a = arg(name, "");
    assert_int_equal(frb__head_del(&f->h, &a), FRB_OK);
    m_del(&f->m, name);
    assert_int_equal(frb__head_del(&f->h, &a), FRB_ENOTFOUND);
  }
  expect_model(&f->h, &f->m);
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "X-n%d", i);
    a = arg(name, "w");
    assert_int_equal(with_room(&f->h, &a, frb__head_set), FRB_OK);
    m_set(&f->m, name, "w", NULL);
  }
  expect_model(&f->h, &f->m);
}

/* After a reset nothing of the old head is found, and names come back in
 * their new spelling and order. */
static void test_reset_empties_index(void **state) {
  struct ixf *f = *state;
  struct frb_field_arg a = arg("X-Old", "1"), b = arg("x-old", "2");
  char got[8];

  assert_int_equal(with_room(&f->h, &a, frb__head_set), FRB_OK);
  frb__head_start(&f->h);
  assert_int_equal(frb__head_get(&f->h, &a, got, sizeof got), FRB_ENOTFOUND);
  assert_int_equal(frb__head_del(&f->h, &a), FRB_ENOTFOUND);
  assert_int_equal(with_room(&f->h, &b, frb__head_add), FRB_OK);
  m_add(&f->m, "x-old", "2");
  expect_model(&f->h, &f->m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_random_ops_match_linear_model, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_many_names_grow_delete_and_keep_order, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reset_empties_index, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
