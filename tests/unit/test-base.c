/*
 * Unit tests for src/base: errors, capped buffers, UTF-8 validation, strict
 * JSON parsing, and configuration loading and validation.
 */
#include "config.h"

#include "base/buf.h"
#include "base/conf.h"
#include "base/error.h"
#include "base/json.h"
#include "base/util.h"
#include "lang/lang.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static void test_error(void)
{
    struct sk_err err;
    is_int(sk_err_make(&err, ENOENT, "open %s", "x"), -ENOENT, "sk_err_make returns -errno");
    ok(strstr(err.msg, "open x: ") == err.msg, "message starts with the context: %s", err.msg);
    ok(strstr(err.msg, "No such file") != NULL, "strerror appended");
    is_int(sk_err_wrap(&err, "load"), -ENOENT, "wrap keeps the code");
    ok(strncmp(err.msg, "load: open x", 12) == 0, "wrap prefixes: %s", err.msg);
    is_int(sk_err_msg(&err, 0, "plain"), -EIO, "errno 0 becomes EIO");
    is_str(err.msg, "plain", "sk_err_msg adds no strerror");
}

static void test_buf(void)
{
    struct sk_buf b;
    sk_buf_init(&b, 8);
    is_int(sk_buf_append(&b, "1234", 4), 0, "append under the cap");
    is_int(sk_buf_printf(&b, "%d", 5678), 0, "printf up to the cap exactly");
    is_int(sk_buf_append(&b, "9", 1), -EMSGSIZE, "append past the cap fails");
    is_str(sk_buf_str(&b), "12345678", "contents unchanged after a refused append");
    is_int(sk_buf_printf(&b, "%s", "toolong"), -EMSGSIZE, "printf past the cap fails");
    char *s = sk_buf_steal(&b);
    is_str(s, "12345678", "steal hands over the string");
    is_int(b.len, 0, "buffer empty after steal");
    free(s);
    sk_buf_close(&b);
}

static void test_utf8(void)
{
    ok(sk_utf8_valid("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80", 15), "valid multi-byte");
    ok(!sk_utf8_valid("\xc0\xaf", 2), "overlong rejected");
    ok(!sk_utf8_valid("\xed\xa0\x80", 3), "surrogate rejected");
    ok(!sk_utf8_valid("\xe2\x82", 2), "truncated sequence rejected");
    ok(!sk_utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF rejected");
    ok(!sk_utf8_valid("\xff", 1), "0xff rejected");
}

static void test_json(void)
{
    struct sk_err err;
    json_t *v = NULL;
    is_int(sk_json_parse("{\"a\":1,\"a\":2}", 13, &v, &err), -EINVAL, "duplicate keys rejected");
    is_int(sk_json_parse("{\"a\":\"\xff\"}", 9, &v, &err), -EINVAL, "invalid UTF-8 rejected");
    ok(strstr(err.msg, "UTF-8") != NULL, "message names UTF-8");
    is_int(sk_json_parse("{\"a\":\"\\u0000\"}", 14, &v, &err), -EINVAL, "NUL in string rejected");
    is_int(sk_json_parse("{} x", 4, &v, &err), -EINVAL, "trailing garbage rejected");
    is_int(sk_json_parse("{\"s\":\"x\",\"n\":3}", 15, &v, &err), 0, "valid object parses");
    const char *s;
    size_t len;
    is_int(sk_json_get_str(v, "s", true, &s, &len, &err), 0, "string field read");
    is_str(s, "x", "string value");
    is_int(sk_json_get_str(v, "n", true, &s, &len, &err), -EINVAL, "wrong type refused");
    is_str(err.msg, "field 'n' must be a string", "wrong type names the field");
    is_int(sk_json_get_str(v, "m", true, &s, &len, &err), -ENOENT, "missing field refused");
    is_str(err.msg, "missing field 'm'", "missing names the field");
    is_int(sk_json_get_str(v, "m", false, &s, &len, &err), 0, "optional field may be absent");
    json_decref(v);
    json_t *l = sk_json_string_lossy("a\xff" "b", 3);
    is_str(json_string_value(l), "a\xef\xbf\xbd" "b", "lossy string replaces bad bytes");
    json_decref(l);
}

static void test_config(void)
{
    struct sk_config cfg;
    struct sk_err err;
    sk_config_defaults(&cfg);
    is_int(sk_config_validate(&cfg, &err), 0, "defaults validate");
    is_int(cfg.sandbox_memory_mb, 512, "default memory is the blueprint's 512 MiB");
    is_int(cfg.sandbox_wall_s, 10, "default wall time is 10 s");
    is_int(cfg.sandbox_cpus, 1, "default is one CPU");
    is_str(cfg.model_provider, "builtin", "default provider is offline");

    char path[] = "/tmp/skitty-test-config-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "# comment\n[server]\nlisten = 0.0.0.0:9000\n[model]\nprovider = openai\n"
                       "url = http://127.0.0.1:1/v1/chat/completions\n";
    sk_write_all(fd, text, strlen(text));
    close(fd);
    is_int(sk_config_load_file(&cfg, path, &err), 0, "config file loads");
    is_str(cfg.listen, "0.0.0.0:9000", "listen read from file");
    is_int(sk_config_validate(&cfg, &err), -EPERM, "non-loopback without keys refused");
    ok(strstr(err.msg, "without API keys") != NULL, "refusal says why: %s", err.msg);
    is_int(sk_config_set(&cfg, "keys", "ci",
                         "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                         &err), 0, "a key line parses");
    is_int(sk_config_validate(&cfg, &err), 0, "non-loopback with a key is allowed");

    char e1[] = "SKITTY_SANDBOX_WALL_S=5", e2[] = "SKITTY_MODEL_NAME=qwen", e3[] = "OTHER=1";
    char *env[] = {e1, e2, e3, NULL};
    is_int(sk_config_load_env(&cfg, env, &err), 0, "environment overrides load");
    is_int(cfg.sandbox_wall_s, 5, "SKITTY_SANDBOX_WALL_S applied");
    is_str(cfg.model_name, "qwen", "SKITTY_MODEL_NAME applied");
    char e4[] = "SKITTY_SANDBOX_WALL_S=0";
    char *bad_env[] = {e4, NULL};
    is_int(sk_config_load_env(&cfg, bad_env, &err), -EINVAL, "out-of-range value refused");

    FILE *f = fopen(path, "w");
    fputs("[server]\nlisen = 1\n", f);
    fclose(f);
    is_int(sk_config_load_file(&cfg, path, &err), -EINVAL, "unknown key refused");
    ok(strstr(err.msg, ":2:") && strstr(err.msg, "server.lisen"), "error names line and key: %s",
       err.msg);
    unlink(path);

    ok(sk_config_listen_is_loopback("127.0.0.1:8080"), "127.0.0.1 is loopback");
    ok(sk_config_listen_is_loopback("[::1]:8080"), "::1 is loopback");
    ok(!sk_config_listen_is_loopback("10.0.0.1:80"), "10.0.0.1 is not");
    ok(!sk_config_listen_is_loopback("localhost:80"), "names are not accepted");
}

static void test_lang(void)
{
    ok(lang_by_name("python") && lang_by_name("python")->id == LANG_PYTHON, "python by name");
    ok(lang_by_name("Python") == NULL, "names are exact");
    ok(lang_by_name("rust") == NULL, "unknown language");
    ok(lang_by_fence("TS", 2) == lang_get(LANG_TYPESCRIPT), "fence tag ts");
    ok(lang_by_fence("py3", 3) == lang_get(LANG_PYTHON), "fence tag py3");
    ok(lang_by_fence("p", 1) == NULL, "partial tags do not match");
}

int main(void)
{
    test_error();
    test_buf();
    test_utf8();
    test_json();
    test_config();
    test_lang();
    return tap_done();
}
