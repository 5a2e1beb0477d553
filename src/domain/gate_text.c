/*
 * gate_text.c - the document-text scanner of the disclosure gate: whole-
 * token search for an operator's asset identifiers and confidential field
 * values (Art. 9(2), rule P2) and the severity a text states (Art. 9(3),
 * rule P3). Pure functions of their input, fuzzed by fuzz/gate_text_fuzz.c.
 */
#include <string.h>

#include "vulntrack/gate.h"

static bool ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* A character that continues a token: a host name, an address or a word.
 * Bytes of multi-byte UTF-8 characters separate tokens, so an identifier
 * written right next to Chinese text is still found. */
static bool token_char(unsigned char c)
{
    return ascii_alnum(c) || c == '-' || c == '_';
}

/*
 * Whether the match t[i..j) stands alone: no token character touches it,
 * and a '.' beside it is punctuation, not a further label of a longer
 * host name ("db1.example.cn.org", "x.db1.example.cn").
 */
static bool token_bounded(const unsigned char *t, size_t n, size_t i, size_t j)
{
    if (i > 0) {
        if (token_char(t[i - 1]))
            return false;
        if (t[i - 1] == '.' && i >= 2 && ascii_alnum(t[i - 2]))
            return false;
    }
    if (j < n) {
        if (token_char(t[j]))
            return false;
        if (t[j] == '.' && j + 1 < n && ascii_alnum(t[j + 1]))
            return false;
    }
    return true;
}

bool vt_gate_text_has_token(const char *text, const char *needle)
{
    const unsigned char *t = (const unsigned char *)text;
    const unsigned char *p = (const unsigned char *)needle;
    size_t n, m, i, k;

    if (!text || !needle || !needle[0])
        return false;
    n = strlen(text);
    m = strlen(needle);
    for (i = 0; i + m <= n; i++) {
        for (k = 0; k < m && ascii_lower(t[i + k]) == ascii_lower(p[k]); k++)
            ;
        if (k == m && token_bounded(t, n, i, i + m))
            return true;
    }
    return false;
}

/*
 * The severity words, with the level each states. Levels 1-4 are the
 * grades low..critical (GB/T 30279: 低危, 中危, 高危, 超危; 严重 is also
 * used for the top grade); 5 is a superlative no grade reaches, so it is
 * always an exaggeration (Art. 9(3): 不得夸大漏洞的危害和风险). English
 * words must be whole tokens; Chinese ones have no word boundaries and are
 * found as substrings.
 */
static const struct severity_word {
    const char *word;
    int level;
    bool chinese;
} severity_words[] = {
    {"low", 1, false},          {"medium", 2, false},        {"moderate", 2, false},
    {"high", 3, false},         {"critical", 4, false},      {"severe", 4, false},
    {"most severe", 5, false},  {"most critical", 5, false}, {"most dangerous", 5, false},
    {"catastrophic", 5, false}, {"apocalyptic", 5, false},   {"devastating", 5, false},
    {"worst", 5, false},        {"低危", 1, true},           {"中危", 2, true},
    {"高危", 3, true},          {"超危", 4, true},           {"严重", 4, true},
    {"极其严重", 5, true},      {"最严重", 5, true},         {"灾难性", 5, true},
    {"毁灭性", 5, true},
};

int vt_gate_text_severity(const char *text, const char **word)
{
    size_t i;
    int best = 0;

    if (word)
        *word = NULL;
    if (!text)
        return 0;
    for (i = 0; i < sizeof(severity_words) / sizeof(severity_words[0]); i++) {
        const struct severity_word *w = &severity_words[i];
        bool found =
            w->chinese ? strstr(text, w->word) != NULL : vt_gate_text_has_token(text, w->word);

        if (found && w->level > best) {
            best = w->level;
            if (word)
                *word = w->word;
        }
    }
    return best;
}
