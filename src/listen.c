/* The listening socket of frb_fcgi_serve: a unix socket with the mode and
 * owner the web server needs, a TCP socket, or one a process manager handed
 * over (systemd's LISTEN_FDS, else descriptor 0 as spawn-fcgi and mod_fcgid
 * pass it). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "serve.h"

#define SD_LISTEN_FDS_START 3 /* sd_listen_fds(3) */

void frb__report(const struct frb__server *s, const char *what, int errnum) {
  char msg[128];

  if (s->cfg.on_error) {
    s->cfg.on_error(s->ctx, what, errnum);
    return;
  }
  /* XSI strerror_r: strerror is not thread-safe. */
  if (strerror_r(errnum, msg, sizeof msg) != 0)
    snprintf(msg, sizeof msg, "error %d", errnum);
  fprintf(stderr, "frb_fcgi_serve: %s: %s\n", what, msg);
}

/* Reports "WHAT ARG" with errno (or err when non-zero); returns FRB_EIO. */
static int fail(const struct frb__server *s, const char *what, const char *arg,
                int err) {
  char buf[256];
  int e = err ? err : errno;

  snprintf(buf, sizeof buf, "%s %s", what, arg);
  frb__report(s, buf, e);
  return e == EINVAL ? FRB_EINVAL : FRB_EIO;
}

static int set_flags(int fd) {
  int fl = fcntl(fd, F_GETFL);

  /* Non-blocking: the leader polls, and a connection that another process
   * accepted first must not leave it stuck in accept(). */
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
    return -1;
  fl = fcntl(fd, F_GETFD);
  return fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) != 0 ? -1 : 0;
}

static int parse_id(const char *s, unsigned long *out) {
  char *end;

  if (*s < '0' || *s > '9')
    return -1;
  errno = 0;
  *out = strtoul(s, &end, 10);
  return *end || errno ? -1 : 0;
}

/* Names through the reentrant lookups; numbers as they are. */
static int lookup_ids(const struct frb__server *s, uid_t *uid, gid_t *gid) {
  char buf[16384];
  unsigned long n;

  if (s->cfg.unix_owner) {
    struct passwd pw, *res = NULL;
    if (parse_id(s->cfg.unix_owner, &n) == 0)
      *uid = (uid_t)n;
    else if (getpwnam_r(s->cfg.unix_owner, &pw, buf, sizeof buf, &res) == 0 &&
             res)
      *uid = pw.pw_uid;
    else
      return fail(s, "no such user", s->cfg.unix_owner, EINVAL);
  }
  if (s->cfg.unix_group) {
    struct group gr, *res = NULL;
    if (parse_id(s->cfg.unix_group, &n) == 0)
      *gid = (gid_t)n;
    else if (getgrnam_r(s->cfg.unix_group, &gr, buf, sizeof buf, &res) == 0 &&
             res)
      *gid = gr.gr_gid;
    else
      return fail(s, "no such group", s->cfg.unix_group, EINVAL);
  }
  return FRB_OK;
}

/* A socket file left by a killed run would make bind fail; one that a live
 * server still answers on is not ours to take. */
static int clear_stale(const struct frb__server *s,
                       const struct sockaddr_un *sa) {
  struct stat st;
  int fd, alive;

  if (lstat(sa->sun_path, &st) != 0)
    return errno == ENOENT ? FRB_OK : fail(s, "stat", sa->sun_path, 0);
  if (!S_ISSOCK(st.st_mode))
    return fail(s, "not a socket, not replaced:", sa->sun_path, EEXIST);
  if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
    return fail(s, "socket", sa->sun_path, 0);
  alive = connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0;
  close(fd);
  if (alive)
    return fail(s, "another server listens on", sa->sun_path, EADDRINUSE);
  return unlink(sa->sun_path) == 0 || errno == ENOENT
             ? FRB_OK
             : fail(s, "unlink", sa->sun_path, 0);
}

/* Mode and owner are set before listen(): nobody can connect before them. */
static int open_unix(struct frb__server *s, const char *path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  uid_t uid = (uid_t)-1;
  gid_t gid = (gid_t)-1;
  struct stat st;
  int fd, rc;

  if (!*path || strlen(path) >= sizeof sa.sun_path)
    return fail(s, "bad unix socket path", path, EINVAL);
  memcpy(sa.sun_path, path, strlen(path) + 1);
  if ((rc = lookup_ids(s, &uid, &gid)) != FRB_OK ||
      (rc = clear_stale(s, &sa)) != FRB_OK)
    return rc;
  if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
    return fail(s, "socket", path, 0);
  s->ln.fd = fd;
  s->ln.owned = 1;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
    return fail(s, "bind", path, 0);
  memcpy(s->ln.path, path, strlen(path) + 1);
  if (stat(path, &st) == 0) {
    s->ln.dev = st.st_dev;
    s->ln.ino = st.st_ino;
  }
  if (chmod(path, s->cfg.unix_mode) != 0)
    return fail(s, "chmod", path, 0);
  if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) != 0)
    return fail(s, "chown", path, 0);
  if (listen(fd, s->cfg.backlog) != 0)
    return fail(s, "listen", path, 0);
  return FRB_OK;
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT" (every address). */
static int open_tcp(struct frb__server *s, const char *spec) {
  struct addrinfo hints = {.ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM};
  struct addrinfo *ai, *p;
  const char *colon = strrchr(spec, ':');
  char host[256];
  size_t n = (size_t)(colon - spec);
  int rc, one = 1, fd = -1;

  if (n >= 2 && spec[0] == '[' && spec[n - 1] == ']') {
    spec++;
    n -= 2;
  }
  if (n >= sizeof host || !colon[1])
    return fail(s, "bad listen address", spec, EINVAL);
  memcpy(host, spec, n);
  host[n] = '\0';
  if ((rc = getaddrinfo(n ? host : NULL, colon + 1, &hints, &ai)) != 0)
    return fail(s, "cannot resolve", spec, rc == EAI_SYSTEM ? errno : EINVAL);
  for (p = ai; p; p = p->ai_next) {
    if ((fd = socket(p->ai_family, p->ai_socktype, p->ai_protocol)) < 0)
      continue;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, p->ai_addr, p->ai_addrlen) == 0 &&
        listen(fd, s->cfg.backlog) == 0)
      break;
    rc = errno;
    close(fd);
    fd = -1;
    errno = rc;
  }
  rc = errno;
  freeaddrinfo(ai);
  if (fd < 0)
    return fail(s, "cannot listen on", spec, rc);
  s->ln.fd = fd;
  s->ln.owned = 1;
  return FRB_OK;
}

/* systemd socket activation without libsystemd: the first passed socket. */
static int inherited_fd(void) {
  const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
  unsigned long p, n;

  if (pid && fds && parse_id(pid, &p) == 0 && parse_id(fds, &n) == 0 &&
      p == (unsigned long)getpid() && n >= 1)
    return SD_LISTEN_FDS_START;
  return 0; /* FCGI_LISTENSOCK_FILENO */
}

static int open_inherited(struct frb__server *s) {
  int fd = inherited_fd(), yes = 0;
  socklen_t len = sizeof yes;
  char what[32];

  snprintf(what, sizeof what, "%d", fd);
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &yes, &len) != 0 || !yes)
    return fail(s, "no listen address given and no listening socket at fd",
                what, EINVAL);
  s->ln.fd = fd;
  return FRB_OK;
}

int frb__listen_open(struct frb__server *s) {
  const char *spec = s->cfg.listen;
  int rc;

  s->ln.fd = -1;
  if (!spec || !*spec)
    rc = open_inherited(s);
  else if (strncmp(spec, "unix:", 5) == 0)
    rc = open_unix(s, spec + 5);
  else if (strchr(spec, ':'))
    rc = open_tcp(s, spec);
  else
    rc = fail(s, "listen address must be unix:PATH or HOST:PORT, not", spec,
              EINVAL);
  if (rc == FRB_OK && set_flags(s->ln.fd) != 0)
    rc = fail(s, "fcntl", spec ? spec : "inherited socket", 0);
  if (rc != FRB_OK)
    frb__listen_close(s);
  return rc;
}

/* Removes the socket file only if it is still the one we bound: a newer
 * instance may have replaced it already. */
void frb__listen_close(struct frb__server *s) {
  struct stat st;

  if (s->ln.path[0] && stat(s->ln.path, &st) == 0 && st.st_dev == s->ln.dev &&
      st.st_ino == s->ln.ino)
    unlink(s->ln.path);
  s->ln.path[0] = '\0';
  if (s->ln.owned && s->ln.fd >= 0)
    close(s->ln.fd);
  s->ln.fd = -1;
  s->ln.owned = 0;
}
