/* cli_find: shipped inputs by name (see cli_find.h). */
#include "cli/cli_find.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const cli_find_dirs[] = {
    "configs", "configs/workloads", "configs/workloads/scalesim", "configs/sweeps",
    "configs/chips"};
static const char *const cli_find_exts[] = {"", ".json", ".csv"};

/* buf = base/dir/arg+ext for the first readable combination; true when found. */
static int cli_find_in(const char *base, const char *arg, char *buf, size_t size)
{
    for (size_t d = 0; d < sizeof cli_find_dirs / sizeof cli_find_dirs[0]; d++)
        for (size_t e = 0; e < sizeof cli_find_exts / sizeof cli_find_exts[0]; e++) {
            int n = snprintf(buf, size, "%s%s%s/%s%s", base ? base : "", base ? "/" : "",
                             cli_find_dirs[d], arg, cli_find_exts[e]);
            if (n > 0 && (size_t)n < size && access(buf, R_OK) == 0)
                return 1;
        }
    return 0;
}

const char *cli_find(const char *arg, char *buf, size_t size)
{
    if (!arg || !arg[0] || !strcmp(arg, "-") || strchr(arg, '/') || access(arg, F_OK) == 0)
        return arg;
    if (cli_find_in(NULL, arg, buf, size))
        return buf;
    const char *data = getenv("FLOPWATT_DATA");
    if (data && data[0] && cli_find_in(data, arg, buf, size))
        return buf;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0'; /* BIN */
            char share[PATH_MAX + 32];
            snprintf(share, sizeof share, "%s/../share/flopwatt", exe);
            if (cli_find_in(share, arg, buf, size))
                return buf;
        }
    }
    return arg;
}
