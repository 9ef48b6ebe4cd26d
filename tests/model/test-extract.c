/*
 * Unit tests for code extraction from model replies (model_extract_code).
 */
#include "config.h"

#include "model/model.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void expect(const char *reply, enum lang_id lang, const char *want, const char *what)
{
    char *got = model_extract_code(reply, strlen(reply), lang_get(lang));
    if (want)
        is_str(got, want, "%s", what);
    else
        ok(got == NULL, "%s (no code)", what);
    free(got);
}

int main(void)
{
    expect("Sure:\n```python\nprint(1)\n```\nDone.", LANG_PYTHON, "print(1)\n", "tagged block");
    expect("```py\nx = 1\n```", LANG_PYTHON, "x = 1\n", "alias tag py");
    expect("```\nplain\n```", LANG_PYTHON, "plain\n", "untagged block as fallback");
    expect("```js\nlet a;\n```\n```python\nb = 2\n```", LANG_PYTHON, "b = 2\n",
           "skips a block for another language");
    expect("```\nfirst\n```\n```python\nsecond\n```", LANG_PYTHON, "second\n",
           "a tagged block wins over an earlier untagged one");
    expect("```js\nlet a;\n```", LANG_PYTHON, NULL, "only another language");
    expect("No code here, just prose about print(1).", LANG_PYTHON, NULL, "prose only");
    expect("~~~solidity\ncontract A {}\n~~~", LANG_SOLIDITY, "contract A {}\n", "tilde fence");
    expect("````python\nprint('```')\n```\nstill code\n````", LANG_PYTHON,
           "print('```')\n```\nstill code\n", "longer fence holds shorter fences");
    expect("```python\ndef f():\n    return 1", LANG_PYTHON, "def f():\n    return 1",
           "unclosed fence runs to the end");
    expect("   ```typescript\nconst x: number = 1;\n   ```", LANG_TYPESCRIPT,
           "const x: number = 1;\n", "indented fence");
    expect("```python title=\"a.py\"\nz = 3\n```", LANG_PYTHON, "z = 3\n",
           "info string with attributes");
    expect("```PYTHON\nw = 4\n```", LANG_PYTHON, "w = 4\n", "tags are case-insensitive");
    expect("```python\n```", LANG_PYTHON, "", "empty block");
    expect("", LANG_PYTHON, NULL, "empty reply");
    expect("``", LANG_PYTHON, NULL, "two backticks are not a fence");
    expect("```python```", LANG_PYTHON, "", "fence with no newline");
    return tap_done();
}
