/*
 * The rule tables: for each analyser, its rule ids mapped to our category,
 * severity and CWE (see adapter.h). This is data; review it as such.
 *
 * Severity is ours, not the tool's: it says how sure we are that the
 * construct is dangerous in generated code, and `high` blocks by default
 * (checks.block_severity). The CWE ids follow the tool's own documentation
 * where it gives one (bandit's docs, the SWC registry for Solidity).
 */
#include "config.h"

#include "check/adapter.h"
#include "base/util.h"

#include <string.h>

#define LOW SEV_LOW
#define MED SEV_MEDIUM
#define HIGH SEV_HIGH
#define DROP RULE_DROP

/* bandit 1.6.2 (B322, a Python 2 check, is excluded in the worker). */
static const struct rule_map bandit_rules[] = {
    {"B101", "other", LOW, "CWE-703"},             /* assert used */
    {"B102", "code_injection", HIGH, "CWE-94"},    /* exec */
    {"B103", "filesystem", MED, "CWE-732"},        /* chmod to permissive mode */
    {"B104", "network", MED, "CWE-605"},           /* bind to all interfaces */
    {"B105", "secrets", MED, "CWE-259"},           /* hard-coded password string */
    {"B106", "secrets", MED, "CWE-259"},           /* ... as a keyword argument */
    {"B107", "secrets", MED, "CWE-259"},           /* ... as a default argument */
    {"B108", "filesystem", MED, "CWE-377"},        /* hard-coded /tmp path */
    {"B110", "other", LOW, "CWE-703"},             /* try/except/pass */
    {"B112", "other", LOW, "CWE-703"},             /* try/except/continue */
    {"B201", "code_injection", HIGH, "CWE-94"},    /* flask debug=True */
    {"B301", "deserialization", HIGH, "CWE-502"},  /* pickle */
    {"B302", "deserialization", HIGH, "CWE-502"},  /* marshal */
    {"B303", "crypto", MED, "CWE-328"},            /* md5, sha1 */
    {"B304", "crypto", HIGH, "CWE-327"},           /* insecure cipher */
    {"B305", "crypto", MED, "CWE-327"},            /* insecure cipher mode */
    {"B306", "filesystem", MED, "CWE-377"},        /* mktemp */
    {"B307", "code_injection", HIGH, "CWE-95"},    /* eval */
    {"B308", "code_injection", MED, "CWE-79"},     /* mark_safe */
    {"B309", "network", MED, "CWE-295"},           /* HTTPSConnection without context */
    {"B310", "network", MED, "CWE-22"},            /* urlopen with any scheme */
    {"B311", "crypto", LOW, "CWE-330"},            /* random for security */
    {"B312", "network", HIGH, "CWE-319"},          /* telnetlib */
    {"B313", "deserialization", MED, "CWE-611"},   /* xml.etree.cElementTree */
    {"B314", "deserialization", MED, "CWE-611"},   /* xml.etree.ElementTree */
    {"B315", "deserialization", MED, "CWE-611"},   /* xml.sax.expatreader */
    {"B316", "deserialization", MED, "CWE-611"},   /* xml.dom.expatbuilder */
    {"B317", "deserialization", MED, "CWE-611"},   /* xml.sax */
    {"B318", "deserialization", MED, "CWE-611"},   /* xml.dom.minidom */
    {"B319", "deserialization", MED, "CWE-611"},   /* xml.dom.pulldom */
    {"B320", "deserialization", MED, "CWE-611"},   /* lxml */
    {"B321", "network", HIGH, "CWE-319"},          /* ftplib */
    {"B323", "network", MED, "CWE-295"},           /* unverified SSL context */
    {"B324", "crypto", MED, "CWE-328"},            /* hashlib.new with md5/sha1 */
    {"B325", "filesystem", MED, "CWE-377"},        /* os.tempnam */
    {"B401", "network", HIGH, "CWE-319"},          /* import telnetlib */
    {"B402", "network", HIGH, "CWE-319"},          /* import ftplib */
    {"B403", "deserialization", LOW, "CWE-502"},   /* import pickle */
    {"B404", "process", LOW, "CWE-78"},            /* import subprocess */
    {"B405", "deserialization", LOW, "CWE-611"},   /* import xml.etree */
    {"B406", "deserialization", LOW, "CWE-611"},   /* import xml.sax */
    {"B407", "deserialization", LOW, "CWE-611"},   /* import xml.dom.expatbuilder */
    {"B408", "deserialization", LOW, "CWE-611"},   /* import xml.dom.minidom */
    {"B409", "deserialization", LOW, "CWE-611"},   /* import xml.dom.pulldom */
    {"B410", "deserialization", LOW, "CWE-611"},   /* import lxml */
    {"B411", "deserialization", HIGH, "CWE-20"},   /* import xmlrpclib */
    {"B412", "network", HIGH, "CWE-284"},          /* httpoxy */
    {"B413", "crypto", HIGH, "CWE-327"},           /* import pycrypto */
    {"B501", "network", HIGH, "CWE-295"},          /* requests verify=False */
    {"B502", "network", HIGH, "CWE-327"},          /* SSL with a bad version */
    {"B503", "network", MED, "CWE-327"},           /* SSL with bad defaults */
    {"B504", "network", LOW, "CWE-327"},           /* SSL with no version */
    {"B505", "crypto", HIGH, "CWE-326"},           /* weak key size */
    {"B506", "deserialization", HIGH, "CWE-502"},  /* yaml.load */
    {"B507", "network", HIGH, "CWE-295"},          /* ssh without host key check */
    {"B601", "process", MED, "CWE-78"},            /* paramiko exec_command */
    {"B602", "process", HIGH, "CWE-78"},           /* subprocess with shell=True */
    {"B603", "process", LOW, "CWE-78"},            /* subprocess without shell */
    {"B604", "process", MED, "CWE-78"},            /* any call with shell=True */
    {"B605", "process", HIGH, "CWE-78"},           /* os.system & co. */
    {"B606", "process", LOW, "CWE-78"},            /* os.exec*, os.spawn* without shell */
    {"B607", "process", LOW, "CWE-78"},            /* partial executable path */
    {"B608", "code_injection", MED, "CWE-89"},     /* SQL built from strings */
    {"B609", "process", HIGH, "CWE-78"},           /* wildcard injection */
    {"B610", "code_injection", MED, "CWE-89"},     /* django extra() */
    {"B611", "code_injection", MED, "CWE-89"},     /* django RawSQL */
    {"B701", "code_injection", HIGH, "CWE-79"},    /* jinja2 autoescape=False */
    {"B702", "code_injection", MED, "CWE-79"},     /* mako templates */
    {"B703", "code_injection", MED, "CWE-79"},     /* django mark_safe */
};

/* ESLint: eslint-plugin-security 4.1.0, no-unsanitized 4.1.5, core rules. */
static const struct rule_map eslint_rules[] = {
    {"security/detect-child-process", "process", HIGH, "CWE-78"},
    {"security/detect-eval-with-expression", "code_injection", HIGH, "CWE-95"},
    {"security/detect-non-literal-require", "code_injection", MED, "CWE-95"},
    {"security/detect-non-literal-fs-filename", "filesystem", MED, "CWE-22"},
    {"security/detect-non-literal-regexp", "other", LOW, "CWE-185"},
    {"security/detect-unsafe-regex", "other", MED, "CWE-1333"},
    {"security/detect-object-injection", "reflection", LOW, "CWE-915"},
    {"security/detect-possible-timing-attacks", "crypto", LOW, "CWE-208"},
    {"security/detect-pseudoRandomBytes", "crypto", MED, "CWE-338"},
    {"security/detect-buffer-noassert", "other", MED, "CWE-119"},
    {"security/detect-new-buffer", "other", LOW, "CWE-770"},
    {"security/detect-disable-mustache-escape", "code_injection", MED, "CWE-79"},
    {"security/detect-no-csrf-before-method-override", "network", MED, "CWE-352"},
    {"security/detect-bidi-characters", "code_injection", HIGH, "CWE-451"},
    {"security/detect-invisible-characters", "code_injection", MED, "CWE-451"},
    {"no-unsanitized/property", "code_injection", HIGH, "CWE-79"},
    {"no-unsanitized/method", "code_injection", HIGH, "CWE-79"},
    {"no-eval", "code_injection", HIGH, "CWE-95"},
    {"no-implied-eval", "code_injection", HIGH, "CWE-95"},
    {"no-new-func", "code_injection", HIGH, "CWE-95"},
    {"no-script-url", "code_injection", MED, "CWE-95"},
    /* An `eslint-disable` comment, which noInlineConfig turned into a warning. */
    {"inline-config", "other", LOW, NULL},
};

/* solhint 6.2.4: the security rules the worker enables. */
static const struct rule_map solhint_rules[] = {
    {"avoid-call-value", "solidity_low_level_call", MED, "CWE-841"},
    {"avoid-low-level-calls", "solidity_low_level_call", MED, "CWE-829"},
    {"avoid-sha3", "other", LOW, "CWE-477"},
    {"avoid-suicide", "solidity_selfdestruct", HIGH, "CWE-284"},
    {"avoid-throw", "other", LOW, "CWE-477"},
    {"avoid-tx-origin", "solidity_tx_origin", HIGH, "CWE-477"},
    {"check-send-result", "solidity_unchecked_call", HIGH, "CWE-252"},
    {"no-unchecked-calls", "solidity_unchecked_call", HIGH, "CWE-252"},
    {"func-visibility", "solidity_visibility", LOW, "CWE-710"},
    {"state-visibility", "solidity_visibility", LOW, "CWE-710"},
    {"multiple-sends", "solidity_dos", MED, "CWE-703"},
    {"no-complex-fallback", "solidity_fallback", LOW, NULL},
    {"no-inline-assembly", "solidity_assembly", MED, "CWE-695"},
    {"not-rely-on-block-hash", "solidity_randomness", MED, "CWE-330"},
    {"not-rely-on-time", "solidity_timestamp", LOW, "CWE-829"},
    {"reentrancy", "solidity_reentrancy", HIGH, "CWE-841"},
    /* A `solhint-disable` comment, neutralised by the worker. */
    {"inline-config", "other", LOW, NULL},
};

/* solc 0.8.37 error codes (warnings and the errors we treat specially). */
static const struct rule_map solc_rules[] = {
    {"9302", "solidity_unchecked_call", HIGH, "CWE-252"}, /* low-level call result unused */
    {"5878", "solidity_unchecked_call", HIGH, "CWE-252"}, /* failure of send ignored */
    {"5159", "solidity_selfdestruct", HIGH, "CWE-284"},   /* selfdestruct */
    {"9207", "other", LOW, "CWE-477"},                    /* transfer/send deprecated */
    {"8417", "solidity_randomness", LOW, "CWE-330"},      /* difficulty -> prevrandao */
    {"5740", "other", LOW, "CWE-561"},                    /* unreachable code */
    {"2519", "other", LOW, NULL},                         /* shadowing declaration */
    {"5333", "other", LOW, NULL},    /* pragma excludes the bundled compiler */
    {"6275", "other", MED, NULL},    /* import not found: analysis incomplete */
    {"1878", "other", DROP, NULL},   /* no SPDX licence line */
    {"3420", "other", DROP, NULL},   /* no version pragma */
    {"2072", "other", DROP, NULL},   /* unused local variable */
    {"5667", "other", DROP, NULL},   /* unused parameter */
    {"2018", "other", DROP, NULL},   /* could be view/pure */
    {"6321", "other", DROP, NULL},   /* unnamed return may stay unassigned */
};

struct rule_table {
    const struct rule_map *rows;
    size_t n;
};

static const struct rule_table tables[AK_COUNT] = {
    [AK_BANDIT] = {bandit_rules, ARRAY_SIZE(bandit_rules)},
    [AK_ESLINT_JS] = {eslint_rules, ARRAY_SIZE(eslint_rules)},
    [AK_ESLINT_TS] = {eslint_rules, ARRAY_SIZE(eslint_rules)},
    [AK_TSC] = {NULL, 0}, /* type errors: see adapter.c */
    [AK_SOLHINT] = {solhint_rules, ARRAY_SIZE(solhint_rules)},
    [AK_SOLC] = {solc_rules, ARRAY_SIZE(solc_rules)},
};

const struct rule_map *rule_map_find(enum analyser_kind k, const char *rule)
{
    if ((unsigned)k >= AK_COUNT || !rule)
        return NULL;
    const struct rule_table *t = &tables[k];
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].rule, rule) == 0)
            return &t->rows[i];
    return NULL;
}
