/* fw_near: "did you mean" for misspelled names (options, subcommands, JSON keys): the known
 * name nearest to a word by edit distance (insertions, deletions, substitutions and swaps of
 * two adjacent characters each cost 1; optimal string alignment). Pure functions, no state. */
#ifndef FW_NEAR_H
#define FW_NEAR_H

#include <stddef.h>

/* Edit distance between a and b (NUL-terminated), as above; strings longer than
 * FW_NEAR_MAX_LEN characters are compared on their first FW_NEAR_MAX_LEN characters. */
#define FW_NEAR_MAX_LEN 64
size_t fw_near_distance(const char *a, const char *b);

/* The name of known[0..count) nearest to word, or NULL when none is near enough: the distance
 * must be at most 2 and at most half of word's length (so "x" suggests nothing), or
 * word must be a prefix of exactly one name (then that name). Ties go to the first in known.
 * NULL entries of known are skipped. The result points into known. */
const char *fw_near(const char *word, const char *const *known, size_t count);

#endif
