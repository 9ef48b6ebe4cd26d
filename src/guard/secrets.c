/*
 * Secrets in code: private keys, the token formats of the common clouds
 * and APIs, credentials in URLs, and literal strings assigned to names that
 * say they hold a secret (see guard.h).
 *
 * Two kinds of rule, as in gitleaks, detect-secrets and CodeShield's
 * language-agnostic rules:
 *   - formats: a fixed prefix and a length and alphabet that real tokens
 *     have (AKIA + 16 base32 characters, ghp_ + 36 alphanumerics, ...).
 *     These are precise, so any match is a finding.
 *   - assignments: `password = "..."`, `"api_key": "..."`,
 *     `token := "..."`. The name gives the meaning; the value must look
 *     like a secret (long enough, mixed, high entropy, not a placeholder
 *     such as "your-api-key" or "${TOKEN}", no spaces) so that prompts
 *     ("Enter your password"), field names and test fixtures do not count.
 *
 * Findings never carry the secret: the message names the kind and shows at
 * most a four-character prefix of a long value (the part that says which
 * kind of token it is), so reports and the audit log stay clean.
 */
#include "config.h"

#include "guard/guard-internal.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TOOL "secrets"

struct ctx {
    const char *code;
    size_t len;
    struct check_section *out;
    /* Findings already made, by rule and line, to report each once. */
    struct {
        const char *rule;
        int line;
    } seen[256];
    size_t nseen;
};

/* 1-based line and column of byte offset `off`. */
static void position(const struct ctx *c, size_t off, int *line, int *col)
{
    int l = 1;
    size_t last_nl = 0;
    bool any = false;
    for (size_t i = 0; i < off && i < c->len; i++) {
        if (c->code[i] == '\n') {
            l++;
            last_nl = i;
            any = true;
        }
    }
    *line = l;
    *col = (int)(any ? off - last_nl : off + 1);
}

static void report(struct ctx *c, size_t off, size_t n, const char *rule, const char *what,
                   enum severity sev, const char *cwe)
{
    int line, col;
    position(c, off, &line, &col);
    for (size_t i = 0; i < c->nseen; i++)
        if (c->seen[i].line == line && strcmp(c->seen[i].rule, rule) == 0)
            return;
    if (c->nseen < ARRAY_SIZE(c->seen)) {
        c->seen[c->nseen].rule = rule;
        c->seen[c->nseen].line = line;
        c->nseen++;
    }
    char msg[192];
    if (n >= 16)
        snprintf(msg, sizeof(msg), "%s in code (%.4s…, %zu characters); move it to configuration "
                                   "or a secret store and rotate it",
                 what, c->code + off, n);
    else
        snprintf(msg, sizeof(msg), "%s in code (%zu characters); move it to configuration or a "
                                   "secret store",
                 what, n);
    check_section_add(c->out, TOOL, rule, "secrets", sev, line, col, msg, cwe);
}

/* ------------------------------------------------------------------ */
/* Character classes                                                  */
/* ------------------------------------------------------------------ */

static bool alnum(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static bool in_set(unsigned char ch, const char *set)
{
    for (const char *p = set; *p; p++) {
        if (p[1] == '-' && p[2]) {
            if (ch >= (unsigned char)p[0] && ch <= (unsigned char)p[2])
                return true;
            p += 2;
        } else if ((unsigned char)*p == ch) {
            return true;
        }
    }
    return false;
}

/* Length of the run of `set` characters at s[i]. */
static size_t run(const char *s, size_t len, size_t i, const char *set)
{
    size_t j = i;
    while (j < len && in_set((unsigned char)s[j], set))
        j++;
    return j - i;
}

/* Shannon entropy in bits per character. */
static double entropy(const char *s, size_t n)
{
    unsigned counts[256] = {0};
    for (size_t i = 0; i < n; i++)
        counts[(unsigned char)s[i]]++;
    double e = 0;
    for (int i = 0; i < 256; i++) {
        if (!counts[i])
            continue;
        double p = (double)counts[i] / (double)n;
        e -= p * log2(p);
    }
    return e;
}

static bool contains_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (strncasecmp(s + i, needle, m) == 0)
            return true;
    return false;
}

/* ------------------------------------------------------------------ */
/* Format rules                                                       */
/* ------------------------------------------------------------------ */

struct format {
    const char *rule;
    const char *what;
    const char *prefix; /* case-sensitive */
    const char *set;    /* alphabet of the rest */
    size_t min, max;    /* length of the rest */
    enum severity sev;
};

static const struct format formats[] = {
    {"aws-access-key-id", "AWS access key id", "AKIA", "A-Z2-7", 16, 16, SEV_HIGH},
    {"aws-access-key-id", "AWS access key id", "ASIA", "A-Z2-7", 16, 16, SEV_HIGH},
    {"github-token", "GitHub token", "ghp_", "A-Za-z0-9", 36, 255, SEV_HIGH},
    {"github-token", "GitHub token", "gho_", "A-Za-z0-9", 36, 255, SEV_HIGH},
    {"github-token", "GitHub token", "ghu_", "A-Za-z0-9", 36, 255, SEV_HIGH},
    {"github-token", "GitHub token", "ghs_", "A-Za-z0-9", 36, 255, SEV_HIGH},
    {"github-token", "GitHub token", "ghr_", "A-Za-z0-9", 36, 255, SEV_HIGH},
    {"github-token", "GitHub fine-grained token", "github_pat_", "A-Za-z0-9_", 50, 255, SEV_HIGH},
    {"gitlab-token", "GitLab token", "glpat-", "A-Za-z0-9_-", 20, 64, SEV_HIGH},
    {"slack-token", "Slack token", "xoxb-", "A-Za-z0-9-", 10, 255, SEV_HIGH},
    {"slack-token", "Slack token", "xoxp-", "A-Za-z0-9-", 10, 255, SEV_HIGH},
    {"slack-token", "Slack token", "xoxa-", "A-Za-z0-9-", 10, 255, SEV_HIGH},
    {"slack-token", "Slack token", "xoxr-", "A-Za-z0-9-", 10, 255, SEV_HIGH},
    {"slack-token", "Slack token", "xoxs-", "A-Za-z0-9-", 10, 255, SEV_HIGH},
    {"slack-webhook", "Slack webhook URL", "https://hooks.slack.com/services/", "A-Za-z0-9/_",
     20, 255, SEV_MEDIUM},
    {"stripe-key", "Stripe live secret key", "sk_live_", "A-Za-z0-9", 20, 255, SEV_HIGH},
    {"stripe-key", "Stripe live restricted key", "rk_live_", "A-Za-z0-9", 20, 255, SEV_HIGH},
    {"stripe-key", "Stripe test secret key", "sk_test_", "A-Za-z0-9", 20, 255, SEV_MEDIUM},
    {"google-api-key", "Google API key", "AIza", "A-Za-z0-9_-", 35, 35, SEV_HIGH},
    {"google-oauth-token", "Google OAuth access token", "ya29.", "A-Za-z0-9_-", 20, 2048,
     SEV_HIGH},
    {"openai-key", "OpenAI API key", "sk-proj-", "A-Za-z0-9_-", 40, 255, SEV_HIGH},
    {"openai-key", "OpenAI API key", "sk-svcacct-", "A-Za-z0-9_-", 40, 255, SEV_HIGH},
    {"anthropic-key", "Anthropic API key", "sk-ant-", "A-Za-z0-9_-", 40, 255, SEV_HIGH},
    {"huggingface-token", "Hugging Face token", "hf_", "A-Za-z", 34, 34, SEV_HIGH},
    {"npm-token", "npm token", "npm_", "A-Za-z0-9", 36, 36, SEV_HIGH},
    {"pypi-token", "PyPI token", "pypi-AgEIcHlwaS5vcmc", "A-Za-z0-9_-", 50, 255, SEV_HIGH},
    {"sendgrid-key", "SendGrid API key", "SG.", "A-Za-z0-9_.-", 60, 80, SEV_HIGH},
    {"shopify-token", "Shopify access token", "shpat_", "a-fA-F0-9", 32, 32, SEV_HIGH},
    {"shopify-token", "Shopify shared secret", "shpss_", "a-fA-F0-9", 32, 32, SEV_HIGH},
    {"digitalocean-token", "DigitalOcean token", "dop_v1_", "a-f0-9", 64, 64, SEV_HIGH},
    {"twilio-key", "Twilio API key", "SK", "a-f0-9", 32, 32, SEV_MEDIUM},
    {"azure-storage-key", "Azure storage account key", "AccountKey=", "A-Za-z0-9+/=", 86, 88,
     SEV_HIGH},
};

static void scan_formats(struct ctx *c)
{
    const char *s = c->code;
    size_t len = c->len;
    for (size_t f = 0; f < ARRAY_SIZE(formats); f++) {
        const struct format *fm = &formats[f];
        size_t pl = strlen(fm->prefix);
        const char *p = s;
        while ((p = memmem(p, len - (size_t)(p - s), fm->prefix, pl)) != NULL) {
            size_t off = (size_t)(p - s);
            p += pl;
            /* A token starts at a word boundary... */
            if (off > 0 && alnum((unsigned char)s[off - 1]) && !strchr("=", fm->prefix[pl - 1]))
                continue;
            size_t n = run(s, len, off + pl, fm->set);
            /* ... and ends at one, with the length real tokens have. */
            if (n < fm->min || n > fm->max)
                continue;
            size_t end = off + pl + n;
            if (end < len && alnum((unsigned char)s[end]) && fm->max < 255)
                continue;
            /* Documentation's own example keys are not secrets. */
            if (contains_ci(s + off, pl + n, "EXAMPLE"))
                continue;
            /* Two-letter prefixes need a real token's mix to count. */
            if (pl <= 2 && entropy(s + off + pl, n) < 3.0)
                continue;
            report(c, off, pl + n, fm->rule, fm->what, fm->sev, "CWE-798");
        }
    }
}

/* -----BEGIN ... PRIVATE KEY----- followed by key material. */
static void scan_private_keys(struct ctx *c)
{
    const char *s = c->code, *p = s;
    size_t len = c->len;
    while ((p = memmem(p, len - (size_t)(p - s), "-----BEGIN ", 11)) != NULL) {
        size_t off = (size_t)(p - s);
        p += 11;
        const char *end = memmem(p, len - (size_t)(p - s) < 64 ? len - (size_t)(p - s) : 64,
                                 "-----", 5);
        if (!end)
            continue;
        size_t hl = (size_t)(end - p);
        if (!contains_ci(p, hl, "PRIVATE KEY"))
            continue;
        /* The header alone appears in parsers and tests ("startswith('-----BEGIN
         * PRIVATE KEY-----')"); a key has base64 material after it. Count base64
         * characters in the next 400 bytes, across line breaks and escaped ones. */
        size_t k = (size_t)(end - s) + 5, b64 = 0, best = 0;
        for (size_t i = k; i < len && i < k + 400; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (alnum(ch) || ch == '+' || ch == '/' || ch == '=') {
                b64++;
                if (b64 > best)
                    best = b64;
            } else if (ch == '\\' && i + 1 < len && s[i + 1] == 'n') {
                i++;
            } else if (ch != '\n' && ch != '\r' && ch != '"' && ch != '\'' && ch != ' ') {
                b64 = 0;
            }
        }
        if (best >= 40)
            report(c, off, (size_t)(end - s) + 5 - off, "private-key", "Private key",
                   SEV_CRITICAL, "CWE-321");
    }
}

/* ------------------------------------------------------------------ */
/* Credentials in URLs                                                */
/* ------------------------------------------------------------------ */

static bool placeholder(const char *v, size_t n)
{
    static const char *const marks[] = {
        "your",   "xxx",    "example", "placeholder", "changeme", "change_me", "change-me",
        "dummy",  "sample", "<",       ">",           "${",       "{{",        "%s",
        "%(",     "****",   "...",     "todo",        "fixme",    "insert",    "replace",
        "redacted", "secret_here", "here", "{", "}", "$(", "process.env", "os.environ",
        "getenv", "none",   "null",    "undefined",   "fake",     "mock",
    };
    for (size_t i = 0; i < ARRAY_SIZE(marks); i++)
        if (contains_ci(v, n, marks[i]))
            return true;
    /* One repeated character ("aaaaaaaa", "********"). */
    size_t same = 0;
    for (size_t i = 1; i < n; i++)
        same += v[i] == v[0];
    return n > 0 && same + 1 == n;
}

/* scheme://user:password@host */
static void scan_url_credentials(struct ctx *c)
{
    const char *s = c->code, *p = s;
    size_t len = c->len;
    while ((p = memmem(p, len - (size_t)(p - s), "://", 3)) != NULL) {
        size_t i = (size_t)(p - s) + 3;
        p += 3;
        size_t u = run(s, len, i, "A-Za-z0-9._~%!$&'()*+,;=-");
        if (u == 0 || i + u >= len || s[i + u] != ':')
            continue;
        size_t pw = i + u + 1;
        size_t n = run(s, len, pw, "A-Za-z0-9._~%!$&'()*+,;=-");
        if (n == 0 || pw + n >= len || s[pw + n] != '@')
            continue;
        static const char *const weak[] = {"password", "pass", "passwd", "pwd", "secret",
                                           "user", "admin", "root", "test"};
        bool trivial = false;
        for (size_t w = 0; w < ARRAY_SIZE(weak); w++)
            trivial |= n == strlen(weak[w]) && strncasecmp(s + pw, weak[w], n) == 0;
        if (trivial || placeholder(s + pw, n) || n < 4)
            continue;
        report(c, pw, n, "url-credentials", "Password in a URL", SEV_MEDIUM, "CWE-798");
    }
}

/* ------------------------------------------------------------------ */
/* Assignments to secret-sounding names                               */
/* ------------------------------------------------------------------ */

enum name_kind { NAME_NONE, NAME_PASSWORD, NAME_TOKEN };

/*
 * What a name (identifier or key) says it holds. The name is cut into
 * components (at punctuation and at lower-to-upper case changes:
 * "resetPasswordUrl" -> reset, password, url); a component that names
 * something about a secret rather than the secret ("url", "hash", "length",
 * "prompt", "reset") means the value is not one.
 */
static enum name_kind name_kind(const char *name, size_t n)
{
    char lc[64];
    size_t m = 0;
    static const char *const about[] = {
        "hash", "hashed", "field", "label", "prompt", "type", "name", "url", "uri", "path",
        "file", "env", "header", "policy", "length", "len", "count", "max", "min", "limit",
        "format", "regex", "pattern", "input", "placeholder", "ttl", "timeout", "endpoint",
        "param", "id", "reset", "forgot", "confirm", "confirmation", "required", "column",
        "dialog", "mode", "kind", "hint", "error", "message", "msg", "text", "title", "key_name",
        "validator", "strength", "policy", "rule", "rules", "expires", "expiry", "expiration",
        "tokenizer", "tokenize", "tokens", "var", "variable", "help", "display", "form",
    };
    size_t cstart = 0;
    for (size_t i = 0; i <= n && m + 1 < sizeof(lc); i++) {
        unsigned char ch = i < n ? (unsigned char)name[i] : 0;
        bool boundary = !alnum(ch) ||
                        (i > 0 && isupper(ch) && islower((unsigned char)name[i - 1]));
        if (boundary && m > cstart) {
            size_t cl = m - cstart;
            for (size_t k = 0; k < ARRAY_SIZE(about); k++)
                if (strlen(about[k]) == cl && memcmp(lc + cstart, about[k], cl) == 0)
                    return NAME_NONE;
            cstart = m;
        }
        if (alnum(ch)) {
            lc[m++] = (char)tolower(ch);
            if (boundary)
                cstart = m - 1;
        }
    }
    lc[m] = '\0';
    if (m == 0)
        return NAME_NONE;
    static const char *const pw[] = {"password", "passwd", "passphrase", "pwd", "passwort"};
    for (size_t i = 0; i < ARRAY_SIZE(pw); i++)
        if (strstr(lc, pw[i]))
            return NAME_PASSWORD;
    static const char *const tok[] = {
        "secret", "token", "apikey", "accesskey", "privatekey", "authkey", "signingkey",
        "encryptionkey", "masterkey", "sessionkey", "clientsecret", "hmackey", "jwtkey",
        "credential", "bearer", "mnemonic", "seedphrase", "aeskey", "cryptokey", "appkey",
        "secretkey",
    };
    for (size_t i = 0; i < ARRAY_SIZE(tok); i++)
        if (strstr(lc, tok[i]))
            return NAME_TOKEN;
    return NAME_NONE;
}

/*
 * Does the literal look like a secret for a name of this kind? Passwords
 * may be short words; tokens must be long and random-looking. Neither may
 * be a placeholder, a stock word ("password", "changeme") or contain a
 * space (a message such as "Enter your password").
 */
static bool value_is_secret(enum name_kind kind, const char *v, size_t n)
{
    if (n < (kind == NAME_PASSWORD ? 6 : 16) || placeholder(v, n))
        return false;
    static const char *const trivial[] = {"password", "passwd", "secret", "changeme",
                                          "testing", "test123", "pass123"};
    for (size_t i = 0; i < ARRAY_SIZE(trivial); i++)
        if (strlen(trivial[i]) == n && strncasecmp(v, trivial[i], n) == 0)
            return false;
    bool lower = false, upper = false, digit = false, other = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch == ' ' || ch == '\t' || ch == '\\')
            return false;
        lower |= ch >= 'a' && ch <= 'z';
        upper |= ch >= 'A' && ch <= 'Z';
        digit |= ch >= '0' && ch <= '9';
        other |= !alnum(ch);
    }
    if (v[0] == '/' || v[0] == '.' || contains_ci(v, n, "://"))
        return false;
    /* A literal password is a finding whatever its strength (bandit B105 and
     * CodeShield agree); only a value that is one repeated pattern is not. */
    int classes = lower + upper + digit + other;
    double e = entropy(v, n);
    if (kind == NAME_PASSWORD)
        return e >= 1.5;
    return classes >= 2 && e >= 3.3;
}

/* The identifier or key just before the assignment operator at line[op]. */
static size_t name_before(const char *line, size_t op, size_t *start)
{
    size_t j = op;
    while (j > 0 && (line[j - 1] == ' ' || line[j - 1] == '\t'))
        j--;
    /* "password": ..., obj['api_key'] = ..., $password = ... */
    while (j > 0 && (line[j - 1] == '"' || line[j - 1] == '\'' || line[j - 1] == ']' ||
                     line[j - 1] == '`'))
        j--;
    size_t end = j;
    while (j > 0 && (alnum((unsigned char)line[j - 1]) || line[j - 1] == '_' ||
                     line[j - 1] == '-' || line[j - 1] == '.' || line[j - 1] == '$'))
        j--;
    /* Keep only the last component of a dotted name (self.api_key, config.TOKEN). */
    size_t k = end;
    while (k > j && line[k - 1] != '.')
        k--;
    /* A type annotation between the name and "=": `secret: string = ...`,
     * `password: str = ...`. Take the name before the colon. */
    size_t c = j;
    while (c > 0 && (line[c - 1] == ' ' || line[c - 1] == '\t'))
        c--;
    if (c > 0 && line[c - 1] == ':' && op > 0 && line[op] == '=') {
        size_t s2;
        size_t n2 = name_before(line, c - 1, &s2);
        if (n2) {
            *start = s2;
            return n2;
        }
    }
    *start = k;
    return end - k;
}

static void scan_assignments(struct ctx *c)
{
    const char *s = c->code;
    size_t len = c->len;
    size_t line_start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '\n')
            continue;
        const char *line = s + line_start;
        size_t ll = i - line_start;
        /* Walk the line's string literals, each once (nested quotes stay inside). */
        for (size_t k = 0; k < ll; k++) {
            char q = line[k];
            if (q != '"' && q != '\'' && q != '`')
                continue;
            size_t v = k + 1, e = v;
            while (e < ll && line[e] != q) {
                if (line[e] == '\\')
                    e++;
                e++;
            }
            if (e >= ll)
                break; /* unterminated on this line (a multi-line string) */
            /* An operator just before the literal: =, :, :=, ==, !=, =>, ?? */
            size_t o = k;
            while (o > 0 && (line[o - 1] == ' ' || line[o - 1] == '\t' || line[o - 1] == '(' ||
                             line[o - 1] == 'b' || line[o - 1] == 'r' || line[o - 1] == 'f'))
                o--;
            bool op = o > 0 && (line[o - 1] == '=' || line[o - 1] == ':' ||
                                (o > 1 && line[o - 1] == '>' && line[o - 2] == '='));
            if (op) {
                size_t opos = o - 1;
                while (opos > 0 && strchr("=:!<>?|&+", line[opos - 1]))
                    opos--;
                size_t nstart;
                size_t nlen = name_before(line, opos, &nstart);
                enum name_kind kind = nlen ? name_kind(line + nstart, nlen) : NAME_NONE;
                /* A quoted 64-hex-digit key is the hex-key rule's. */
                bool hexkey = e - v == 66 && line[v] == '0' && line[v + 1] == 'x';
                if (kind != NAME_NONE && !hexkey && value_is_secret(kind, line + v, e - v))
                    report(c, line_start + v, e - v,
                           kind == NAME_PASSWORD ? "hardcoded-password" : "hardcoded-secret",
                           kind == NAME_PASSWORD ? "Hard-coded password"
                                                 : "Hard-coded secret or token",
                           kind == NAME_PASSWORD ? SEV_MEDIUM : SEV_HIGH, "CWE-798");
            }
            k = e;
        }
        line_start = i + 1;
    }
}

/*
 * A 64-hex-digit literal assigned to a key-like name: an Ethereum (or other
 * secp256k1) private key, common in generated deployment scripts.
 */
static void scan_hex_keys(struct ctx *c)
{
    const char *s = c->code;
    size_t len = c->len;
    for (size_t i = 0; i + 66 <= len; i++) {
        if (s[i] != '0' || s[i + 1] != 'x' || (i > 0 && alnum((unsigned char)s[i - 1])))
            continue;
        size_t n = run(s, len, i + 2, "0-9a-fA-F");
        if (n != 64)
            continue;
        /* Look back on the line for the name. */
        size_t ls = i;
        while (ls > 0 && s[ls - 1] != '\n')
            ls--;
        size_t b = i;
        while (b > ls && (s[b - 1] == ' ' || s[b - 1] == '"' || s[b - 1] == '\''))
            b--;
        if (b == ls || (s[b - 1] != '=' && s[b - 1] != ':'))
            continue;
        size_t nstart;
        size_t nlen = name_before(s + ls, b - 1 - ls, &nstart);
        char lc[64];
        size_t m = 0;
        for (size_t k = 0; k < nlen && m + 1 < sizeof(lc); k++)
            if (alnum((unsigned char)s[ls + nstart + k]))
                lc[m++] = (char)tolower((unsigned char)s[ls + nstart + k]);
        lc[m] = '\0';
        if (strstr(lc, "private") || strstr(lc, "secret") || strstr(lc, "mnemonic") ||
            strstr(lc, "signer") || strcmp(lc, "pk") == 0 ||
            strstr(lc, "deployerkey") || strstr(lc, "walletkey"))
            report(c, i, n + 2, "private-key-hex", "Hex private key", SEV_CRITICAL, "CWE-321");
        i += n + 1;
    }
}

int guard_scan_secrets(const struct lang *lang, const char *code, size_t len,
                       struct check_section *out)
{
    (void)lang; /* every rule is language-agnostic today */
    double t0 = sk_now_ms();
    if (!code || !sk_utf8_valid(code, len)) {
        check_section_fail(out, CHECK_ERROR, "secrets: code is not valid UTF-8");
        return -EINVAL;
    }
    struct ctx *c = xcalloc(1, sizeof(*c));
    c->code = code;
    c->len = len;
    c->out = out;
    scan_private_keys(c);
    scan_formats(c);
    scan_url_credentials(c);
    scan_assignments(c);
    scan_hex_keys(c);
    free(c);
    check_section_tool(out, TOOL, SKITTY_VERSION, sk_now_ms() - t0);
    out->status = CHECK_OK;
    return 0;
}
