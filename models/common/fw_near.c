/* fw_near: edit distance and nearest known name (see fw_near.h). */
#include "common/fw_near.h"

#include <string.h>

size_t fw_near_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > FW_NEAR_MAX_LEN)
        n = FW_NEAR_MAX_LEN;
    if (m > FW_NEAR_MAX_LEN)
        m = FW_NEAR_MAX_LEN;
    /* d[i][j]: distance between the first i characters of a and the first j of b */
    size_t d[FW_NEAR_MAX_LEN + 1][FW_NEAR_MAX_LEN + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *fw_near(const char *word, const char *const *known, size_t count)
{
    size_t len = strlen(word), best_d = (size_t)-1, prefix_hits = 0;
    const char *best = NULL, *prefix = NULL;
    for (size_t i = 0; i < count; i++) {
        if (!known[i])
            continue;
        size_t d = fw_near_distance(word, known[i]);
        if (d < best_d) {
            best_d = d;
            best = known[i];
        }
        if (len > 0 && !strncmp(word, known[i], len)) {
            prefix_hits++;
            prefix = known[i];
        }
    }
    if (best && best_d <= 2 && 2 * best_d <= len)
        return best;
    return prefix_hits == 1 ? prefix : NULL;
}
