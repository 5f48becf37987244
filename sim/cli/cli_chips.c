/* cli_chips: the chip database of validate and calibrate (see cli_chips.h). */
#include "cli/cli_chips.h"

#include <string.h>
#include <unistd.h>

int cli_chips_load(const char **dir, const char *const *names, size_t name_count, en_chip *chips,
                   size_t *count, fw_err *err)
{
    if (!*dir && access(CLI_CHIPS_DEFAULT_DIR, R_OK) == 0)
        *dir = CLI_CHIPS_DEFAULT_DIR;
    int rc = en_chip_db_load(*dir, chips, count, err);
    for (size_t s = 0; s < name_count && !rc; s++) {
        bool found = false;
        for (size_t i = 0; i < *count; i++)
            found |= !strcmp(chips[i].name, names[s]);
        if (!found)
            rc = fw_err_set(err, FW_EXIT_INPUT, "--chip %s: no such chip in %s", names[s],
                            *dir ? *dir : "the built-in database");
    }
    return rc;
}

bool cli_chips_selected(const en_chip *chip, const char *const *names, size_t name_count)
{
    bool want = name_count == 0;
    for (size_t s = 0; s < name_count; s++)
        want |= !strcmp(chip->name, names[s]);
    return want;
}
