/*
 * Code extraction from a model's reply (see model_extract_code in model.h).
 *
 * Models answer in Markdown. We take the first fenced block (``` or ~~~)
 * whose info string names the requested language; failing that, the first
 * fenced block with no info string. A block left open at the end of the
 * reply (the model ran out of tokens) runs to the end. Prose without any
 * fence yields NULL: we never run a model's prose as code. As in CommonMark,
 * a block closes only at a fence of the same character at least as long as
 * the one that opened it.
 */
#include "config.h"

#include "model/model.h"
#include "base/util.h"

#include <ctype.h>
#include <string.h>

struct block {
    const char *info;  /* info string start; points into the reply */
    size_t info_len;
    const char *body;  /* first byte after the opening line */
    size_t body_len;
};

/* Length of the line starting at p (without its newline). */
static size_t line_len(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? (size_t)(nl - p) : (size_t)(end - p);
}

/*
 * If the line at p (up to end) opens or closes a fence, return the fence
 * length and set *ch; else 0. Up to three spaces of indentation are allowed.
 */
static size_t fence_at(const char *p, const char *end, char *ch)
{
    int indent = 0;
    while (p < end && *p == ' ' && indent < 3) {
        p++;
        indent++;
    }
    if (p >= end || (*p != '`' && *p != '~'))
        return 0;
    char c = *p;
    size_t n = 0;
    while (p + n < end && p[n] == c)
        n++;
    if (n < 3)
        return 0;
    *ch = c;
    return n + (size_t)indent;
}

/* Length of the run of fence characters on the line at p, after its indentation. */
static size_t fence_run(const char *p, const char *end)
{
    while (p < end && *p == ' ')
        p++;
    size_t n = 0;
    while (p + n < end && p[n] == *p)
        n++;
    return n;
}

/* Find the next fenced block at or after *pos. Returns 1 and fills b, or 0. */
static int next_block(const char **pos, const char *end, struct block *b)
{
    const char *p = *pos;
    while (p < end) {
        size_t len = line_len(p, end);
        char ch;
        size_t flen = fence_at(p, end, &ch);
        if (flen) {
            const char *info = p + flen;
            const char *info_end = p + len;
            while (info < info_end && isspace((unsigned char)*info))
                info++;
            size_t ilen = 0;
            while (info + ilen < info_end && !isspace((unsigned char)info[ilen]) &&
                   info[ilen] != '{' && info[ilen] != '`')
                ilen++;
            const char *body = p + len + (p + len < end ? 1 : 0);
            const char *q = body;
            while (q < end) {
                size_t l = line_len(q, end);
                char ch2;
                size_t f2 = fence_at(q, end, &ch2);
                if (f2 && ch2 == ch && fence_run(q, end) >= fence_run(p, end)) {
                    /* A closing fence has nothing but the fence on its line. */
                    const char *r = q + f2;
                    while (r < q + l && isspace((unsigned char)*r))
                        r++;
                    if (r == q + l)
                        break;
                }
                q += l + (q + l < end ? 1 : 0);
            }
            b->info = info;
            b->info_len = ilen;
            b->body = body;
            b->body_len = (size_t)(q - body);
            *pos = q < end ? q + line_len(q, end) : end;
            return 1;
        }
        p += len + (p + len < end ? 1 : 0);
    }
    *pos = end;
    return 0;
}

char *model_extract_code(const char *reply, size_t len, const struct lang *lang)
{
    const char *end = reply + len;
    const char *pos = reply;
    struct block b, untagged = {0};
    int have_untagged = 0;

    while (next_block(&pos, end, &b)) {
        if (b.info_len && lang_by_fence(b.info, b.info_len) == lang)
            return xstrndup(b.body, b.body_len);
        if (!b.info_len && !have_untagged) {
            untagged = b;
            have_untagged = 1;
        }
    }
    if (have_untagged)
        return xstrndup(untagged.body, untagged.body_len);
    return NULL;
}
