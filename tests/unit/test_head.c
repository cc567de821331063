/* The head store (src/head.h) alone, with no lock and no sink: the rules of
 * frb_header_set(3), frb_header_add(3), frb_header_del(3),
 * frb_header_get(3), frb_set_status(3), frb_redirect(3) and frb_finish(3)
 * that the store owns: wire form, order and spelling, single-valued
 * fields, the head limit, room requests that change nothing, and the
 * fields a flush adds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "internal.h"
#include "head_steps.h"

static struct frb_field_arg field(const char *name, const char *value) {
  struct frb_field_arg a;

  assert_int_equal(frb__check_name(name, &a), FRB_OK);
  assert_int_equal(frb__check_value(value, &a), FRB_OK);
  return a;
}

static int set(struct frb_head *h, const char *name, const char *value) {
  struct frb_field_arg a = field(name, value);
  return with_room(h, &a, frb__head_set);
}

static int add(struct frb_head *h, const char *name, const char *value) {
  struct frb_field_arg a = field(name, value);
  return with_room(h, &a, frb__head_add);
}

static void expect_head(const struct frb_head *h, const char *want) {
  expect_bytes("head", h->buf, h->len, want, strlen(want));
}

static int setup(void **state) {
  struct frb_head *h = calloc(1, sizeof *h);

  if (!h || frb__head_init(h) != FRB_OK)
    return -1;
  *state = h;
  return 0;
}

static int teardown(void **state) {
  frb__head_free(*state);
  free(*state);
  return 0;
}

static void test_head_starts_with_200_and_no_fields(void **state) {
  struct frb_head *h = *state;

  assert_int_equal(h->status, 200);
  assert_int_equal(h->nfields, 0);
  expect_head(h, "Status: 200 OK\r\n");
}

static void test_head_keeps_insertion_order_and_first_spelling(void **state) {
  struct frb_head *h = *state;

  assert_int_equal(set(h, "X-B", "1"), FRB_OK);
  assert_int_equal(add(h, "x-a", "2"), FRB_OK);
  assert_int_equal(add(h, "X-A", "3"), FRB_OK);
  assert_int_equal(set(h, "X-b", "4"), FRB_OK);
  expect_head(h, "Status: 200 OK\r\nX-B: 4\r\nx-a: 2\r\nx-a: 3\r\n");
}

static void test_head_set_replaces_first_and_drops_later_lines(void **state) {
  struct frb_head *h = *state;

  assert_int_equal(add(h, "Vary", "a"), FRB_OK);
  assert_int_equal(add(h, "X", "x"), FRB_OK);
  assert_int_equal(add(h, "vary", "b"), FRB_OK);
  assert_int_equal(set(h, "VARY", "c, d"), FRB_OK);
  expect_head(h, "Status: 200 OK\r\nVary: c, d\r\nX: x\r\n");
  assert_int_equal(h->nfields, 2);
}

static void test_head_add_refuses_second_single_valued(void **state) {
  struct frb_head *h = *state;
  static const char *const single[] = {"Content-Type", "content-length",
                                       "LOCATION"};

  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(add(h, single[i], "1"), FRB_OK);
    assert_int_equal(add(h, single[i], "2"), FRB_EINVAL);
  }
  expect_head(h, "Status: 200 OK\r\nContent-Type: 1\r\ncontent-length: "
                 "1\r\nLOCATION: 1\r\n");
}

static void test_head_del_removes_every_line_of_a_field(void **state) {
  struct frb_head *h = *state;
  struct frb_field_arg a = field("x-y", "");

  assert_int_equal(add(h, "X-Y", "1"), FRB_OK);
  assert_int_equal(add(h, "Z", "z"), FRB_OK);
  assert_int_equal(add(h, "X-Y", "2"), FRB_OK);
  assert_int_equal(frb__head_del(h, &a), FRB_OK);
  expect_head(h, "Status: 200 OK\r\nZ: z\r\n");
  assert_int_equal(frb__head_del(h, &a), FRB_ENOTFOUND);
}

static void test_head_get_copies_first_value(void **state) {
  struct frb_head *h = *state;
  struct frb_field_arg a = field("a", "");
  char buf[8];

  assert_int_equal(add(h, "A", "first"), FRB_OK);
  assert_int_equal(add(h, "A", "second"), FRB_OK);
  assert_int_equal(frb__head_get(h, &a, buf, sizeof buf), 5);
  assert_string_equal(buf, "first");
  assert_int_equal(frb__head_get(h, &a, buf, 5), FRB_ERANGE);
}

/* The limit counts the whole head with its final CRLF; a refused call and
 * a call that asks for room change nothing. */
static void test_head_limit_refuses_and_changes_nothing(void **state) {
  struct frb_head *h = *state;
  struct frb_field_arg a = field("X", "12345");
  struct frb_need need = {0, 0};
  struct frb_status_arg s = {204, "No Content", 10};

  /* A 204 gets no field from libfrb: "Status: 204 No Content\r\n" is 24
   * bytes, "X: 12345\r\n" 10, the final CRLF 2. */
  assert_int_equal(frb__head_status(h, &s, &need), FRB_OK);
  assert_int_equal(frb__head_set_limit(h, 35), FRB_OK);
  assert_int_equal(frb__head_set(h, &a, &need), FRB_ETOOBIG);
  expect_head(h, "Status: 204 No Content\r\n");
  assert_int_equal(frb__head_set_limit(h, 36), FRB_OK);
  assert_int_equal(set(h, "X", "12345"), FRB_OK);
  assert_int_equal(frb__head_set_limit(h, 35), FRB_ETOOBIG);
}

/* With a 200 the store keeps room for the default Content-Type (41 bytes)
 * and a Content-Length of as many digits as it was told (here 5: 23). */
static void test_head_limit_keeps_room_for_own_fields(void **state) {
  struct frb_head *h = *state;
  uint32_t len = 0;

  assert_int_equal(frb__head_set_limit(h, 16 + 41 + 23 + 2 - 1), FRB_ETOOBIG);
  assert_int_equal(frb__head_set_limit(h, 16 + 41 + 23 + 2), FRB_OK);
  assert_int_equal(set(h, "X", ""), FRB_ETOOBIG);
  assert_int_equal(frb__head_set_cl_digits(h, 6), FRB_ETOOBIG);
  /* One digit frees 4 bytes; "X: \r\n" needs 5. */
  assert_int_equal(frb__head_set_cl_digits(h, 1), FRB_OK);
  assert_int_equal(set(h, "X", ""), FRB_ETOOBIG);
  assert_int_equal(frb__head_set_limit(h, 16 + 41 + 19 + 2 + 5), FRB_OK);
  assert_int_equal(set(h, "X", ""), FRB_OK);
  assert_int_equal(frb__head_set_cl_digits(h, 2), FRB_ETOOBIG);
  assert_int_equal(frb__head_close(h, 1, 7, &(struct frb_need){0, 0}, &len),
                   FRB_OK);
  assert_int_equal(len, 16 + 5 + 41 + 19 + 2);
}

static void test_head_room_request_changes_nothing(void **state) {
  struct frb_head *h = *state;
  char big[600];
  struct frb_field_arg a;
  struct frb_need need = {0, 0};

  memset(big, 'v', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  a = field("Big", big);
  assert_int_equal(frb__head_set(h, &a, &need), FRB__GROW);
  assert_true(need.buf >= 16 + 3 + 2 + 599 + 2);
  expect_head(h, "Status: 200 OK\r\n");
  assert_int_equal(with_room(h, &a, frb__head_set), FRB_OK);
  assert_int_equal(h->len, 16 + 3 + 2 + 599 + 2);
}

static void test_head_status_line_and_no_body_codes(void **state) {
  struct frb_head *h = *state;
  struct frb_status_arg s = {404, "Not Found", 9}, nc = {204, "No Content", 10};
  struct frb_need need = {0, 0};

  assert_int_equal(set(h, "A", "b"), FRB_OK);
  assert_int_equal(frb__head_status(h, &s, &need), FRB_OK);
  expect_head(h, "Status: 404 Not Found\r\nA: b\r\n");
  assert_int_equal(frb__head_body_ok(h, 1), FRB_OK);
  assert_int_equal(frb__head_status(h, &nc, &need), FRB_EINVAL);
  assert_int_equal(h->status, 404);
}

static void test_head_redirect_sets_status_and_location(void **state) {
  struct frb_head *h = *state;
  struct frb_status_arg s = {303, "See Other", 9};
  struct frb_field_arg loc = field("Location", "/next");
  struct frb_need need = {0, 0};

  assert_int_equal(set(h, "location", "/old"), FRB_OK);
  assert_int_equal(frb__head_redirect(h, &s, &loc, &need), FRB_OK);
  expect_head(h, "Status: 303 See Other\r\nlocation: /next\r\n");
}

static void test_head_close_adds_type_length_and_crlf(void **state) {
  struct frb_head *h = *state;
  struct frb_need need = {0, 0};
  uint32_t len = 0;

  static const char want[] =
      "Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 12\r\n\r\n";

  assert_int_equal(frb__head_close(h, 1, 12, &need, &len), FRB_OK);
  expect_bytes("closed head", h->buf, len, want, sizeof want - 1);
}

static void test_head_close_adds_nothing_for_204(void **state) {
  struct frb_head *h = *state;
  struct frb_status_arg nc = {204, "No Content", 10};
  struct frb_need need = {0, 0};
  uint32_t len = 0;

  assert_int_equal(frb__head_status(h, &nc, &need), FRB_OK);
  assert_int_equal(frb__head_close(h, 1, 0, &need, &len), FRB_OK);
  expect_bytes("closed head", h->buf, len, "Status: 204 No Content\r\n\r\n",
               26);
}

/* The table's prepared names match what a header call would compute. */
static void test_known_fields_match_the_validator(void **state) {
  static const enum frb_kind kinds[] = {
      FRB_KIND_STATUS,   FRB_KIND_CONTENT_TYPE, FRB_KIND_CONTENT_LENGTH,
      FRB_KIND_LOCATION, FRB_KIND_SET_COOKIE,   FRB_KIND_TRANSFER_ENCODING};
  (void)state;

  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    const struct frb_field_arg *k = frb__known_arg(kinds[i]);
    struct frb_field_arg a;
    char upper[32];

    assert_int_equal(frb__check_name(k->name, &a), FRB_OK);
    assert_int_equal(a.hash, k->hash);
    assert_int_equal(a.name_len, k->name_len);
    assert_int_equal(a.kind, kinds[i]);
    for (size_t j = 0; j <= k->name_len; j++)
      upper[j] = (char)(k->name[j] >= 'a' && k->name[j] <= 'z' ? k->name[j] - 32
                                                               : k->name[j]);
    assert_int_equal(frb__check_name(upper, &a), FRB_OK);
    assert_int_equal(a.kind, kinds[i]);
  }
}

/* The name hash reads a name a word at a time with overlapping loads for
 * the tail: every byte of every length counts, and case does not. */
static void test_name_hash_sees_every_byte_ignores_case(void **state) {
  char s[41], t[41];
  struct frb_field_arg a, b;
  (void)state;

  for (size_t len = 1; len < sizeof s; len++) {
    for (size_t i = 0; i < len; i++) {
      s[i] = (char)('a' + (i * 7) % 26);
      t[i] = (char)(s[i] - 'a' + 'A');
    }
    s[len] = t[len] = '\0';
    assert_int_equal(frb__check_name(s, &a), FRB_OK);
    assert_int_equal(frb__check_name(t, &b), FRB_OK);
    assert_int_equal(a.hash, b.hash);
    for (size_t i = 0; i < len; i++) {
      char keep = t[i];
      t[i] = keep == 'Z' ? 'Y' : (char)(keep + 1);
      assert_int_equal(frb__check_name(t, &b), FRB_OK);
      assert_int_not_equal(a.hash, b.hash);
      t[i] = keep;
    }
  }
}

/* The validators look at several bytes a step: a bad byte is refused at
 * every position of every length, whichever step or tail it falls in, and
 * the good bytes around it never hide it. */
static void test_bad_byte_refused_at_every_position(void **state) {
  static const unsigned char bad_value[] = {0x01, '\n', '\r', 0x1f, 0x7f};
  static const unsigned char bad_name[] = {' ', ':', '"', 0x7f, 0x80};
  char s[48];
  struct frb_field_arg a;
  (void)state;

  for (size_t len = 1; len < sizeof s; len++) {
    memset(s, 'a', len);
    s[len] = '\0';
    s[len / 2] = (char)0x80; /* obs-text and HTAB are good value bytes */
    s[len - 1] = '\t';
    assert_int_equal(frb__check_value(s, &a), FRB_OK);
    for (size_t i = 0; i < len; i++) {
      char keep = s[i];
      for (size_t b = 0; b < sizeof bad_value; b++) {
        s[i] = (char)bad_value[b];
        assert_int_equal(frb__check_value(s, &a), FRB_EINVAL);
      }
      s[i] = keep;
    }
    memset(s, 'x', len);
    assert_int_equal(frb__check_name(s, &a), FRB_OK);
    assert_int_equal(a.name_len, len);
    for (size_t i = 0; i < len; i++) {
      for (size_t b = 0; b < sizeof bad_name; b++) {
        s[i] = (char)bad_name[b];
        assert_int_equal(frb__check_name(s, &a), FRB_EINVAL);
      }
      s[i] = 'x';
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
      T(test_head_starts_with_200_and_no_fields),
      T(test_head_keeps_insertion_order_and_first_spelling),
      T(test_head_set_replaces_first_and_drops_later_lines),
      T(test_head_add_refuses_second_single_valued),
      T(test_head_del_removes_every_line_of_a_field),
      T(test_head_get_copies_first_value),
      T(test_head_limit_refuses_and_changes_nothing),
      T(test_head_limit_keeps_room_for_own_fields),
      T(test_head_room_request_changes_nothing),
      T(test_head_status_line_and_no_body_codes),
      T(test_head_redirect_sets_status_and_location),
      T(test_head_close_adds_type_length_and_crlf),
      T(test_head_close_adds_nothing_for_204),
      T(test_known_fields_match_the_validator),
      T(test_bad_byte_refused_at_every_position),
      T(test_name_hash_sees_every_byte_ignores_case),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
