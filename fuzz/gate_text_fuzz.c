/*
 * gate_text_fuzz.c - fuzz target for the disclosure gate's document-text
 * scanner (gate.h): whole-token search for asset identifiers (rule P2) and
 * the severity a text states (rule P3).
 *
 * Input: the needle, a newline, then the text (no newline: the whole input
 * is both). Checked for every input: a token found is a case-insensitive
 * substring; the needle alone, or between spaces, is always found;
 * changing the ASCII case of the text changes neither answer; the
 * severity is 0-5 and the word given for it occurs in the text. Any
 * violation aborts, so that libFuzzer (or the replay driver) reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulntrack/gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *text, const char *needle)
{
    fprintf(stderr, "gate_text_fuzz: %s\n  text:   %s\n  needle: %s\n", what, text,
            needle ? needle : "(null)");
    abort();
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Naive case-insensitive (ASCII) substring test, the reference. */
static int contains_ci(const char *text, const char *needle)
{
    size_t n = strlen(text), m = strlen(needle), i, k;

    for (i = 0; i + m <= n; i++) {
        for (k = 0; k < m && lower(text[i + k]) == lower(needle[k]); k++)
            ;
        if (k == m)
            return 1;
    }
    return 0;
}

static char *dup_n(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);

    if (!s)
        abort();
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t nlen = nl ? (size_t)(nl - data) : size;
    char *needle = dup_n(data, nlen);
    char *text = nl ? dup_n(nl + 1, size - nlen - 1) : dup_n(data, size);
    char *up = dup_n((const uint8_t *)text, strlen(text));
    char *spaced = malloc(strlen(needle) + 3);
    const char *word = NULL, *word_up = NULL;
    int found, level, level_up;
    size_t i;

    if (!spaced)
        abort();
    for (i = 0; up[i]; i++)
        up[i] = upper(up[i]);
    found = vt_gate_text_has_token(text, needle);
    if (found && !contains_ci(text, needle))
        die("found a token that is not in the text", text, needle);
    if (found != vt_gate_text_has_token(up, needle))
        die("the ASCII case of the text changed the answer", text, needle);
    if (needle[0] && !vt_gate_text_has_token(needle, needle))
        die("the needle alone is not found", needle, needle);
    snprintf(spaced, strlen(needle) + 3, " %s ", needle);
    if (needle[0] && !vt_gate_text_has_token(spaced, needle))
        die("the needle between spaces is not found", spaced, needle);
    level = vt_gate_text_severity(text, &word);
    level_up = vt_gate_text_severity(up, &word_up);
    if (level < 0 || level > 5 || (level > 0) != (word != NULL))
        die("severity out of range or without its word", text, word);
    if (word && !contains_ci(text, word))
        die("the severity word is not in the text", text, word);
    if (level != level_up)
        die("the ASCII case of the text changed the severity", text, word);
    free(spaced);
    free(up);
    free(text);
    free(needle);
    return 0;
}
