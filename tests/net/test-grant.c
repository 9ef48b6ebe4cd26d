/*
 * Grants (src/net/grant.c): what an entry may say, when a request's entry
 * is covered by the operator's allowlist (narrowing only), which rule a
 * destination matches, and which resolved addresses a rule may reach.
 * Written as an attacker probing for a way to widen a grant.
 */
#include "config.h"

#include "net/net.h"
#include "tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

static struct net_rule rule(const char *text)
{
    struct net_rule r;
    struct sk_err err;
    if (net_rule_parse(text, &r, &err) < 0)
        printf("# parse %s: %s\n", text, err.msg);
    return r;
}

static bool covers(const char *outer, const char *inner)
{
    struct net_rule o = rule(outer), i = rule(inner);
    return net_rule_covers(&o, &i);
}

static bool reaches(const char *text, const char *addr)
{
    struct net_rule r = rule(text);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    if (strchr(addr, ':')) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        inet_pton(AF_INET6, addr, &s6->sin6_addr);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        inet_pton(AF_INET, addr, &s4->sin_addr);
    }
    return net_addr_allowed(&r, (struct sockaddr *)&ss);
}

static void test_parse(void)
{
    static const char *const good[][2] = {
        {"api.example.com:443", "api.example.com:443"},
        {"API.Example.COM.:443", "api.example.com:443"},
        {"*.example.com:*", "*.example.com:*"},
        {"10.1.2.3:8080", "10.1.2.3:8080"},
        {"10.1.2.3/8:80", "10.0.0.0/8:80"},
        {"[2001:db8::1]:443", "[2001:db8::1]:443"},
        {"[2001:db8::/32]:*", "[2001:db8::/32]:*"},
        {"localhost:5000", "localhost:5000"},
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct net_rule r;
        struct sk_err err;
        is_int(net_rule_parse(good[i][0], &r, &err), 0, "'%s' parses", good[i][0]);
        ok(!strcmp(r.text, good[i][1]), "'%s' reads as %s (got %s)", good[i][0], good[i][1],
           r.text);
    }
    static const char *const bad[] = {
        "", "api.example.com", "api.example.com:", "api.example.com:0", "api.example.com:65536",
        "api.example.com:+443", "api.example.com:44x", ":443", "*:443", "*.com:443", "a*.b.com:443",
        "-a.com:443", "a-.com:443", "a..com:443", "a_b.com:443", "a.com:443:1", "2001:db8::1:443",
        "[10.1.2.3]:80", "[a.com]:80", "10.0.0.0/33:80", "10.0.0.0/-1:80", "10.0.0.0/:80",
        "user@a.com:80", "a.com/x:80", "http://a.com:80", "a com:80",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct net_rule r;
        struct sk_err err;
        is_int(net_rule_parse(bad[i], &r, &err), -EINVAL, "'%s' refused", bad[i]);
    }
}

static void test_covers(void)
{
    ok(covers("api.example.com:443", "api.example.com:443"), "same entry");
    ok(covers("API.example.com:*", "api.example.com:443"), "any port covers one");
    ok(!covers("api.example.com:443", "api.example.com:*"), "one port does not cover any");
    ok(!covers("api.example.com:443", "api.example.com:444"), "another port");
    ok(!covers("api.example.com:443", "example.com:443"), "the parent domain");
    ok(!covers("api.example.com:443", "x.api.example.com:443"), "a subdomain");
    ok(covers("*.example.com:443", "api.example.com:443"), "wildcard covers a subdomain");
    ok(covers("*.example.com:443", "a.b.example.com:443"), "and deeper ones");
    ok(covers("*.example.com:443", "*.api.example.com:443"), "and a narrower wildcard");
    ok(!covers("*.example.com:443", "example.com:443"), "not the domain itself");
    ok(!covers("*.example.com:443", "badexample.com:443"), "not a name that only ends alike");
    ok(!covers("*.api.example.com:443", "*.example.com:443"), "no wider wildcard");
    ok(covers("10.0.0.0/8:*", "10.231.1.2:8080"), "network covers an address");
    ok(covers("10.0.0.0/8:*", "10.231.0.0/16:80"), "and a smaller network");
    ok(!covers("10.231.0.0/16:*", "10.0.0.0/8:80"), "not a larger one");
    ok(!covers("10.0.0.0/8:*", "11.0.0.1:80"), "not an address outside");
    ok(!covers("10.231.1.2:80", "api.example.com:80"), "an address does not cover a name");
    ok(!covers("api.example.com:80", "10.231.1.2:80"), "a name does not cover an address");
    ok(!covers("0.0.0.0/0:*", "[::1]:80"), "v4 does not cover v6");
    ok(covers("[2001:db8::/32]:*", "[2001:db8:1::5]:443"), "v6 network covers its address");
}

static void test_grant_make(void)
{
    struct sk_config cfg;
    sk_config_defaults(&cfg);
    snprintf(cfg.network_allow, sizeof(cfg.network_allow), "10.231.0.0/16:*, *.skitty.test:8080");
    struct net_policy pol;
    struct net_grant g;
    struct sk_err err;
    is_int(net_policy_from_config(&cfg, &pol, &err), 0, "allowlist parses");
    is_int(pol.allow.n, 2, "two entries");
    const char *one[] = {"10.231.1.2:8080"};
    is_int(net_grant_make(&pol, one, 1, &g, &err), -EPERM, "grants off: refused");
    ok(strstr(err.msg, "not permitted") != NULL, "message says so: %s", err.msg);

    pol.grants = true;
    is_int(net_grant_make(&pol, one, 1, &g, &err), 0, "covered entry granted");
    is_int(g.limits.max_connections, 16, "the operator's limits come along");
    const char *wide[] = {"10.231.1.2:8080", "10.0.0.0/8:8080"};
    is_int(net_grant_make(&pol, wide, 2, &g, &err), -EPERM, "one wider entry refuses the grant");
    ok(strstr(err.msg, "10.0.0.0/8:8080") != NULL, "naming it: %s", err.msg);
    const char *bad[] = {"nonsense"};
    is_int(net_grant_make(&pol, bad, 1, &g, &err), -EINVAL, "malformed entry");
    is_int(net_grant_make(&pol, bad, 0, &g, &err), -EINVAL, "empty grant");

    snprintf(cfg.network_allow, sizeof(cfg.network_allow), "ok.test:80, broken");
    is_int(net_policy_from_config(&cfg, &pol, &err), -EINVAL, "bad allowlist refused at start");
    ok(strstr(err.msg, "[network] allow") != NULL, "naming the key: %s", err.msg);
}

static void test_match(void)
{
    struct net_rules g = {.n = 3};
    g.r[0] = rule("api.example.com:443");
    g.r[1] = rule("*.cdn.example.com:443");
    g.r[2] = rule("10.231.1.0/24:8080");
    ok(net_rules_match(&g, "api.example.com", 443) == &g.r[0], "name");
    ok(net_rules_match(&g, "API.EXAMPLE.COM.", 443) == &g.r[0], "name, any case, final dot");
    ok(!net_rules_match(&g, "api.example.com", 80), "name on another port");
    ok(net_rules_match(&g, "a.cdn.example.com", 443) == &g.r[1], "wildcard");
    ok(!net_rules_match(&g, "cdn.example.com", 443), "wildcard's own domain");
    ok(net_rules_match(&g, "10.231.1.77", 8080) == &g.r[2], "address in the network");
    ok(!net_rules_match(&g, "10.231.2.1", 8080), "address outside");
    ok(!net_rules_match(&g, "0x0a.231.1.2", 8080), "no odd address spellings");
    ok(!net_rules_match(&g, "api.example.com\r\nX: y", 443), "no header injection in a name");
    ok(!net_rules_match(&g, "api.example.com", 0), "port 0");
    ok(!net_rules_match(&g, "api.example.com", 70000), "port out of range");
}

static void test_addresses(void)
{
    ok(reaches("api.example.com:443", "93.184.216.34"), "a name reaches a public address");
    ok(reaches("api.example.com:443", "10.1.2.3"), "and a private one (operator's choice)");
    ok(!reaches("api.example.com:443", "127.0.0.1"), "a name never reaches loopback");
    ok(!reaches("api.example.com:443", "127.8.9.10"), "any of 127/8");
    ok(!reaches("api.example.com:443", "::1"), "nor ::1");
    ok(!reaches("api.example.com:443", "::ffff:127.0.0.1"), "nor loopback mapped in v6");
    ok(!reaches("api.example.com:443", "169.254.169.254"), "nor the metadata address");
    ok(!reaches("api.example.com:443", "0.0.0.0"), "nor 0.0.0.0 (this host)");
    ok(!reaches("api.example.com:443", "fe80::1"), "nor v6 link-local");
    ok(!reaches("api.example.com:443", "224.0.0.1"), "nor multicast");
    ok(!reaches("0.0.0.0/0:*", "127.0.0.1"), "a broad network does not reach loopback");
    ok(!reaches("0.0.0.0/0:*", "169.254.169.254"), "nor link-local");
    ok(reaches("0.0.0.0/0:*", "8.8.8.8"), "but does reach the rest");
    ok(reaches("127.0.0.1:8080", "127.0.0.1"), "an explicit loopback entry does");
    ok(!reaches("10.231.1.2:80", "10.231.1.3"), "an address entry reaches only itself");
}

int main(void)
{
    test_parse();
    test_covers();
    test_grant_make();
    test_match();
    test_addresses();
    return tap_done();
}
