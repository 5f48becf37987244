/* flopwatt ceiling: not implemented yet (placeholder until its issue lands). */
#include "cli/cmd.h"
#include "common/fw_err.h"

#include <stdio.h>

int cmd_ceiling(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "flopwatt ceiling: not implemented yet\n");
    return FW_EXIT_FAIL;
}
