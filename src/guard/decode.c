/*
 * Decoding: instructions hidden in an encoding the model can read but a
 * phrase list cannot (base64, hex, binary octets, percent and \u escapes,
 * letters spaced apart, ROT13, reversed text). Each run is decoded and
 * kept when the result reads as text; guard.c then scores it like a prompt.
 *
 * Everything is bounded: runs are found in one pass, at most
 * GUARD_DECODE_MAX payloads are kept, and each is cut at
 * GUARD_DECODE_MAX_BYTES. Binary results (hashes, keys, images) are
 * dropped, which is what keeps hex digests and UUIDs in coding prompts from
 * scoring.
 */
#include "config.h"

#include "guard/guard-internal.h"
#include "base/buf.h"
#include "base/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define MIN_BASE64 20  /* characters */
#define MIN_HEX_BYTES 8
#define MIN_BINARY_BYTES 4
#define MIN_PERCENT 4  /* %HH escapes in one run */
#define MIN_ESCAPES 4  /* \uXXXX escapes in a row */
#define MIN_SPACED 8   /* single letters in a row */

void guard_payload_close(struct guard_payload *p)
{
    free(p->text);
    memset(p, 0, sizeof(*p));
}

bool guard_looks_like_text(const char *s, size_t len)
{
    if (!sk_utf8_valid(s, len))
        return false;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, cps = 0, letters = 0, spaces = 0;
    while (i < len) {
        int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return false;
        i += (size_t)n;
        cps++;
        if (cp == ' ' || cp == '\n' || cp == '\t') {
            spaces++;
            continue;
        }
        if (cp == '\r')
            continue;
        utf8proc_category_t c = utf8proc_category(cp);
        if (c == UTF8PROC_CATEGORY_CC || c == UTF8PROC_CATEGORY_CN || c == UTF8PROC_CATEGORY_CO)
            return false;
        if (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO)
            letters++;
    }
    /* Readable: at least six characters, mostly letters, and some spaces once
     * it is long enough to be a sentence. */
    if (cps < 6 || letters * 2 < cps)
        return false;
    if (cps >= 24 && spaces == 0)
        return false;
    return true;
}

struct finder {
    struct guard_payload *out;
    size_t max;
    size_t n;
};

/*
 * A decoded result that is itself an encoding (base64 of base64, hex of
 * base64): kept so that the caller's next decoding round can open it.
 */
static bool looks_encoded(const char *s, size_t len)
{
    if (len < MIN_BASE64)
        return false;
    for (size_t i = 0; i < len; i++)
        if (sk_base64_digit((unsigned char)s[i]) < 0 && s[i] != '=' && s[i] != ' ' && s[i] != '\n')
            return false;
    return true;
}

/* Spaced-out letters may carry no word breaks at all ("s a y t h a t"). */
static bool looks_like_letters(const char *s, size_t len)
{
    size_t letters = 0;
    for (size_t i = 0; i < len; i++)
        letters += (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z');
    return len >= MIN_SPACED && letters * 10 >= len * 9;
}

/* Keep a decoded buffer if it reads as text; takes ownership of `buf`. */
static void keep(struct finder *f, const char *encoding, size_t off, size_t len,
                 struct sk_buf *buf)
{
    const char *s = sk_buf_str(buf);
    bool readable = guard_looks_like_text(s, buf->len) ||
                    (strcmp(encoding, "spaced") == 0 && looks_like_letters(s, buf->len)) ||
                    (strcmp(encoding, "percent") != 0 && looks_encoded(s, buf->len));
    if (f->n >= f->max || !readable) {
        sk_buf_close(buf);
        return;
    }
    struct guard_payload *p = &f->out[f->n++];
    p->encoding = encoding;
    p->offset = off;
    p->length = len;
    p->text_len = buf->len;
    p->text = sk_buf_steal(buf);
}

/* ------------------------------------------------------------------ */
/* Runs in the sanitised text                                         */
/* ------------------------------------------------------------------ */

/* A base64 run at s[i]: returns its length with padding (0 if none). */
static size_t base64_run(const unsigned char *s, size_t len, size_t i)
{
    size_t j = i;
    bool upper = false, lower = false, other = false;
    while (j < len && sk_base64_digit(s[j]) >= 0) {
        upper |= s[j] >= 'A' && s[j] <= 'Z';
        lower |= s[j] >= 'a' && s[j] <= 'z';
        other |= !(s[j] >= 'A' && s[j] <= 'Z') && !(s[j] >= 'a' && s[j] <= 'z');
        j++;
    }
    size_t body = j - i;
    while (j < len && s[j] == '=' && j - i - body < 2)
        j++;
    /* Base64 of text mixes cases and, past a few words, digits or symbols;
     * this skips CamelCase identifiers cheaply (they would not decode to
     * text anyway). */
    if (body < MIN_BASE64 || !upper || !lower || (!other && body < 32))
        return 0;
    return j - i;
}

static void decode_base64(struct finder *f, const unsigned char *s, size_t off, size_t n)
{
    struct sk_buf b;
    sk_buf_init(&b, GUARD_DECODE_MAX_BYTES);
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        int v = sk_base64_digit(s[i]);
        if (v < 0)
            break;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char c = (char)((acc >> bits) & 0xff);
            if (sk_buf_append(&b, &c, 1) < 0)
                break;
        }
    }
    keep(f, "base64", off, n, &b);
}

/*
 * Hex: contiguous digit pairs ("496e6f7265"), pairs separated by one space
 * or colon ("57 68 61"), or \x / 0x prefixed bytes. Returns the run length
 * and fills the decoded bytes.
 */
static size_t hex_run(const unsigned char *s, size_t len, size_t i, struct sk_buf *b)
{
    size_t j = i, bytes = 0;
    int style = 0; /* 1 plain, 2 separated, 3 \x, 4 0x */
    for (;;) {
        size_t k = j;
        if (style == 0 || style == 3) {
            if (k + 1 < len && s[k] == '\\' && s[k + 1] == 'x') {
                style = 3;
                k += 2;
            } else if (style == 3) {
                break;
            }
        }
        if (style == 0 || style == 4) {
            if (k + 1 < len && s[k] == '0' && (s[k + 1] == 'x' || s[k + 1] == 'X') &&
                k + 3 < len && sk_hex_digit(s[k + 2]) >= 0 && sk_hex_digit(s[k + 3]) >= 0) {
                style = 4;
                k += 2;
            } else if (style == 4) {
                break;
            }
        }
        if (k + 1 >= len || sk_hex_digit(s[k]) < 0 || sk_hex_digit(s[k + 1]) < 0)
            break;
        char c = (char)(sk_hex_digit(s[k]) * 16 + sk_hex_digit(s[k + 1]));
        if (sk_buf_append(b, &c, 1) < 0)
            break;
        bytes++;
        k += 2;
        j = k;
        if (style == 0)
            style = (k < len && (s[k] == ' ' || s[k] == ':')) ? 2 : 1;
        if ((style == 2 || style == 4) && k + 1 < len && (s[k] == ' ' || s[k] == ':' ||
                                                          s[k] == ','))
            k++;
        if (style == 4 && k < len && s[k] == ' ')
            k++;
        if (style == 2 || style == 4)
            j = k;
        if (style == 1 && k < len && sk_hex_digit(s[k]) < 0)
            break;
    }
    /* A separated run must not end on its separator. */
    while (j > i && (s[j - 1] == ' ' || s[j - 1] == ':' || s[j - 1] == ','))
        j--;
    return bytes >= MIN_HEX_BYTES ? j - i : 0;
}

/* Binary octets: "01001001 01100111 ..." */
static size_t binary_run(const unsigned char *s, size_t len, size_t i, struct sk_buf *b)
{
    size_t j = i, bytes = 0;
    while (j + 8 <= len) {
        unsigned v = 0;
        size_t k;
        for (k = 0; k < 8 && (s[j + k] == '0' || s[j + k] == '1'); k++)
            v = v * 2 + (unsigned)(s[j + k] - '0');
        if (k < 8 || (j + 8 < len && (s[j + 8] == '0' || s[j + 8] == '1')))
            break;
        char c = (char)v;
        if (sk_buf_append(b, &c, 1) < 0)
            break;
        bytes++;
        j += 8;
        if (j < len && s[j] == ' ' && j + 1 < len && (s[j + 1] == '0' || s[j + 1] == '1'))
            j++;
        else
            break;
    }
    return bytes >= MIN_BINARY_BYTES ? j - i : 0;
}

/* A run of non-space bytes with at least MIN_PERCENT %HH escapes. */
static size_t percent_run(const unsigned char *s, size_t len, size_t i, struct sk_buf *b)
{
    size_t end = i, escapes = 0;
    while (end < len && s[end] > ' ' && s[end] < 0x7f) {
        if (s[end] == '%' && end + 2 < len && sk_hex_digit(s[end + 1]) >= 0 && sk_hex_digit(s[end + 2]) >= 0)
            escapes++;
        end++;
    }
    if (escapes < MIN_PERCENT)
        return 0;
    for (size_t j = i; j < end;) {
        char c = (char)s[j];
        if (s[j] == '%' && j + 2 < len && sk_hex_digit(s[j + 1]) >= 0 && sk_hex_digit(s[j + 2]) >= 0) {
            c = (char)(sk_hex_digit(s[j + 1]) * 16 + sk_hex_digit(s[j + 2]));
            j += 3;
        } else {
            if (s[j] == '+')
                c = ' ';
            j++;
        }
        if (sk_buf_append(b, &c, 1) < 0)
            break;
    }
    return end - i;
}

/* \uXXXX (and \UXXXXXXXX) escapes in a row. */
static size_t escape_run(const unsigned char *s, size_t len, size_t i, struct sk_buf *b)
{
    size_t j = i, escapes = 0;
    while (j + 5 < len + 0 && s[j] == '\\' && (s[j + 1] == 'u' || s[j + 1] == 'U')) {
        size_t digits = s[j + 1] == 'u' ? 4 : 8;
        if (j + 2 + digits > len)
            break;
        int32_t cp = 0;
        size_t k;
        for (k = 0; k < digits && sk_hex_digit(s[j + 2 + k]) >= 0; k++)
            cp = cp * 16 + sk_hex_digit(s[j + 2 + k]);
        if (k < digits || !utf8proc_codepoint_valid(cp))
            break;
        utf8proc_uint8_t tmp[4];
        utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
        if (sk_buf_append(b, tmp, (size_t)n) < 0)
            break;
        escapes++;
        j += 2 + digits;
    }
    return escapes >= MIN_ESCAPES ? j - i : 0;
}

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void find_runs(struct finder *f, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len && f->n < f->max) {
        /* Runs start at a token boundary. */
        if (i > 0 && is_alnum(s[i - 1]) && is_alnum(s[i])) {
            i++;
            continue;
        }
        struct sk_buf b;
        size_t n;

        sk_buf_init(&b, GUARD_DECODE_MAX_BYTES);
        if ((s[i] == '0' || s[i] == '1') && (n = binary_run(s, len, i, &b)) > 0) {
            keep(f, "binary", i, n, &b);
            i += n;
            continue;
        }
        sk_buf_reset(&b);
        if ((sk_hex_digit(s[i]) >= 0 || s[i] == '\\') && (n = hex_run(s, len, i, &b)) > 0) {
            keep(f, "hex", i, n, &b);
            i += n;
            continue;
        }
        sk_buf_reset(&b);
        if (s[i] == '\\' && (n = escape_run(s, len, i, &b)) > 0) {
            keep(f, "escape", i, n, &b);
            i += n;
            continue;
        }
        sk_buf_close(&b);
        if (sk_base64_digit(s[i]) >= 0 && (n = base64_run(s, len, i)) > 0) {
            decode_base64(f, s + i, i, n);
            i += n;
            continue;
        }
        if (s[i] > ' ' && (i == 0 || s[i - 1] <= ' ')) {
            sk_buf_init(&b, GUARD_DECODE_MAX_BYTES);
            if ((n = percent_run(s, len, i, &b)) > 0) {
                keep(f, "percent", i, n, &b);
                i += n;
                continue;
            }
            sk_buf_close(&b);
        }
        i++;
    }
}

/* ------------------------------------------------------------------ */
/* Whole-text transforms of the folded text                           */
/* ------------------------------------------------------------------ */

/*
 * "i g n o r e  a l l ...": single letters separated by single spaces, a
 * double space standing for a word break. Read from the sanitised text,
 * where double spaces survive (the folded copy collapses them).
 */
static void find_spaced(struct finder *f, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len && f->n < f->max) {
        size_t j = i, letters = 0;
        while (j < len && is_alnum(s[j]) && (j + 1 >= len || !is_alnum(s[j + 1]))) {
            letters++;
            if (j + 2 < len && s[j + 1] == ' ' && is_alnum(s[j + 2]))
                j += 2;
            else if (j + 3 < len && s[j + 1] == ' ' && s[j + 2] == ' ' && is_alnum(s[j + 3]))
                j += 3; /* a double space stands for a word break */
            else {
                j++;
                break;
            }
        }
        if (letters >= MIN_SPACED) {
            struct sk_buf b;
            sk_buf_init(&b, GUARD_DECODE_MAX_BYTES);
            for (size_t k = i; k < j; k++) {
                if (s[k] != ' ') {
                    (void)sk_buf_append(&b, s + k, 1);
                } else if (k + 1 < j && s[k + 1] == ' ') {
                    (void)sk_buf_append(&b, " ", 1);
                    k++;
                }
            }
            keep(f, "spaced", i, j - i, &b);
            i = j;
            continue;
        }
        /* Skip to the next word. */
        while (i < len && s[i] != ' ')
            i++;
        while (i < len && s[i] == ' ')
            i++;
    }
}

/* The strongest phrase signal in a text (override, reveal, persona, role). */
static double phrase_strength(const char *s, size_t len)
{
    struct guard_signal_hit hits[GUARD_SIG_COUNT];
    guard_signals_scan(s, len, NULL, hits);
    double best = 0;
    static const enum guard_signal_id kinds[] = {GUARD_SIG_OVERRIDE, GUARD_SIG_REVEAL,
                                                  GUARD_SIG_PERSONA, GUARD_SIG_ROLE};
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (hits[kinds[i]].score > best)
            best = hits[kinds[i]].score;
    return best;
}

/*
 * ROT13 and reversal: cheap to try on the whole text, and kept only when
 * the transformed text fires a phrase signal clearly stronger than the
 * plain text does, so ordinary prompts never produce a payload here.
 */
/*
 * Words an instruction hidden by ROT13 or reversal would almost surely
 * contain, already transformed; a text with none of them is not worth
 * transforming and scanning again.
 */
static const char *const rot13_needles[] = {"vtaber", "vafgehpgvba", "cerivbhf", "flfgrz",
                                            "cnffjbeq", "frperg", "erirny", "sbetrg",
                                            "qvfertneq", "cebzcg", "bireevqr"};
static const char *const reversed_needles[] = {"erongi", "noitcurtsni", "suoiverp", "metsys",
                                               "drowssap", "terces", "laever", "tegrof",
                                               "dragersid", "tpmorp", "edirrevo"};

static bool has_needle(const char *s, size_t len, const char *const *needles, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memmem(s, len, needles[i], strlen(needles[i])))
            return true;
    return false;
}

static void find_transforms(struct finder *f, const char *fold, size_t len)
{
    if (len == 0)
        return;
    /* Transform at most the first GUARD_DECODE_MAX_BYTES * 4 bytes (cut at a
     * character boundary): an instruction hidden in a long text starts early
     * enough to be read, and the cost stays bounded. */
    if (len > GUARD_DECODE_MAX_BYTES * 4) {
        len = GUARD_DECODE_MAX_BYTES * 4;
        while (len > 0 && ((unsigned char)fold[len] & 0xc0) == 0x80)
            len--;
    }
    bool rot = has_needle(fold, len, rot13_needles, ARRAY_SIZE(rot13_needles));
    bool rev = has_needle(fold, len, reversed_needles, ARRAY_SIZE(reversed_needles));
    if (!rot && !rev)
        return;
    double plain = phrase_strength(fold, len);
    char *t = xmalloc(len + 1);

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)fold[i];
        t[i] = (char)(c >= 'a' && c <= 'z' ? 'a' + (c - 'a' + 13) % 26 : c);
    }
    t[len] = '\0';
    if (rot && f->n < f->max && phrase_strength(t, len) >= plain + 0.3) {
        struct sk_buf b;
        sk_buf_init(&b, GUARD_DECODE_MAX_BYTES);
        (void)sk_buf_append(&b, t, len < GUARD_DECODE_MAX_BYTES ? len : GUARD_DECODE_MAX_BYTES);
        keep(f, "rot13", 0, len, &b);
    }

    /* Reverse by code points, so multi-byte characters stay whole. */
    size_t o = len;
    const unsigned char *p = (const unsigned char *)fold;
    for (size_t i = 0; i < len;) {
        size_t n = 1;
        while (i + n < len && (p[i + n] & 0xc0) == 0x80)
            n++;
        o -= n;
        memcpy(t + o, fold + i, n);
        i += n;
    }
    if (rev && f->n < f->max && phrase_strength(t, len) >= plain + 0.3) {
        struct sk_buf b;
        sk_buf_init(&b, GUARD_DECODE_MAX_BYTES);
        (void)sk_buf_append(&b, t, len < GUARD_DECODE_MAX_BYTES ? len : GUARD_DECODE_MAX_BYTES);
        keep(f, "reversed", 0, len, &b);
    }
    free(t);
}

/*
 * Segments in ROT13 or Pig Latin: a sentence or quoted string whose words
 * are not English but become English when decoded. "English" is judged by
 * the share of the commonest English words, which plain English prompts
 * always have and ciphertext never does.
 */
static const char *const common_words[] = {
    "a", "about", "an", "and", "are", "as", "at", "be", "by", "can", "did", "do", "does", "for",
    "from", "has", "have", "he", "her", "his", "how", "i", "in", "is", "it", "me", "my", "name",
    "not", "of", "on", "or", "our", "she", "that", "the", "their", "there", "they", "this", "to",
    "us", "was", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with",
    "you", "your",
};

/* A word of at most 8 bytes packed into an integer, for a fast lookup. */
static uint64_t pack(const char *w, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | (unsigned char)w[i];
    return v;
}

static uint64_t common_packed[ARRAY_SIZE(common_words)];
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void build_common(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(common_words); i++)
        common_packed[i] = pack(common_words[i], strlen(common_words[i]));
    qsort(common_packed, ARRAY_SIZE(common_packed), sizeof(uint64_t), cmp_u64);
}

static bool is_common(const char *w, size_t n)
{
    if (n == 0 || n > 5)
        return false; /* the longest common word has five letters */
    uint64_t v = pack(w, n);
    return bsearch(&v, common_packed, ARRAY_SIZE(common_packed), sizeof(uint64_t), cmp_u64);
}

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Decode one Pig Latin word ("erewhay" -> "where", "useryay" -> "user") into out. */
static size_t unpig(const char *w, size_t n, char *out, size_t max)
{
    if (n < 3 || w[n - 1] != 'y' || w[n - 2] != 'a' || n - 2 >= max)
        return 0;
    size_t body = n - 2;
    if (body >= 2 && (w[body - 1] == 'w' || w[body - 1] == 'y') && is_vowel(w[0])) {
        memcpy(out, w, body - 1); /* vowel-initial words take "way" or "yay" */
        return body - 1;
    }
    size_t k = body; /* the consonant cluster moved to the end */
    while (k > 0 && !is_vowel(w[k - 1]))
        k--;
    if (k == body || k == 0)
        return 0;
    memcpy(out, w + k, body - k);
    memcpy(out + (body - k), w, k);
    return body;
}

static void check_segment(struct finder *f, const char *s, size_t start, size_t end)
{
    /* Most segments are plain English: count its common words first and stop early. */
    size_t all = 0, common = 0;
    for (size_t i = start; i < end;) {
        if (!is_alnum((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < end && is_alnum((unsigned char)s[j]))
            j++;
        all++;
        common += is_common(s + i, j - i);
        i = j;
        if (common * 10 > all && all >= 5)
            return;
    }
    if (all < 5)
        return;

    size_t words = 0, plain = 0, rot = 0, pig = 0, pig_words = 0;
    char rbuf[GUARD_DECODE_MAX_BYTES];
    char pbuf[GUARD_DECODE_MAX_BYTES];
    size_t rlen = 0, plen = 0;
    for (size_t i = start; i < end;) {
        if (!is_alnum((unsigned char)s[i])) {
            if (rlen < sizeof(rbuf))
                rbuf[rlen++] = s[i];
            if (plen < sizeof(pbuf))
                pbuf[plen++] = s[i];
            i++;
            continue;
        }
        size_t j = i;
        while (j < end && is_alnum((unsigned char)s[j]))
            j++;
        size_t n = j - i;
        char w[64];
        words++;
        if (is_common(s + i, n))
            plain++;
        if (n < sizeof(w)) {
            for (size_t k = 0; k < n; k++) {
                char c = s[i + k];
                w[k] = c >= 'a' && c <= 'z' ? (char)('a' + (c - 'a' + 13) % 26) : c;
            }
            rot += is_common(w, n);
            if (rlen + n < sizeof(rbuf)) {
                memcpy(rbuf + rlen, w, n);
                rlen += n;
            }
            size_t m = unpig(s + i, n, w, sizeof(w));
            if (m) {
                pig_words++;
                pig += is_common(w, m);
            } else {
                memcpy(w, s + i, n);
                m = n;
            }
            if (plen + m < sizeof(pbuf)) {
                memcpy(pbuf + plen, w, m);
                plen += m;
            }
        }
        i = j;
    }
    if (words < 5 || plain * 10 > words)
        return;
    struct sk_buf b;
    if (rot >= 2 && rot * 4 >= words && f->n < f->max) {
        sk_buf_init(&b, GUARD_DECODE_MAX_BYTES);
        (void)sk_buf_append(&b, rbuf, rlen);
        keep(f, "rot13", start, end - start, &b);
    } else if (pig_words * 10 >= words * 6 && pig >= 2 && f->n < f->max) {
        sk_buf_init(&b, GUARD_DECODE_MAX_BYTES);
        (void)sk_buf_append(&b, pbuf, plen);
        keep(f, "piglatin", start, end - start, &b);
    }
}

/* Cut the folded text at sentence ends and quotes, and check each segment. */
static void find_ciphers(struct finder *f, const char *fold, size_t len)
{
    pthread_once(&common_once, build_common);
    size_t start = 0;
    for (size_t i = 0; i <= len && f->n < f->max; i++) {
        char c = i < len ? fold[i] : '\n';
        if (c == '.' || c == '?' || c == '!' || c == '\n' || c == '"' || c == '\'' || c == ':') {
            /* An apostrophe inside a word is not a quote. */
            if (c == '\'' && i > 0 && i + 1 < len && is_alnum((unsigned char)fold[i - 1]) &&
                is_alnum((unsigned char)fold[i + 1]))
                continue;
            /* A long segment (no punctuation for pages) is checked in chunks
             * cut at spaces, so length is no hiding place. */
            while (i > start && i - start >= 1024 && f->n < f->max) {
                size_t cut = start + 1024;
                while (cut > start + 512 && fold[cut] != ' ')
                    cut--;
                check_segment(f, fold, start, cut);
                start = cut;
            }
            if (i > start)
                check_segment(f, fold, start, i);
            start = i + 1;
        }
    }
}

size_t guard_decode_find(const char *text, size_t len, const char *fold, size_t fold_len,
                         struct guard_payload *out, size_t max)
{
    struct finder f = {.out = out, .max = max};
    memset(out, 0, sizeof(*out) * max);
    find_runs(&f, text, len);
    find_spaced(&f, text, len);
    find_ciphers(&f, fold, fold_len);
    find_transforms(&f, fold, fold_len);
    return f.n;
}
