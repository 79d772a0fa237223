/*
 * sphinx_front: the smallest fair HTTP front for Sphinx 2.2, which speaks no
 * HTTP itself.  Used only by tests/bench/run.sh so that wrk can drive Sphinx
 * like the other engines.
 *
 *   sphinx_front LISTEN_PORT SPHINXQL_PORT INDEX
 *
 * One thread per keep-alive client connection, each with its own persistent
 * SphinxQL (MySQL protocol) connection to searchd, so the front adds one
 * loopback round trip and a little JSON formatting per request.
 *
 *   GET /search?q=QUERY   -> SELECT id, title, path, SNIPPET(content, QUERY)
 *                            ... WHERE MATCH(QUERY) LIMIT 10; SHOW META
 *                            answered as JSON {"total":N,"hits":[...]}
 *   GET /ping             -> {"status":"ok"} without touching searchd
 *                            (the front's own HTTP ceiling)
 *   GET /nosnippet?q=Q    -> the same search without SNIPPET()
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <mysql.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int g_sql_port;
static const char *g_index;

typedef struct {
    char *p;
    size_t len, cap;
} buf_t;

static void buf_add(buf_t *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 4096;
        while (c < b->len + n + 1) c *= 2;
        b->p = realloc(b->p, c);
        b->cap = c;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void buf_str(buf_t *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_json(buf_t *b, const char *s) {
    buf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            buf_add(b, esc, 2);
        } else if (*p < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            buf_add(b, esc, 6);
        } else {
            buf_add(b, (const char *)p, 1);
        }
    }
    buf_add(b, "\"", 1);
}

/* SphinxQL string literal: escape backslash and quote. */
static void buf_sql(buf_t *b, const char *s) {
    buf_add(b, "'", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '\\' || *p == '\'') buf_add(b, "\\", 1);
        buf_add(b, p, 1);
    }
    buf_add(b, "'", 1);
}

static int hexv(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Extracts and URL-decodes parameter q from a query string. */
static void get_q(const char *qs, size_t n, char *out, size_t outsz) {
    size_t o = 0;
    out[0] = 0;
    const char *end = qs + n;
    for (const char *p = qs; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        if (!amp) amp = end;
        if (amp - p >= 2 && p[0] == 'q' && p[1] == '=') {
            for (const char *s = p + 2; s < amp && o + 1 < outsz; s++) {
                if (*s == '+') {
                    out[o++] = ' ';
                } else if (*s == '%' && s + 2 < amp && hexv(s[1]) >= 0 && hexv(s[2]) >= 0) {
                    out[o++] = (char)(hexv(s[1]) * 16 + hexv(s[2]));
                    s += 2;
                } else {
                    out[o++] = *s;
                }
            }
            out[o] = 0;
            return;
        }
        p = amp + 1;
    }
}

static int send_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int respond(int fd, int status, buf_t *body) {
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\nConnection: keep-alive\r\n\r\n",
                      status, status == 200 ? "OK" : "Error", body->len);
    if (send_all(fd, head, (size_t)hn)) return -1;
    return send_all(fd, body->p ? body->p : "", body->len);
}

static MYSQL *sql_connect(void) {
    MYSQL *m = mysql_init(NULL);
    if (!mysql_real_connect(m, "127.0.0.1", "", "", "", (unsigned)g_sql_port, NULL, 0)) {
        fprintf(stderr, "sphinx_front: connect: %s\n", mysql_error(m));
        mysql_close(m);
        return NULL;
    }
    return m;
}

static int search(MYSQL *m, const char *q, int snippets, buf_t *out) {
    buf_t sql = {0};
    buf_str(&sql, "SELECT id, title, path");
    if (snippets) {
        buf_str(&sql, ", SNIPPET(content, ");
        buf_sql(&sql, q);
        buf_str(&sql, ", 'query_mode=1', 'limit=240', 'around=8') AS snippet");
    }
    buf_str(&sql, " FROM ");
    buf_str(&sql, g_index);
    buf_str(&sql, " WHERE MATCH(");
    buf_sql(&sql, q);
    buf_str(&sql, ") LIMIT 10");
    int rc = mysql_real_query(m, sql.p, sql.len);
    free(sql.p);
    if (rc) {
        buf_str(out, "{\"error\":");
        buf_json(out, mysql_error(m));
        buf_str(out, "}");
        return 500;
    }
    MYSQL_RES *res = mysql_store_result(m);
    buf_t hits = {0};
    buf_str(&hits, "[");
    int n = 0;
    if (res) {
        MYSQL_ROW row;
        while ((row = mysql_fetch_row(res))) {
            if (n++) buf_str(&hits, ",");
            buf_str(&hits, "{\"id\":");
            buf_str(&hits, row[0] ? row[0] : "0");
            buf_str(&hits, ",\"title\":");
            buf_json(&hits, row[1]);
            buf_str(&hits, ",\"path\":");
            buf_json(&hits, row[2]);
            if (snippets) {
                buf_str(&hits, ",\"snippet\":");
                buf_json(&hits, row[3]);
            }
            buf_str(&hits, "}");
        }
        mysql_free_result(res);
    }
    buf_str(&hits, "]");
    /* total_found, as the other engines report a total */
    const char *total = "0";
    char totalbuf[32] = "0";
    if (!mysql_real_query(m, "SHOW META LIKE 'total_found'", 28)) {
        MYSQL_RES *meta = mysql_store_result(m);
        if (meta) {
            MYSQL_ROW row = mysql_fetch_row(meta);
            if (row && row[1]) snprintf(totalbuf, sizeof totalbuf, "%s", row[1]);
            mysql_free_result(meta);
        }
        total = totalbuf;
    }
    buf_str(out, "{\"query\":");
    buf_json(out, q);
    buf_str(out, ",\"total\":");
    buf_str(out, total);
    buf_str(out, ",\"hits\":");
    buf_add(out, hits.p, hits.len);
    buf_str(out, "}");
    free(hits.p);
    return 200;
}

static void *client(void *arg) {
    int fd = (int)(long)arg;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    MYSQL *m = NULL;
    size_t cap = 65536, len = 0;
    char *in = malloc(cap);
    for (;;) {
        char *hdr_end;
        while (!(len >= 4 && (hdr_end = memmem(in, len, "\r\n\r\n", 4)))) {
            if (len == cap) goto out;
            ssize_t r = recv(fd, in + len, cap - len, 0);
            if (r <= 0) {
                if (r < 0 && errno == EINTR) continue;
                goto out;
            }
            len += (size_t)r;
        }
        size_t reqlen = (size_t)(hdr_end - in) + 4;
        /* request line: GET /path?query HTTP/1.1 */
        char *sp1 = memchr(in, ' ', reqlen);
        char *sp2 = sp1 ? memchr(sp1 + 1, ' ', reqlen - (size_t)(sp1 + 1 - in)) : NULL;
        buf_t body = {0};
        int status = 404;
        if (sp1 && sp2) {
            char *target = sp1 + 1;
            size_t tlen = (size_t)(sp2 - target);
            char *qm = memchr(target, '?', tlen);
            size_t plen = qm ? (size_t)(qm - target) : tlen;
            static __thread char q[8192];
            if (plen == 5 && !memcmp(target, "/ping", 5)) {
                status = 200;
                buf_str(&body, "{\"status\":\"ok\"}");
            } else if ((plen == 7 && !memcmp(target, "/search", 7)) ||
                       (plen == 10 && !memcmp(target, "/nosnippet", 10))) {
                get_q(qm ? qm + 1 : target + tlen, qm ? (size_t)(target + tlen - qm - 1) : 0, q,
                      sizeof q);
                if (!m) m = sql_connect();
                if (!m) {
                    status = 502;
                    buf_str(&body, "{\"error\":\"searchd unreachable\"}");
                } else {
                    status = search(m, q, plen == 7, &body);
                    if (status != 200 && mysql_errno(m) >= 2000) { /* client/connection error */
                        mysql_close(m);
                        m = NULL;
                    }
                }
            } else {
                buf_str(&body, "{\"error\":\"not found\"}");
            }
        }
        int rc = respond(fd, status, &body);
        free(body.p);
        if (rc) break;
        memmove(in, in + reqlen, len - reqlen);
        len -= reqlen;
    }
out:
    free(in);
    if (m) mysql_close(m);
    close(fd);
    mysql_thread_end();
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s LISTEN_PORT SPHINXQL_PORT INDEX\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    g_sql_port = atoi(argv[2]);
    g_index = argv[3];
    mysql_library_init(0, NULL, NULL);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[1]));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 1024)) {
        perror("sphinx_front: bind/listen");
        return 1;
    }
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) continue;
            perror("accept");
            continue;
        }
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&at, 256 * 1024);
        if (pthread_create(&t, &at, client, (void *)(long)fd)) close(fd);
        pthread_attr_destroy(&at);
    }
}
