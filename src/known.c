/*
 * The fields libfrb treats specially, in one table (in the spirit of h2o's
 * token table): each with its kind, its rules, and its name prepared as a
 * header call would prepare it, hash included, so that the output and
 * cookie code never validate and hash a constant name again.
 * tests/unit/test_head.c checks every hash against frb__check_name.
 */
#include "internal.h"

#define KNOWN(k, nm, val, hsh)                                                 \
  [k] = {{.name = nm,                                                          \
          .value = val,                                                        \
          .name_len = sizeof nm - 1,                                           \
          .value_len = sizeof val - 1,                                         \
          .hash = hsh,                                                         \
          .kind = k}}

const struct frb_known frb__known[FRB_KIND_COUNT] = {
    KNOWN(FRB_KIND_PLAIN, "", "", 0),
    /* The CGI pseudo-header (RFC 3875 6.3.3): frb_set_status writes it, so
     * a header call never does (FRB_KINDS_REFUSED). */
    KNOWN(FRB_KIND_STATUS, "Status", "", 0xfa7e7f1bu),
    /* A body needs one, and the server must not guess (RFC 3875 6.3.1).
     * One line at most (FRB_KINDS_SINGLE), as for the next two. */
    KNOWN(FRB_KIND_CONTENT_TYPE, "Content-Type", FRB_DEFAULT_CONTENT_TYPE,
          0x9e129845u),
    /* 1*DIGIT, at most INT64_MAX (nginx answers 502 to more). */
    KNOWN(FRB_KIND_CONTENT_LENGTH, "Content-Length", "", 0x3211ef19u),
    KNOWN(FRB_KIND_LOCATION, "Location", "", 0x03e874dbu),
    /* Never joined with commas (RFC 9110 5.3); one per cookie name. */
    KNOWN(FRB_KIND_SET_COOKIE, "Set-Cookie", "", 0x7cecb635u),
    /* The server frames the body; a CGI application never does
     * (FRB_KINDS_REFUSED). */
    KNOWN(FRB_KIND_TRANSFER_ENCODING, "Transfer-Encoding", "", 0xdc631e5au),
};

/* Indexed by name length (frb__known_kind in internal.h). */
const unsigned char frb__known_by_len[FRB_KNOWN_MAX_LEN + 1] = {
    [6] = FRB_KIND_STATUS,          [12] = FRB_KIND_CONTENT_TYPE,
    [14] = FRB_KIND_CONTENT_LENGTH, [8] = FRB_KIND_LOCATION,
    [10] = FRB_KIND_SET_COOKIE,     [17] = FRB_KIND_TRANSFER_ENCODING,
};
