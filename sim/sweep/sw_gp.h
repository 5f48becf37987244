/* sw_gp: the gnuplot plumbing under the figures of sw_plot.c: the output directory and files,
 * the SVG-then-PNG terminal preamble and epilogue of a script, label quoting, and running
 * `gnuplot NAME.gp` in the output directory (its stderr to NAME.log). Errors are fw_err values:
 * FW_EXIT_IO when a directory or file cannot be made or written, FW_EXIT_FAIL when gnuplot is
 * missing or fails.
 */
#ifndef SW_GP_H
#define SW_GP_H

#include "common/fw_err.h"

#include <stddef.h>
#include <stdio.h>

/* Both terminals: the commands written between sw_gp_begin and sw_gp_end run twice, drawing
 * NAME.svg (width x height px, 10 pt text) and NAME.png (twice the pixels, everything scaled
 * alike), so a multiplot comes out in both. */
void sw_gp_begin(FILE *gp, const char *name, int width, int height);
void sw_gp_end(FILE *gp);

/* Opens dir/name for writing; NULL and FW_EXIT_IO when it cannot. */
FILE *sw_open_out(const char *dir, const char *name, fw_err *err);
/* Closes f (always); FW_EXIT_IO naming dir/name on a write error. */
int sw_close_out(FILE *f, const char *dir, const char *name, fw_err *err);
/* Creates dir when missing; FW_EXIT_IO when it cannot or it is not a directory. */
int sw_make_out_dir(const char *dir, fw_err *err);

/* Runs `gnuplot NAME.gp` in dir; FW_EXIT_FAIL when gnuplot is missing or fails. */
int sw_gnuplot(const char *dir, const char *name, fw_err *err);

/* Closes NAME.dat and NAME.gp (both, whatever happens) and, when both were written, runs
 * gnuplot on NAME.gp. Returns the first error. */
int sw_plot_finish(FILE *dat, FILE *gp, const char *dir, const char *name, fw_err *err);

/* Copies a label for a single-quoted gnuplot string into out (size bytes, NUL-terminated;
 * terminals are noenhanced: no markup, quotes dropped). */
void sw_gp_label(char *out, size_t size, const char *s);

#endif
