/* Static text: reason phrases, error strings and the version. */
#include "internal.h"

/* RFC 9110 section 15, plus 428, 429, 431 and 511 from RFC 6585, which
 * every client knows.  Only 200..599 can be sent from CGI/FastCGI. */
static const char *known_reason(int code) {
  switch (code) {
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 203: return "Non-Authoritative Information";
  case 204: return "No Content";
  case 205: return "Reset Content";
  case 206: return "Partial Content";
  case 300: return "Multiple Choices";
  case 301: return "Moved Permanently";
  case 302: return "Found";
  case 303: return "See Other";
  case 304: return "Not Modified";
  case 305: return "Use Proxy";
  case 307: return "Temporary Redirect";
  case 308: return "Permanent Redirect";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 402: return "Payment Required";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 406: return "Not Acceptable";
  case 407: return "Proxy Authentication Required";
  case 408: return "Request Timeout";
  case 409: return "Conflict";
  case 410: return "Gone";
  case 411: return "Length Required";
  case 412: return "Precondition Failed";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 415: return "Unsupported Media Type";
  case 416: return "Range Not Satisfiable";
  case 417: return "Expectation Failed";
  case 421: return "Misdirected Request";
  case 422: return "Unprocessable Content";
  case 426: return "Upgrade Required";
  case 428: return "Precondition Required";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  case 505: return "HTTP Version Not Supported";
  case 511: return "Network Authentication Required";
  default: return NULL;
  }
}

/* A code in range that has no registered phrase gets its class name
 * (RFC 9110 15.3-15.6); the client only looks at the digits anyway. */
const char *frb__reason(int code) {
  const char *r = known_reason(code);

  if (r)
    return r;
  switch (code / 100) {
  case 2: return "Successful";
  case 3: return "Redirection";
  case 4: return "Client Error";
  default: return "Server Error";
  }
}

FRB_EXTERN const char *frb_strerror(int err) {
  switch (err) {
  case FRB_OK: return "success";
  case FRB_EINVAL: return "invalid argument";
  case FRB_ENOMEM: return "out of memory";
  case FRB_ESENT: return "headers already sent";
  case FRB_ETOOBIG: return "limit exceeded";
  case FRB_EIO: return "output failed";
  case FRB_ENOTFOUND: return "no such header";
  case FRB_ERANGE: return "buffer too small";
  case FRB_EFROZEN: return "header is frozen";
  default: return "unknown error";
  }
}

FRB_EXTERN unsigned frb_version(void) {
  return FRB_VERSION_HEX;
}

FRB_EXTERN const char *frb_version_string(void) {
  return FRB_VERSION_STRING;
}
