/*
 * Unit tests for the secret scanner: each rule finds what it is for, the
 * finding never carries the secret, and ordinary code (placeholders,
 * environment lookups, prompts, hashes, example keys) stays clean.
 */
#include "config.h"

#include "base/util.h"
#include "guard/guard.h"
#include "lang/lang.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

/* Scan and return the first finding's rule ("" when none); the message is kept. */
static char last_message[256];
static int last_line;

static const char *scan(const char *lang, const char *code)
{
    static char rule[64];
    struct check_section s;
    check_section_init(&s);
    guard_scan_secrets(lang_by_name(lang), code, strlen(code), &s);
    rule[0] = '\0';
    last_message[0] = '\0';
    last_line = 0;
    if (s.nfindings) {
        snprintf(rule, sizeof(rule), "%s", s.findings[0].rule);
        snprintf(last_message, sizeof(last_message), "%s", s.findings[0].message);
        last_line = s.findings[0].line;
    }
    check_section_close(&s);
    return rule;
}

static void test_positives(void)
{
    /* Split so that this file itself does not look like it holds secrets. */
    is_str(scan("python", "KEY = '-----BEGIN RSA " "PRIVATE KEY-----\n"
                          "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n"
                          "7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFc\n"
                          "-----END RSA " "PRIVATE KEY-----'\n"),
           "private-key", "PEM private key");
    is_str(scan("javascript", "const key = \"-----BEGIN " "PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0"
                              "BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R\\n...\";"),
           "private-key", "private key with escaped newlines");
    is_str(scan("python", "aws_id = 'AKIA" "QYLPMN5HHHFPZAM2'"), "aws-access-key-id", "AWS key id");
    is_str(scan("typescript", "const t = 'ghp_" "16C7e42F292c6912E7710c838347Ae178B4a';"),
           "github-token", "GitHub token");
    is_str(scan("javascript", "stripe(\"sk_live_" "4eC39HqLyjWDarjtT1zdp7dc\")"), "stripe-key",
           "Stripe live key");
    is_str(scan("python", "url = f'https://maps.googleapis.com/x?key=AIza" "SyD-9tSrke72PouQMnMX"
                          "-a7eZSW0jkFMBWY'"),
           "google-api-key", "Google API key");
    is_str(scan("javascript", "new WebClient('xoxb-" "263594206564-2343594206574-FGqddMF8t08v8N7O"
                              "q4i57vs1');"),
           "slack-token", "Slack token");
    is_str(scan("python", "client = OpenAI(api_key='sk-proj-" "Ab3dEf5hIj7lMn9pQr1tUv3xYz5B"
                          "d7Fh9Jl1Np3Rt5Vx7Zb9')"),
           "openai-key", "OpenAI key");
    is_str(scan("python", "HF = 'hf_" "aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH'"), "huggingface-token",
           "Hugging Face token");
    is_str(scan("python", "DATABASE_URL = 'postgres://app:S3cr3tPassw0rd@db.internal/app'"),
           "url-credentials", "password in a URL");
    is_str(scan("python", "password = 'Tr0ub4dor&3'"), "hardcoded-password", "literal password");
    is_int(last_line, 1, "on line 1");
    is_str(scan("python", "def login(u):\n    return connect(user=u, password=\"megadeth\")\n"),
           "hardcoded-password", "password keyword argument (a plain word still counts)");
    is_str(scan("javascript", "if (req.body.password === \"letmein123\") {"),
           "hardcoded-password", "comparison with a literal password");
    is_str(scan("python", "config = {\"api_key\": \"3f9a7c1e5b2d8f40a6c9e1b7d3f5a8c2\"}"),
           "hardcoded-secret", "random hex assigned to api_key");
    is_str(scan("javascript", "this.clientSecret = 'q8Zt3LmN0pR5vX2wK7yB4cF9';"),
           "hardcoded-secret", "camelCase clientSecret");
    is_str(scan("typescript", "const JWT_SECRET: string = \"n0t-s0-r4nd0m-but-l0ng-3n0ugh-k3y\";"),
           "hardcoded-secret", "a JWT signing secret");
    is_str(scan("solidity", "string constant PRIVATE_KEY = \"0x4c0883a69102937d6231471b5dbb6204fe"
                            "5129617082792ae468d01a3f362318\";"),
           "private-key-hex", "hex private key in Solidity");
    is_str(scan("javascript", "const privateKey = 0x4c0883a69102937d6231471b5dbb6204fe51296170827"
                              "92ae468d01a3f362318n;"),
           "private-key-hex", "hex private key literal");
    is_int(last_line, 1, "line reported");

    /* The message names the kind and never holds the secret. */
    scan("python", "token = 'ghp_" "16C7e42F292c6912E7710c838347Ae178B4a'");
    ok(strstr(last_message, "16C7e42F") == NULL, "the message does not contain the token: %s",
       last_message);
    ok(strstr(last_message, "GitHub token") != NULL, "it names the kind");
    scan("python", "password = 'Tr0ub4dor&3'");
    ok(strstr(last_message, "Tr0u") == NULL, "a short secret shows no characters: %s",
       last_message);
}

static void test_negatives(void)
{
    static const struct {
        const char *lang, *code, *why;
    } clean[] = {
        {"python", "aws_id = 'AKIA" "IOSFODNN7EXAMPLE'", "AWS's documentation example key"},
        {"python", "if pem.startswith('-----BEGIN " "PRIVATE KEY-----'):\n    parse(pem)",
         "a PEM header in a parser"},
        {"python", "password = os.environ['DB_PASSWORD']", "password from the environment"},
        {"python", "password = getpass.getpass('Password: ')", "password prompt"},
        {"python", "password = 'your-password-here'", "placeholder"},
        {"python", "API_KEY = '<YOUR_API_KEY>'", "angle-bracket placeholder"},
        {"javascript", "const apiKey = process.env.API_KEY || '';", "env lookup"},
        {"javascript", "const token = `${prefix}-${id}`;", "template literal"},
        {"python", "print('Enter your password:')", "a message about a password"},
        {"python", "password_hash = bcrypt.hashpw(pw, bcrypt.gensalt())", "a hash call"},
        {"python", "token_url = 'https://oauth2.googleapis.com/token'", "a token URL"},
        {"python", "max_tokens = 1024\ntokenizer = 'bert-base-uncased'", "token counts"},
        {"python", "PASSWORD_MIN_LENGTH = 12\nreset_password_url = '/accounts/reset/'",
         "settings about passwords"},
        {"python", "password = ''", "empty password"},
        {"python", "password = 'password'", "the word password"},
        {"python", "digest = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'",
         "a hash digest under a neutral name"},
        {"solidity", "bytes32 public constant MINTER_ROLE = 0x9f2df0fed2c77648de5860a4cc508cd0818c"
                     "85b8b8a1ab4ceeef8d981c8956a6;",
         "a role hash constant"},
        {"python", "cursor.execute(\"SELECT * FROM users WHERE password = '%s'\" % pw)",
         "SQL text with a password column"},
        {"javascript", "headers: { Authorization: `Bearer ${token}` }", "bearer from a variable"},
        {"python", "session_token = secrets.token_urlsafe(32)", "a generated token"},
        {"python", "url = 'postgres://user:password@localhost/db'", "documentation-style URL"},
        {"typescript", "type Credentials = { username: string; password: string };",
         "a type declaration"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(clean); i++)
        is_str(scan(clean[i].lang, clean[i].code), "", "clean: %s", clean[i].why);
}

static void test_section(void)
{
    struct check_section s;
    check_section_init(&s);
    is_int(guard_scan_secrets(lang_by_name("python"), "x = 1\n", 6, &s), 0, "scan ran");
    is_int(s.status, CHECK_OK, "section ok");
    is_int(s.ntools, 1, "tool recorded");
    is_str(s.tools[0].name, "secrets", "tool name");
    check_section_close(&s);

    check_section_init(&s);
    is_int(guard_scan_secrets(NULL, "password = 'Tr0ub4dor&3'", 24, &s), 0,
           "a NULL language uses the generic rules");
    is_int(s.nfindings, 1, "and still finds");
    is_str(s.findings[0].category, "secrets", "category secrets");
    is_str(s.findings[0].cwe, "CWE-798", "CWE-798");
    is_str(s.findings[0].tool, "secrets", "tool secrets");
    check_section_close(&s);

    check_section_init(&s);
    ok(guard_scan_secrets(NULL, "\xff\xfe", 2, &s) < 0, "invalid UTF-8 is an error");
    is_int(s.status, CHECK_ERROR, "and the section says so (fail closed)");
    check_section_close(&s);

    /* Two secrets on two lines, one of them twice on the same line. */
    check_section_init(&s);
    const char *two = "a = 'AKIA" "QYLPMN5HHHFPZAM2' + 'AKIA" "QYLPMN5HHHFPZAM2'\n"
                      "password = 'Tr0ub4dor&3'\n";
    guard_scan_secrets(NULL, two, strlen(two), &s);
    is_int(s.nfindings, 2, "one finding per rule and line");
    check_section_close(&s);
}

int main(void)
{
    test_positives();
    test_negatives();
    test_section();
    return tap_done();
}
