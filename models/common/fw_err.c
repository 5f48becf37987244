/* fw_err: errors as values (see fw_err.h). */
#include "common/fw_err.h"

#include <stdio.h>
#include <string.h>

/* Messages are one line: control characters that came from user input (a JSON string holding
 * "\n", a raw byte in a CSV field) are replaced by '?'. */
static void fw_err_one_line(char *msg)
{
    for (unsigned char *p = (unsigned char *)msg; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            *p = '?';
}

void fw_err_clear(fw_err *err)
{
    if (err) {
        err->status = FW_EXIT_OK;
        err->msg[0] = '\0';
    }
}

int fw_err_set(fw_err *err, int status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        fw_err_one_line(err->msg);
        err->status = status;
    }
    return status;
}

int fw_err_prefix(fw_err *err, const char *fmt, ...)
{
    char prefix[FW_ERR_MSG_BYTES];
    char old[FW_ERR_MSG_BYTES];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t n;
    memcpy(old, err->msg, sizeof old);
    /* Compose by hand: prefix, ": ", old message, truncated to the buffer. */
    n = strlen(prefix);
    if (n > sizeof err->msg - 3)
        n = sizeof err->msg - 3;
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    n += 2;
    size_t rest = strnlen(old, sizeof old - 1);
    if (rest > sizeof err->msg - 1 - n)
        rest = sizeof err->msg - 1 - n;
    memcpy(err->msg + n, old, rest);
    err->msg[n + rest] = '\0';
    fw_err_one_line(err->msg);
    return err->status;
}
