/*
 * Sanitisation: from the bytes a person sent to the text the model sees,
 * and to the folded copy the scorers read (see guard-internal.h).
 *
 * Order matters. Invisible characters go first, so that "ig<U+200B>nore"
 * is scored as "ignore" and NFKC never composes across a removed
 * character. NFKC comes next: it turns fullwidth, mathematical, circled and
 * other compatibility forms ("ｉｇｎｏｒｅ", "𝐢𝐠𝐧𝐨𝐫𝐞") into plain letters, and the
 * model sees that normal form. Folding comes last and only for scoring:
 * Cyrillic and Greek look-alikes become Latin ("іgnоrе" with Cyrillic i, o,
 * e), case is folded and accents stripped, so one phrase list and one
 * classifier cover the variants. The model never sees the folded copy,
 * because folding would corrupt real Cyrillic or Greek text.
 */
#include "config.h"

#include "guard/guard-internal.h"
#include "base/buf.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Hidden text decoded from tag characters or variation selectors is capped. */
#define HIDDEN_MAX 4096

/* ------------------------------------------------------------------ */
/* Character classes                                                  */
/* ------------------------------------------------------------------ */

static bool is_ascii_letter(int32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* Latin letters: ASCII, Latin-1 Supplement and Extended-A/B, IPA, Extended Additional. */
static bool is_latin_letter(int32_t cp)
{
    if (is_ascii_letter(cp))
        return true;
    if ((cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) || (cp >= 0x250 && cp <= 0x2af) ||
        (cp >= 0x1d00 && cp <= 0x1d2b) || (cp >= 0x1e00 && cp <= 0x1eff) || cp == 0xa731)
        return true;
    return false;
}

static bool is_cyrillic_or_greek(int32_t cp)
{
    return (cp >= 0x370 && cp <= 0x3ff) || (cp >= 0x400 && cp <= 0x52f);
}

static bool is_letter(int32_t cp)
{
    if (cp < 0x80)
        return is_ascii_letter(cp);
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static bool is_word_char(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO);
}

static bool is_space(int32_t cp)
{
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\v' || cp == '\f')
        return true;
    if (cp < 0x80)
        return false;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

/*
 * Look-alikes of Latin letters that NFKC leaves alone: Cyrillic and Greek
 * letters (capitals mapped by their capital's shape, small letters only
 * where the small letter itself looks Latin) and Latin small capitals.
 * After Unicode's confusables.txt, cut to the letters that pass for Latin
 * in ordinary fonts. Sorted by code point for bsearch.
 */
struct confusable {
    int32_t cp;
    char to;
};

static const struct confusable confusables[] = {
    {0x0131, 'i'}, {0x0251, 'a'}, {0x0261, 'g'}, {0x0262, 'g'}, {0x026a, 'i'}, {0x0274, 'n'}, {0x0280, 'r'},
    {0x028f, 'y'}, {0x0299, 'b'}, {0x029c, 'h'}, {0x029f, 'l'},
    {0x0391, 'a'}, {0x0392, 'b'}, {0x0395, 'e'}, {0x0396, 'z'}, {0x0397, 'h'}, {0x0399, 'i'},
    {0x039a, 'k'}, {0x039c, 'm'}, {0x039d, 'n'}, {0x039f, 'o'}, {0x03a1, 'p'}, {0x03a4, 't'},
    {0x03a5, 'y'}, {0x03a7, 'x'}, {0x03b1, 'a'}, {0x03b3, 'y'}, {0x03b9, 'i'}, {0x03ba, 'k'},
    {0x03bd, 'v'}, {0x03bf, 'o'}, {0x03c1, 'p'}, {0x03c5, 'u'}, {0x03c7, 'x'}, {0x03f2, 'c'},
    {0x03f3, 'j'},
    {0x0405, 's'}, {0x0406, 'i'}, {0x0407, 'i'}, {0x0408, 'j'}, {0x0410, 'a'}, {0x0412, 'b'},
    {0x0415, 'e'}, {0x041a, 'k'}, {0x041c, 'm'}, {0x041d, 'h'}, {0x041e, 'o'}, {0x0420, 'p'},
    {0x0421, 'c'}, {0x0422, 't'}, {0x0423, 'y'}, {0x0425, 'x'}, {0x0430, 'a'}, {0x0435, 'e'},
    {0x043e, 'o'}, {0x0440, 'p'}, {0x0441, 'c'}, {0x0443, 'y'}, {0x0445, 'x'}, {0x0451, 'e'},
    {0x0455, 's'}, {0x0456, 'i'}, {0x0457, 'i'}, {0x0458, 'j'}, {0x04ae, 'y'}, {0x04af, 'y'},
    {0x04ba, 'h'}, {0x04bb, 'h'}, {0x04c0, 'l'}, {0x04cf, 'l'}, {0x0500, 'd'}, {0x0501, 'd'},
    {0x051a, 'q'}, {0x051b, 'q'}, {0x051c, 'w'}, {0x051d, 'w'},
    {0x0585, 'o'},
    {0x1d00, 'a'}, {0x1d04, 'c'}, {0x1d05, 'd'}, {0x1d07, 'e'}, {0x1d0a, 'j'}, {0x1d0b, 'k'},
    {0x1d0d, 'm'}, {0x1d0f, 'o'}, {0x1d18, 'p'}, {0x1d1b, 't'}, {0x1d1c, 'u'}, {0x1d20, 'v'},
    {0x1d21, 'w'}, {0x1d22, 'z'}, {0xa731, 's'},
};

static int confusable_cmp(const void *key, const void *elem)
{
    int32_t cp = *(const int32_t *)key;
    const struct confusable *c = elem;
    return cp < c->cp ? -1 : cp > c->cp;
}

static char confusable_of(int32_t cp)
{
    if (cp < 0x131 || cp > 0xa731)
        return 0;
    const struct confusable *c =
        bsearch(&cp, confusables, ARRAY_SIZE(confusables), sizeof(confusables[0]), confusable_cmp);
    return c ? c->to : 0;
}

/* ------------------------------------------------------------------ */
/* Pass 1: remove what must not reach the model                       */
/* ------------------------------------------------------------------ */

enum removal {
    KEEP,
    R_ZERO_WIDTH,
    R_BIDI,
    R_BIDI_MARK,
    R_TAG,
    R_VARIATION,
    R_PRIVATE,
    R_UNASSIGNED,
    R_FORMAT,
    R_CONTROL,
};

/* What to do with one code point (CR, ESC and line separators are handled by the caller). */
static enum removal classify(int32_t cp)
{
    if (cp == '\t' || cp == '\n')
        return KEEP;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
        return R_CONTROL;
    if (cp < 0xa0)
        return KEEP;
    switch (cp) {
    case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff: case 0x180e: case 0x00ad:
        return R_ZERO_WIDTH;
    case 0x200e: case 0x200f: case 0x061c:
        return R_BIDI_MARK;
    /* Fillers that are letters or marks by category but render as nothing. */
    case 0x115f: case 0x1160: case 0x3164: case 0xffa0: case 0x034f: case 0x17b4: case 0x17b5:
    case 0x2800:
        return R_FORMAT;
    }
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
        return R_BIDI;
    if (cp >= 0xe0000 && cp <= 0xe007f)
        return R_TAG;
    if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef))
        return R_VARIATION;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_CF:
        return R_FORMAT;
    case UTF8PROC_CATEGORY_CO:
        return R_PRIVATE;
    case UTF8PROC_CATEGORY_CN:
        return R_UNASSIGNED;
    case UTF8PROC_CATEGORY_CC:
        return R_CONTROL;
    default:
        return KEEP;
    }
}

/* The byte a variation selector smuggles (the "emoji smuggling" encoding). */
static int variation_byte(int32_t cp)
{
    if (cp >= 0xfe00 && cp <= 0xfe0f)
        return cp - 0xfe00;
    return cp - 0xe0100 + 16;
}

/*
 * Skip an ANSI escape sequence starting at p[0] == ESC: CSI (ESC [ params
 * final), OSC (ESC ] ... BEL or ESC \), or a two-byte escape. Returns the
 * number of bytes to skip. Error text copied from a terminal is full of
 * colour codes; they carry nothing for the model and can hide text.
 */
static size_t ansi_length(const unsigned char *p, size_t n)
{
    if (n < 2)
        return 1;
    if (p[1] == '[') {
        size_t i = 2;
        while (i < n && p[i] >= 0x20 && p[i] <= 0x3f)
            i++;
        if (i < n && p[i] >= 0x40 && p[i] <= 0x7e)
            return i + 1;
        return i;
    }
    if (p[1] == ']') {
        for (size_t i = 2; i < n; i++) {
            if (p[i] == 0x07)
                return i + 1;
            if (p[i] == 0x1b && i + 1 < n && p[i + 1] == '\\')
                return i + 2;
            if (p[i] < 0x20)
                return i;
        }
        return n;
    }
    if (p[1] >= 0x40 && p[1] <= 0x5f)
        return 2;
    return 1;
}

/* The code point at p (valid UTF-8, at most n bytes); returns its length (0 on error). */
static inline size_t next_cp(const unsigned char *p, size_t n, int32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    utf8proc_ssize_t m = utf8proc_iterate(p, (utf8proc_ssize_t)n, cp);
    return m > 0 ? (size_t)m : 0;
}

/*
 * An output buffer sized for the worst case up front (sanitising never
 * makes text longer), written without per-byte checks of a growable buffer.
 */
struct out {
    char *p;    /* owned by the caller */
    size_t n;
    size_t cap; /* bytes available, excluding the NUL */
};

static inline void put_cp(struct out *o, int32_t cp)
{
    if (cp < 0x80) {
        if (o->n < o->cap)
            o->p[o->n++] = (char)cp;
        return;
    }
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
    if (o->n + (size_t)n <= o->cap) {
        memcpy(o->p + o->n, tmp, (size_t)n);
        o->n += (size_t)n;
    }
}

static void hidden_put(struct sk_buf *b, int c)
{
    if (b->len < HIDDEN_MAX) {
        char ch = (char)c;
        (void)sk_buf_append(b, &ch, 1);
    }
}

static void strip(const char *in, size_t len, struct out *out, struct sk_buf *hidden,
                  struct sk_buf *vs_hidden, struct guard_sanitise_stats *st)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t i = 0;
    bool prev_latin = false; /* the last kept code point was a Latin letter */
    bool removed = false;    /* something was removed since then */
    unsigned vs_run = 0;
    int32_t vs_first = 0;

    while (i < len) {
        int32_t cp;
        if (p[i] == 0x1b) {
            i += ansi_length(p + i, len - i);
            st->ansi++;
            continue;
        }
        if (p[i] == '\r') {
            /* CRLF is a line end; a lone CR can overwrite a line on a terminal. */
            if (i + 1 < len && p[i + 1] == '\n') {
                i++;
                continue;
            }
            st->controls++;
            put_cp(out, '\n');
            i++;
            prev_latin = removed = false;
            continue;
        }
        size_t n = next_cp(p + i, len - i, &cp);
        if (n == 0) { /* validated by the caller; never happens */
            i++;
            continue;
        }
        i += n;
        if (cp == 0x2028 || cp == 0x2029)
            cp = '\n';
        enum removal r = classify(cp);
        if (r != R_VARIATION)
            vs_run = 0;
        switch (r) {
        case KEEP:
            if (removed && prev_latin && is_latin_letter(cp))
                st->invisible_in_words++;
            prev_latin = is_latin_letter(cp);
            removed = false;
            put_cp(out, cp);
            continue;
        case R_ZERO_WIDTH: st->zero_width++; break;
        case R_BIDI: st->bidi++; break;
        case R_BIDI_MARK: st->bidi_marks++; break;
        case R_TAG:
            st->tags++;
            if (cp >= 0xe0020 && cp <= 0xe007e)
                hidden_put(hidden, (int)(cp - 0xe0000));
            break;
        case R_VARIATION:
            st->variation++;
            /* One selector after an emoji is ordinary (U+FE0F); a run carries bytes. */
            if (++vs_run == 1) {
                vs_first = cp;
                break;
            }
            if (vs_run == 2) {
                st->variation_runs += 2;
                if (vs_hidden->len > 0)
                    hidden_put(vs_hidden, '\n');
                hidden_put(vs_hidden, variation_byte(vs_first));
            } else {
                st->variation_runs++;
            }
            hidden_put(vs_hidden, variation_byte(cp));
            break;
        case R_PRIVATE: st->private_use++; break;
        case R_UNASSIGNED: st->unassigned++; break;
        case R_FORMAT: st->other_format++; break;
        case R_CONTROL: st->controls++; break;
        }
        removed = true;
    }
}

/* ------------------------------------------------------------------ */
/* Pass 3: the folded scoring copy                                    */
/* ------------------------------------------------------------------ */

struct word_shape {
    bool latin;        /* has a Latin letter */
    unsigned letters;  /* letters in the word */
    unsigned conf;     /* letters with a Latin look-alike fold */
    unsigned conf_cg;  /* of them, Cyrillic or Greek */
};

static struct word_shape shape_of(const unsigned char *p, size_t len)
{
    struct word_shape w = {0};
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        size_t n = next_cp(p + i, len - i, &cp);
        if (n == 0)
            break;
        i += n;
        if (!is_letter(cp))
            continue;
        w.letters++;
        if (is_latin_letter(cp) && !confusable_of(cp))
            w.latin = true;
        if (confusable_of(cp)) {
            w.conf++;
            if (is_cyrillic_or_greek(cp))
                w.conf_cg++;
        }
    }
    return w;
}

/*
 * Fold look-alikes word by word and collapse whitespace. A word's
 * look-alikes are folded when the word also has a Latin letter (the
 * homoglyph attack: "іgnоrе") or when every letter of it has a Latin twin
 * ("ЅҮЅТЕМ" in Cyrillic capitals). Words of real Cyrillic or Greek prose keep
 * their letters.
 */
static void fold_words(const char *t, size_t len, struct out *out,
                       struct guard_sanitise_stats *st)
{
    const unsigned char *p = (const unsigned char *)t;
    size_t i = 0;
    int pending = 0; /* 0 none, 1 space, 2 newline */

    while (i < len) {
        int32_t cp;
        size_t n = next_cp(p + i, len - i, &cp);
        if (n == 0) {
            i++;
            continue;
        }
        if (is_space(cp)) {
            if (cp == '\n' || cp == '\v' || cp == '\f')
                pending = 2;
            else if (!pending)
                pending = 1;
            i += n;
            continue;
        }
        if (pending && out->n > 0)
            put_cp(out, pending == 2 ? '\n' : ' ');
        pending = 0;
        if (!is_word_char(cp)) {
            put_cp(out, cp);
            i += n;
            continue;
        }
        /* A word: find its end, look at its shape, then copy it. */
        size_t start = i, end = i;
        while (end < len) {
            int32_t c2;
            size_t m = next_cp(p + end, len - end, &c2);
            if (m == 0 || !is_word_char(c2))
                break;
            end += m;
        }
        struct word_shape w = shape_of(p + start, end - start);
        bool fold = w.conf > 0 && (w.latin || (w.conf == w.letters && w.letters >= 2));
        if (w.latin && w.conf_cg > 0)
            st->mixed_words++;
        for (size_t j = start; j < end;) {
            int32_t c2;
            size_t m = next_cp(p + j, end - j, &c2);
            if (m == 0)
                break;
            j += m;
            char to = fold ? confusable_of(c2) : 0;
            if (to) {
                st->confusables++;
                put_cp(out, to);
            } else {
                put_cp(out, c2);
            }
        }
        i = end;
    }
}

/* ------------------------------------------------------------------ */
/* The whole sanitisation                                             */
/* ------------------------------------------------------------------ */

void guard_text_close(struct guard_text *t)
{
    free(t->text);
    free(t->fold);
    free(t->hidden);
    free(t->vs_hidden);
    memset(t, 0, sizeof(*t));
}

/* utf8proc_map() over a buffer, with our error convention. */
static int map(const char *in, size_t len, int options, char **out, size_t *out_len)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)(len ? in : ""),
                                      (utf8proc_ssize_t)len, &dst, (utf8proc_option_t)options);
    if (n < 0)
        return -EILSEQ;
    *out = (char *)dst;
    *out_len = (size_t)n;
    return 0;
}

int guard_sanitise(const char *in, size_t len, size_t cap, struct guard_text *out,
                   struct sk_err *err)
{
    memset(out, 0, sizeof(*out));
    if (len > cap)
        return sk_err_msg(err, EMSGSIZE, "prompt is %zu bytes; the cap is %zu", len, cap);
    if (!sk_utf8_valid(in, len))
        return sk_err_msg(err, EILSEQ, "prompt is not valid UTF-8");
    out->st.bytes_in = len;

    /* Pass 1: strip. The output is never longer than the input plus one. */
    cleanup_buf struct sk_buf hidden, vs_hidden;
    sk_buf_init(&hidden, HIDDEN_MAX + 1);
    sk_buf_init(&vs_hidden, HIDDEN_MAX + 1);
    cleanup_free char *stripped_buf = xmalloc(len + 1);
    struct out stripped = {stripped_buf, 0, len};
    strip(in, len, &stripped, &hidden, &vs_hidden, &out->st);
    stripped_buf[stripped.n] = '\0';

    /* Most prompts are ASCII, which NFKC, case folding and mark stripping
     * leave alone apart from case: take the short way for them. */
    bool ascii = true;
    for (size_t i = 0; i < stripped.n && ascii; i++)
        ascii = (unsigned char)stripped_buf[i] < 0x80;

    /* Pass 2: NFKC. Compatibility decompositions can grow text up to 18 times
     * (U+FDFA); a prompt that doubles is refused rather than passed on. */
    cleanup_free char *nfkc = NULL;
    size_t nfkc_len = 0;
    if (ascii) {
        nfkc_len = stripped.n;
        nfkc = steal_pointer(&stripped_buf);
    } else if (map(stripped_buf, stripped.n,
                   UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT, &nfkc, &nfkc_len) < 0) {
        return sk_err_msg(err, EILSEQ, "prompt could not be normalised");
    }
    if (nfkc_len > 2 * cap)
        return sk_err_msg(err, EMSGSIZE,
                          "prompt is %zu bytes after Unicode normalisation; the cap is %zu",
                          nfkc_len, 2 * cap);
    out->st.nfkc_changed = !ascii && (nfkc_len != stripped.n ||
                                      memcmp(nfkc, stripped_buf, nfkc_len) != 0);

    /* Pass 3: the scoring copy. */
    cleanup_free char *folded_buf = xmalloc(nfkc_len + 1);
    struct out folded = {folded_buf, 0, nfkc_len};
    fold_words(nfkc, nfkc_len, &folded, &out->st);
    folded_buf[folded.n] = '\0';
    char *fold = NULL;
    size_t fold_len = 0;
    if (ascii) {
        fold_len = folded.n;
        fold = steal_pointer(&folded_buf);
        for (size_t i = 0; i < fold_len; i++)
            if (fold[i] >= 'A' && fold[i] <= 'Z')
                fold[i] = (char)(fold[i] - 'A' + 'a');
    } else if (map(folded_buf, folded.n,
                   UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK,
                   &fold, &fold_len) < 0) {
        return sk_err_msg(err, EILSEQ, "prompt could not be folded");
    }

    out->text = steal_pointer(&nfkc);
    out->len = nfkc_len;
    out->fold = fold;
    out->fold_len = fold_len;
    out->st.bytes_out = nfkc_len;
    if (hidden.len) {
        out->hidden_len = hidden.len;
        out->hidden = sk_buf_steal(&hidden);
    }
    if (vs_hidden.len) {
        out->vs_hidden_len = vs_hidden.len;
        out->vs_hidden = sk_buf_steal(&vs_hidden);
    }
    return 0;
}
