/* fw_io: small I/O helpers shared by every stage: reading a whole text file, writing a JSON
 * string literal. */
#ifndef FW_IO_H
#define FW_IO_H

#include "common/fw_err.h"

#include <stdio.h>

#include <stddef.h>

/* Reads the whole file at path into a buffer with a NUL appended (binary-safe: *len, when not
 * NULL, gets the byte count without the NUL); path "-" reads standard input to its end. On success *out is the caller's to free. Fails
 * with FW_EXIT_IO (cannot open or read, out of memory); messages start with the path. */
int fw_read_file(const char *path, char **out, size_t *len, fw_err *err);

/* fw_read_file for text: a NUL byte inside the file is an error (FW_EXIT_INPUT). */
int fw_read_text_file(const char *path, char **out, fw_err *err);

/* Writes s as a JSON string literal (quotes, backslash escapes, \u00XX for control bytes). */
void fw_json_write_string(FILE *out, const char *s);

#endif
