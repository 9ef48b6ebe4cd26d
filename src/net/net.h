/*
 * Network on request: grants, and the egress proxy that enforces them.
 *
 * A run has no network: its namespace holds only its own loopback, with
 * no route anywhere. A request may carry a grant
 * ("network": {"allow": ["api.example.com:443"]}, or `skitty run --allow`)
 * when the configuration permits grants and the operator's allowlist
 * covers every entry: a grant narrows the operator's policy, never widens
 * it. A run holding a grant gets one thing more, made by the spawner
 * before the program starts: a listening socket on 127.0.0.1:3128 of its
 * own namespace, whose accepting end is this proxy in the supervisor.
 *
 * The proxy speaks HTTP CONNECT (for TLS) and plain HTTP with absolute
 * URIs. For each connection it checks the destination host and port
 * against the grant, resolves names itself, refuses a name that resolves
 * to a loopback, link-local, multicast or unspecified address (only an
 * address entry can allow those), connects from the host, relays bytes
 * under the run's limits (connections, bytes, connect time, connection
 * life) and logs the connection, allowed or refused, for the run's
 * results and the audit log.
 *
 * What it does not stop: anything carried inside an allowed connection
 * (the destination is checked, not the payload; TLS is tunnelled, not
 * inspected), and a destination's own behaviour (an allowed host that
 * relays elsewhere).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/conf.h"
#include "base/error.h"

#define NET_MAX_RULES 32   /* entries in an allowlist or a grant */
#define NET_PROXY_PORT 3128 /* the proxy's port on a run's loopback */

enum net_host_kind {
    NET_NAME,     /* one DNS name: api.example.com */
    NET_WILDCARD, /* its subdomains: *.example.com (not example.com itself) */
    NET_ADDR,     /* an address or a network: 10.1.2.3, 10.0.0.0/8, [2001:db8::1] */
};

struct net_rule {
    enum net_host_kind kind;
    char name[254];         /* NET_NAME: the name; NET_WILDCARD: the part after "*."; lower case */
    int family;             /* NET_ADDR: AF_INET or AF_INET6 */
    unsigned char addr[16]; /* NET_ADDR: the network (host bits zero) */
    int prefix;             /* NET_ADDR: prefix length */
    int port;               /* 1-65535, or 0 for any ("*") */
    char text[300];         /* the entry, normalised, as shown in reports */
};

struct net_rules {
    struct net_rule r[NET_MAX_RULES];
    int n;
};

struct net_limits {
    int max_connections;    /* connections per run */
    int64_t max_bytes;      /* bytes per run, both directions together */
    int connect_timeout_ms; /* resolving and connecting one destination */
    int connection_ms;      /* life of one connection */
};

/* A request's grant: its destinations, and the operator's limits. */
struct net_grant {
    struct net_rules rules;
    struct net_limits limits;
};

/* What the configuration's [network] section allows. */
struct net_policy {
    bool grants;            /* requests may hold grants */
    struct net_rules allow; /* the operator's allowlist */
    struct net_limits limits;
};

/* Parse one HOST:PORT entry. Returns 0 or -EINVAL with a message. */
int net_rule_parse(const char *text, struct net_rule *out, struct sk_err *err);

/* The [network] section as a policy. Returns 0 or -EINVAL naming the bad entry. */
int net_policy_from_config(const struct sk_config *cfg, struct net_policy *out,
                           struct sk_err *err);

/* True when every destination `inner` names is one `outer` names too. */
bool net_rule_covers(const struct net_rule *outer, const struct net_rule *inner);

/*
 * A grant from a request's entries: refused (-EPERM, with a message) when
 * the policy permits no grants or an entry is not covered by its
 * allowlist; -EINVAL for a malformed entry; -E2BIG for too many. At least
 * one entry is needed.
 */
int net_grant_make(const struct net_policy *pol, const char *const *entries, size_t n,
                   struct net_grant *grant, struct sk_err *err);

/*
 * The rule of `g` that allows `host` (a name, or an address literal,
 * without brackets) on `port`, or NULL.
 */
const struct net_rule *net_rules_match(const struct net_rules *g, const char *host, int port);

/*
 * Whether a connection allowed by `rule` may go to `sa`: a loopback,
 * link-local, multicast or unspecified address only when `rule` is an
 * address entry inside that same range, so that no name (and no broad
 * network such as 0.0.0.0/0) reaches the host's own services.
 */
bool net_addr_allowed(const struct net_rule *rule, const struct sockaddr *sa);

/* ------------------------------------------------------------- the proxy -- */

struct net_proxy;

/* A proxy for one run. `grant` is copied. */
struct net_proxy *net_proxy_new(const struct net_grant *grant);

/*
 * Start serving `listen_fd` (the run's socket, which the proxy now owns)
 * from a thread of its own. The signature is sandbox_net's attach hook.
 * Returns 0 or a negative errno (the fd is closed either way on failure).
 */
int net_proxy_attach(void *proxy, int listen_fd);

/* Stop accepting, end every connection, join every thread. Idempotent. */
void net_proxy_stop(struct net_proxy *p);

/*
 * The run's network report (a new reference), after net_proxy_stop:
 *   {allow:[entries], connections:[{host, port, address, method, allowed,
 *    reason, bytes_sent, bytes_received, ms}], refused, bytes,
 *    limits:{max_connections, max_bytes, connect_timeout_ms, connection_ms}}
 * bytes_sent is what the run sent out, bytes_received what came back.
 */
json_t *net_proxy_report(struct net_proxy *p);

void net_proxy_free(struct net_proxy *p);
