/* sw_gp: the gnuplot plumbing of the figures (see sw_gp.h). */
#include "sweep/sw_gp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void sw_gp_begin(FILE *gp, const char *name, int width, int height)
{
    /* The body runs twice (SVG, then PNG at twice the pixels with fonts, lines and points
     * scaled alike), so multiplot figures come out in both: `replot` repeats only the last
     * plot of a multiplot. */
    fprintf(gp,
            "# %s.gp: written by flopwatt plot; run `gnuplot %s.gp` in this directory.\n"
            "# %s.svg is %d x %d px at 10 pt (a paper column when scaled to 3.3 in: 7.5 pt "
            "text);\n# %s.png is the same figure at twice the pixels.\n"
            "do for [fw_term = 1:2] {\n"
            "if (fw_term == 1) {\n"
            "    set terminal svg size %d,%d dynamic noenhanced font 'Sans,10' background rgb "
            "'white'\n    set output '%s.svg'\n"
            "} else {\n"
            "    set terminal pngcairo size %d,%d noenhanced font 'Sans,10' fontscale 2 "
            "linewidth 2 pointscale 2 background rgb 'white'\n    set output '%s.png'\n"
            "}\nset grid lc rgb '#d8d8d8'\nset format '%%g'\n",
            name, name, name, width, height, name, width, height, name, 2 * width, 2 * height,
            name);
}

void sw_gp_end(FILE *gp)
{
    fprintf(gp, "unset output\n}\n");
}

FILE *sw_open_out(const char *dir, const char *name, fw_err *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        fw_err_set(err, FW_EXIT_IO, "%s: cannot create: %s", path, strerror(errno));
    return f;
}

int sw_close_out(FILE *f, const char *dir, const char *name, fw_err *err)
{
    int bad = ferror(f);
    if (fclose(f) || bad)
        return fw_err_set(err, FW_EXIT_IO, "%s/%s: write error", dir, name);
    return 0;
}

int sw_make_out_dir(const char *dir, fw_err *err)
{
    struct stat st;
    if (mkdir(dir, 0755) && errno != EEXIST)
        return fw_err_set(err, FW_EXIT_IO, "%s: cannot create directory: %s", dir, strerror(errno));
    if (stat(dir, &st) || !S_ISDIR(st.st_mode))
        return fw_err_set(err, FW_EXIT_IO, "%s: not a directory", dir);
    return 0;
}

int sw_gnuplot(const char *dir, const char *name, fw_err *err)
{
    char script[256];
    snprintf(script, sizeof script, "%s.gp", name);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return fw_err_set(err, FW_EXIT_IO, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(dir))
            _exit(126);
        /* gnuplot's warnings go to NAME.log, not to the user's terminal. */
        char log[256];
        snprintf(log, sizeof log, "%s.log", name);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return fw_err_set(err, FW_EXIT_FAIL, "waitpid: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return fw_err_set(err, FW_EXIT_FAIL, "gnuplot not found (install gnuplot-nox)");
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        return fw_err_set(err, FW_EXIT_FAIL, "gnuplot failed on %s/%s (see %s/%s.log)", dir, script,
                          dir, name);
    return 0;
}

int sw_plot_finish(FILE *dat, FILE *gp, const char *dir, const char *name, fw_err *err)
{
    char file[256];
    snprintf(file, sizeof file, "%s.dat", name);
    int rc = sw_close_out(dat, dir, file, err);
    snprintf(file, sizeof file, "%s.gp", name);
    if (rc) {
        fclose(gp);
        return rc;
    }
    if ((rc = sw_close_out(gp, dir, file, err)))
        return rc;
    return sw_gnuplot(dir, name, err);
}

void sw_gp_label(char *out, size_t size, const char *s)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        if (*s != '\'' && *s != '"')
            out[n++] = *s;
    out[n] = '\0';
}
