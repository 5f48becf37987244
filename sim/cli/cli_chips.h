/* cli_chips: the chip database as `flopwatt validate` and `flopwatt calibrate` take it:
 * --chips DIR (default configs/chips when it can be read from the current directory, else the
 * copy built into the binary) and --chip NAME selections, each of which must name a chip. */
#ifndef CLI_CHIPS_H
#define CLI_CHIPS_H

#include "common/fw_err.h"
#include "energy/en_chip.h"

#include <stdbool.h>
#include <stddef.h>

#define CLI_CHIPS_DEFAULT_DIR "configs/chips"

/* Loads the database of *dir (NULL: CLI_CHIPS_DEFAULT_DIR when readable, written back to *dir;
 * else the built-in copy, *dir stays NULL) into chips[0..*count-1] (EN_CHIP_MAX entries, the
 * caller's). Fails with FW_EXIT_INPUT ("--chip NAME: no such chip in DIR") when one of
 * names[0..name_count-1] names no chip, or as en_chip_db_load does. */
int cli_chips_load(const char **dir, const char *const *names, size_t name_count, en_chip *chips,
                   size_t *count, fw_err *err);

/* Whether chip is selected: named among names[0..name_count-1], or no names given. */
bool cli_chips_selected(const en_chip *chip, const char *const *names, size_t name_count);

#endif
