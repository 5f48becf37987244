/* cli_opt: the one argument parser of the flopwatt subcommands, over glibc getopt_long:
 * "--opt value" and "--opt=value", unique abbreviations of long options, "--" ending the
 * options, options and operands in any order (operands are left in argv[optind..argc) in their
 * order). Errors (unknown option, with "did you mean" by edit distance; missing or unexpected
 * value; ambiguous abbreviation) are printed here as one line "flopwatt CMD: ..." and returned
 * as CLI_OPT_ERROR, for which the command returns FW_EXIT_INPUT.
 *
 *     cli_opt p;
 *     cli_opt_init(&p, "run", "hj:", longopts);
 *     for (int c; (c = cli_opt_next(&p, argc, argv)) != -1;)
 *         switch (c) { case 'h': ...; case CLI_OPT_ERROR: return FW_EXIT_INPUT; ... p.arg ... }
 *     operands: argv[p.next .. argc)
 *
 * getopt's state is process-global (optind, optarg): one parse at a time, from main's thread,
 * which is how the commands run. */
#ifndef CLI_OPT_H
#define CLI_OPT_H

#include <getopt.h>
#include <stdbool.h>

#define CLI_OPT_ERROR 0x10000

typedef struct cli_opt {
    const char *cmd;              /* "run": error lines start with "flopwatt run: " */
    const char *shortopts;        /* getopt's short options, without a leading ':' */
    const struct option *longopts; /* terminated by a zero entry */
    bool long_only;               /* -name as well as --name (TestFloat style, `fp`) */
    const char *arg;              /* the current option's value, NULL when it has none */
    const char *name;             /* the current option as written, e.g. "--engine" */
    int next;                     /* after the loop: index of the first operand */
    char spec[64];                /* ":" + shortopts */
    char name_buf[80];
} cli_opt;

/* Prepares p for cli_opt_next on a new argv; shortopts and longopts must outlive p. */
void cli_opt_init(cli_opt *p, const char *cmd, const char *shortopts,
                  const struct option *longopts);

/* The next option: its short letter or the long option's val, CLI_OPT_ERROR after printing
 * one error line, or -1 when the options are done (p->next is then the first operand). */
int cli_opt_next(cli_opt *p, int argc, char **argv);

/* Prints "flopwatt CMD: unexpected argument 'ARG'" (one line) and returns FW_EXIT_INPUT. */
int cli_opt_extra(const cli_opt *p, const char *arg);

#endif
