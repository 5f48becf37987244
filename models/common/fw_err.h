/* fw_err: errors as values. Every fallible function in flopwatt (outside models/numerics, which
 * returns exception flags instead) returns int (0 on success, nonzero on failure) and fills a
 * caller-owned fw_err with one line of context: "FILE: JSON.path: reason" or
 * "FILE:LINE: reason". Only main() turns an error into an exit status.
 */
#ifndef FW_ERR_H
#define FW_ERR_H

#include <stdarg.h>

#define FW_ERR_MSG_BYTES 512

/* Exit statuses of the flopwatt command. */
enum {
    FW_EXIT_OK = 0,
    FW_EXIT_FAIL = 1,  /* a check the user asked for failed (e.g. validate out of bounds) */
    FW_EXIT_INPUT = 2, /* bad input: usage, config, workload, vectors */
    FW_EXIT_IO = 3,    /* a file could not be read or written */
};

typedef struct fw_err {
    int status;                  /* one of FW_EXIT_*, FW_EXIT_OK when no error */
    char msg[FW_ERR_MSG_BYTES];  /* one line, no trailing newline */
} fw_err;

/* Clears *err (status FW_EXIT_OK, empty message). */
void fw_err_clear(fw_err *err);

/* Sets *err to status and a printf-formatted message; returns status so callers can write
 * `return fw_err_set(err, FW_EXIT_INPUT, "...")`. err may be NULL (the message is dropped). */
int fw_err_set(fw_err *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to the message already in *err (e.g. a file name). Returns err->status. */
int fw_err_prefix(fw_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
