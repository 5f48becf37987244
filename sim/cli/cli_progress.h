/* cli_progress: a progress line on the terminal for long runs (`flopwatt run --engine pe`).
 * A helper thread redraws one line on stderr twice a second, from the first second on:
 *   flopwatt run: layer 3/54 res2a_branch2b, 12% of the MACs done, 5 s
 * and erases it when the run ends. Nothing is printed when stderr is not a terminal, so
 * redirected and piped runs, tests and scripts see exactly the output they saw before. The
 * progress is by layer: the share of the MACs of the layers finished before the current one.
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_progress cli_progress;

/* Starts the line for a run of layer_count MAC layers and total_macs MACs. Returns NULL (and
 * shows nothing) when stderr is not a terminal or the thread cannot start; every function
 * accepts NULL. Caller owns the result (cli_progress_stop). */
cli_progress *cli_progress_start(const char *who, size_t layer_count, uint64_t total_macs);

/* The next layer starts: its name (copied), and the MACs of the layers finished before it. */
void cli_progress_layer(cli_progress *p, const char *name, uint64_t macs_before);

/* Stops the thread, erases the line and frees p. */
void cli_progress_stop(cli_progress *p);

#endif
