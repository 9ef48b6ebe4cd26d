/*
 * Grants (see net.h): parsing HOST:PORT entries, the operator's allowlist
 * from the configuration, whether one entry covers another (a request may
 * narrow the allowlist, never widen it), which rule allows a destination,
 * and which resolved addresses a rule may reach.
 */
#include "config.h"

#include "net/net.h"

#include "base/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- parsing -- */

/* A DNS name: labels of letters, digits and '-', not starting or ending
 * with '-', 1-63 bytes each, 253 in all, the last not all digits (that
 * would be an address, or a mistyped one). Lower-cases it in place. */
static bool valid_name(char *s)
{
    size_t n = strlen(s);
    if (n && s[n - 1] == '.')
        s[--n] = '\0';
    if (n == 0 || n > 253)
        return false;
    const char *last = strrchr(s, '.');
    last = last ? last + 1 : s;
    if (strspn(last, "0123456789") == strlen(last))
        return false;
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = s[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || label > 63 || s[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!isalnum((unsigned char)c) && c != '-')
            return false;
        if (label == 0 && c == '-')
            return false;
        s[i] = (char)tolower((unsigned char)c);
        label++;
    }
    return true;
}

static int parse_port(const char *s, int *port)
{
    if (!strcmp(s, "*")) {
        *port = 0;
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 65535 || !isdigit((unsigned char)s[0]))
        return -EINVAL;
    *port = (int)v;
    return 0;
}

/* An address, with an optional "/prefix". */
static int parse_addr(const char *text, struct net_rule *r)
{
    char s[INET6_ADDRSTRLEN + 8];
    if (strlen(text) >= sizeof(s))
        return -EINVAL;
    memcpy(s, text, strlen(text) + 1);
    char *slash = strchr(s, '/');
    if (slash)
        *slash = '\0';
    if (inet_pton(AF_INET, s, r->addr) == 1)
        r->family = AF_INET;
    else if (inet_pton(AF_INET6, s, r->addr) == 1)
        r->family = AF_INET6;
    else
        return -EINVAL;
    int max = r->family == AF_INET ? 32 : 128;
    r->prefix = max;
    if (slash) {
        char *end;
        errno = 0;
        long p = strtol(slash + 1, &end, 10);
        if (errno || end == slash + 1 || *end || p < 0 || p > max)
            return -EINVAL;
        r->prefix = (int)p;
    }
    /* Host bits to zero: 10.1.2.3/8 is 10.0.0.0/8. */
    for (int bit = r->prefix; bit < max; bit++)
        r->addr[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
    return 0;
}

static void format_rule(struct net_rule *r)
{
    char host[INET6_ADDRSTRLEN + 8], port[8];
    snprintf(port, sizeof(port), r->port ? "%d" : "*", r->port);
    switch (r->kind) {
    case NET_NAME: snprintf(r->text, sizeof(r->text), "%s:%s", r->name, port); return;
    case NET_WILDCARD: snprintf(r->text, sizeof(r->text), "*.%s:%s", r->name, port); return;
    case NET_ADDR:
        inet_ntop(r->family, r->addr, host, sizeof(host));
        int max = r->family == AF_INET ? 32 : 128;
        char pre[8] = "";
        if (r->prefix != max)
            snprintf(pre, sizeof(pre), "/%d", r->prefix);
        snprintf(r->text, sizeof(r->text), r->family == AF_INET6 ? "[%s%s]:%s" : "%s%s:%s", host,
                 pre, port);
        return;
    }
}

int net_rule_parse(const char *text, struct net_rule *out, struct sk_err *err)
{
    memset(out, 0, sizeof(*out));
    char buf[300];
    size_t n = strlen(text);
    if (n == 0 || n >= sizeof(buf))
        return sk_err_msg(err, EINVAL, "network entry '%.40s' is empty or too long", text);
    memcpy(buf, text, n + 1);

    /* Split HOST:PORT; an IPv6 host is in brackets. */
    char *host = buf, *colon;
    if (buf[0] == '[') {
        char *close = strchr(buf, ']');
        if (!close || close[1] != ':')
            goto bad;
        *close = '\0';
        host = buf + 1;
        colon = close + 1;
    } else {
        colon = strrchr(buf, ':');
        if (!colon || strchr(buf, ':') != colon)
            goto bad;
        *colon = '\0';
    }
    if (parse_port(colon + 1, &out->port) < 0)
        goto bad;
    if (parse_addr(host, out) == 0) {
        if (buf[0] == '[' && out->family != AF_INET6)
            goto bad;
        out->kind = NET_ADDR;
    } else if (buf[0] == '[') {
        goto bad;
    } else {
        bool wild = !strncmp(host, "*.", 2);
        const char *name = wild ? host + 2 : host;
        if (strlen(name) >= sizeof(out->name))
            goto bad;
        memcpy(out->name, name, strlen(name) + 1);
        out->kind = wild ? NET_WILDCARD : NET_NAME;
        /* "*.com" is not a host someone means */
        if (!valid_name(out->name) || (wild && !strchr(out->name, '.')))
            goto bad;
    }
    format_rule(out);
    return 0;
bad:
    return sk_err_msg(err, EINVAL,
                      "network entry '%s' is not HOST:PORT (HOST a name, *.domain, an address "
                      "or a network such as 10.0.0.0/8, IPv6 in brackets; PORT a number or *)",
                      text);
}

int net_policy_from_config(const struct sk_config *cfg, struct net_policy *out,
                           struct sk_err *err)
{
    memset(out, 0, sizeof(*out));
    out->grants = cfg->network_grants;
    out->limits.max_connections = cfg->network_max_connections;
    out->limits.max_bytes = (int64_t)cfg->network_max_kb << 10;
    out->limits.connect_timeout_ms = cfg->network_connect_timeout_ms;
    out->limits.connection_ms = cfg->network_connection_s * 1000;

    char list[sizeof(cfg->network_allow)];
    snprintf(list, sizeof(list), "%s", cfg->network_allow);
    char *save = NULL;
    for (char *tok = strtok_r(list, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        if (out->allow.n == NET_MAX_RULES)
            return sk_err_msg(err, E2BIG, "[network] allow: more than %d entries",
                              NET_MAX_RULES);
        int rc = net_rule_parse(tok, &out->allow.r[out->allow.n], err);
        if (rc < 0)
            return sk_err_wrap(err, "[network] allow");
        out->allow.n++;
    }
    return 0;
}

/* ------------------------------------------------------------- matching -- */

/* Is `addr` inside family/net/prefix? */
static bool in_net(int family, const unsigned char *addr, int nfamily, const unsigned char *net,
                   int prefix)
{
    if (family != nfamily)
        return false;
    int full = prefix / 8, rest = prefix % 8;
    if (memcmp(addr, net, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (addr[full] & mask) == (net[full] & mask);
}

/* `name` is a proper subdomain of `suffix`. */
static bool below(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n > s + 1 && name[n - s - 1] == '.' && !strcmp(name + n - s, suffix);
}

bool net_rule_covers(const struct net_rule *outer, const struct net_rule *inner)
{
    if (outer->port && outer->port != inner->port)
        return false;
    switch (outer->kind) {
    case NET_NAME: return inner->kind == NET_NAME && !strcmp(outer->name, inner->name);
    case NET_WILDCARD:
        if (inner->kind == NET_NAME)
            return below(inner->name, outer->name);
        return inner->kind == NET_WILDCARD &&
               (!strcmp(inner->name, outer->name) || below(inner->name, outer->name));
    case NET_ADDR:
        return inner->kind == NET_ADDR && inner->prefix >= outer->prefix &&
               in_net(inner->family, inner->addr, outer->family, outer->addr, outer->prefix);
    }
    return false;
}

int net_grant_make(const struct net_policy *pol, const char *const *entries, size_t n,
                   struct net_grant *out, struct sk_err *err)
{
    memset(out, 0, sizeof(*out));
    out->limits = pol->limits;
    struct net_rules *grant = &out->rules;
    if (!pol->grants)
        return sk_err_msg(err, EPERM,
                          "network grants are not permitted by this server's configuration "
                          "([network] grants = false)");
    if (n == 0)
        return sk_err_msg(err, EINVAL, "a network grant needs at least one HOST:PORT entry");
    if (n > NET_MAX_RULES)
        return sk_err_msg(err, E2BIG, "a network grant has at most %d entries", NET_MAX_RULES);
    for (size_t i = 0; i < n; i++) {
        struct net_rule *r = &grant->r[grant->n];
        int rc = net_rule_parse(entries[i], r, err);
        if (rc < 0)
            return rc;
        bool covered = false;
        for (int j = 0; j < pol->allow.n && !covered; j++)
            covered = net_rule_covers(&pol->allow.r[j], r);
        if (!covered)
            return sk_err_msg(err, EPERM,
                              "network entry '%s' is not covered by this server's allowlist "
                              "([network] allow)",
                              r->text);
        grant->n++;
    }
    return 0;
}

const struct net_rule *net_rules_match(const struct net_rules *g, const char *host, int port)
{
    struct net_rule want;
    memset(&want, 0, sizeof(want));
    want.port = port;
    if (port < 1 || port > 65535)
        return NULL;
    if (inet_pton(AF_INET, host, want.addr) == 1 || inet_pton(AF_INET6, host, want.addr) == 1) {
        want.kind = NET_ADDR;
        want.family = strchr(host, ':') ? AF_INET6 : AF_INET;
        want.prefix = want.family == AF_INET ? 32 : 128;
    } else {
        want.kind = NET_NAME;
        if (strlen(host) >= sizeof(want.name))
            return NULL;
        snprintf(want.name, sizeof(want.name), "%s", host);
        if (!valid_name(want.name))
            return NULL;
    }
    for (int i = 0; i < g->n; i++)
        if (net_rule_covers(&g->r[i], &want))
            return &g->r[i];
    return NULL;
}

/* Ranges no name may reach. */
static const struct {
    int family;
    unsigned char net[16];
    int prefix;
} special[] = {
    {AF_INET, {0}, 8},                      /* 0.0.0.0/8: this host */
    {AF_INET, {127}, 8},                    /* loopback */
    {AF_INET, {169, 254}, 16},              /* link-local, cloud metadata */
    {AF_INET, {224}, 4},                    /* multicast */
    {AF_INET, {255, 255, 255, 255}, 32},    /* broadcast */
    {AF_INET6, {0}, 128},                   /* :: */
    {AF_INET6, {[15] = 1}, 128},            /* ::1 */
    {AF_INET6, {0xfe, 0x80}, 10},           /* link-local */
    {AF_INET6, {0xff}, 8},                  /* multicast */
};

bool net_addr_allowed(const struct net_rule *rule, const struct sockaddr *sa)
{
    int family = sa->sa_family;
    unsigned char a[16];
    if (family == AF_INET) {
        memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    } else if (family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a6)) {
            family = AF_INET;
            memcpy(a, &a6->s6_addr[12], 4);
        } else {
            memcpy(a, a6, 16);
        }
    } else {
        return false;
    }
    if (rule->kind == NET_ADDR && !in_net(family, a, rule->family, rule->addr, rule->prefix))
        return false; /* a literal rule reaches its own addresses only */
    for (size_t i = 0; i < ARRAY_SIZE(special); i++) {
        if (!in_net(family, a, special[i].family, special[i].net, special[i].prefix))
            continue;
        return rule->kind == NET_ADDR && rule->prefix >= special[i].prefix &&
               in_net(rule->family, rule->addr, special[i].family, special[i].net,
                      special[i].prefix);
    }
    return true;
}
