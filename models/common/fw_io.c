/* fw_io: whole-file reading and JSON string writing (see fw_io.h). */
#include "common/fw_io.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int fw_read_file(const char *path, char **out, size_t *len_out, fw_err *err)
{
    *out = NULL;
    bool is_stdin = !strcmp(path, "-");
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return fw_err_set(err, FW_EXIT_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    while (text) {
        size_t n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (len < cap - 1)
            break;
        char *bigger = realloc(text, cap * 2);
        if (!bigger) {
            free(text);
            text = NULL;
            break;
        }
        text = bigger;
        cap *= 2;
    }
    int read_error = ferror(f);
    if (!is_stdin)
        fclose(f);
    if (!text)
        return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", path);
    if (read_error) {
        free(text);
        return fw_err_set(err, FW_EXIT_IO, "%s: read error", path);
    }
    text[len] = '\0';
    *out = text;
    if (len_out)
        *len_out = len;
    return 0;
}

int fw_read_text_file(const char *path, char **out, fw_err *err)
{
    size_t len;
    int rc = fw_read_file(path, out, &len, err);
    if (rc)
        return rc;
    if (strlen(*out) != len) {
        free(*out);
        *out = NULL;
        return fw_err_set(err, FW_EXIT_INPUT, "%s: NUL byte in the file", path);
    }
    return 0;
}

void fw_json_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}
