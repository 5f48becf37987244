/* cli_opt: getopt_long with one-line errors and "did you mean" (see cli_opt.h). */
#include "cli/cli_opt.h"
#include "common/fw_err.h"
#include "common/fw_near.h"

#include <stdio.h>
#include <string.h>

#define CLI_OPT_MAX_LONG 64

void cli_opt_init(cli_opt *p, const char *cmd, const char *shortopts,
                  const struct option *longopts)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->shortopts = shortopts;
    p->longopts = longopts;
    /* ':' first: a missing value returns ':' instead of '?' */
    snprintf(p->spec, sizeof p->spec, ":%s", shortopts);
    optind = 0; /* glibc: 0 re-initialises getopt for a new argv */
    opterr = 0; /* the errors are printed here */
}

static bool cli_opt_is_long_val(const cli_opt *p, int val)
{
    for (const struct option *o = p->longopts; o->name; o++)
        if (o->val == val)
            return true;
    return false;
}

/* The error line for an unrecognised, ambiguous or value-less long option written as text. */
static void cli_opt_long_error(const cli_opt *p, const char *text)
{
    const char *word = text + strspn(text, "-");
    size_t dashes = (size_t)(word - text), len = strcspn(word, "=");
    const char *names[CLI_OPT_MAX_LONG];
    size_t n = 0, hits = 0;
    char list[256] = "";
    for (const struct option *o = p->longopts; o->name && n < CLI_OPT_MAX_LONG; o++)
        names[n++] = o->name;
    for (size_t i = 0; i < n; i++) {
        if (strlen(names[i]) == len && !strncmp(names[i], word, len)) {
            fprintf(stderr, "flopwatt %s: option '%.*s%s' takes no value (got '%s')\n", p->cmd,
                    (int)dashes, text, names[i], text);
            return;
        }
        if (!strncmp(names[i], word, len)) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s%.*s%s", hits ? ", " : "", (int)dashes,
                     text, names[i]);
            hits++;
        }
    }
    if (hits > 1) {
        fprintf(stderr, "flopwatt %s: ambiguous option '%.*s' (%s)\n", p->cmd,
                (int)(dashes + len), text, list);
        return;
    }
    char bare[FW_NEAR_MAX_LEN + 1];
    snprintf(bare, sizeof bare, "%.*s", (int)(len < FW_NEAR_MAX_LEN ? len : FW_NEAR_MAX_LEN),
             word);
    const char *near = fw_near(bare, names, n);
    if (near)
        fprintf(stderr, "flopwatt %s: unknown option '%.*s' (did you mean '%.*s%s'?)\n", p->cmd,
                (int)(dashes + len), text, (int)dashes, text, near);
    else
        fprintf(stderr, "flopwatt %s: unknown option '%.*s' (try 'flopwatt %s --help')\n", p->cmd,
                (int)(dashes + len), text, p->cmd);
}

int cli_opt_next(cli_opt *p, int argc, char **argv)
{
    int idx = -1;
    int c = p->long_only ? getopt_long_only(argc, argv, p->spec, p->longopts, &idx)
                         : getopt_long(argc, argv, p->spec, p->longopts, &idx);
    p->arg = optarg;
    p->next = optind;
    if (c == -1)
        return -1;
    const char *text = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    if (c == ':') {
        fprintf(stderr, "flopwatt %s: option '%.*s' needs a value\n", p->cmd,
                (int)strcspn(text, "="), text);
        return CLI_OPT_ERROR;
    }
    if (c == '?') {
        if (optopt && !cli_opt_is_long_val(p, optopt))
            fprintf(stderr, "flopwatt %s: unknown option '-%c' (try 'flopwatt %s --help')\n",
                    p->cmd, optopt, p->cmd);
        else
            cli_opt_long_error(p, text);
        return CLI_OPT_ERROR;
    }
    if (idx >= 0)
        snprintf(p->name_buf, sizeof p->name_buf, "--%s", p->longopts[idx].name);
    else
        snprintf(p->name_buf, sizeof p->name_buf, "-%c", c);
    p->name = p->name_buf;
    return c;
}

int cli_opt_extra(const cli_opt *p, const char *arg)
{
    fprintf(stderr, "flopwatt %s: unexpected argument '%s'\n", p->cmd, arg);
    return FW_EXIT_INPUT;
}
