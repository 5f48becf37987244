/* flopwatt fp: runs one nx function over TestFloat-style hex vectors, stdin -> stdout.
 * Each input line holds the operands in hex (as testfloat_gen writes them); each output line is
 * the operands, the result and the exception flags (2 hex digits), upper case, single spaces:
 * exactly what Berkeley TestFloat's testfloat_ver reads. Streams with a fixed-size line buffer
 * and a fixed-size output buffer (constant memory). */
#include "cli/cli_opt.h"
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "numerics/nx.h"

#include <stdio.h>
#include <string.h>

typedef enum fp_kind {
    FP_MUL,
    FP_ADD,
    FP_SUB,
    FP_MULADD,
    FP_CONVERT,  /* float -> float */
    FP_TO_INT,   /* float -> int */
    FP_FROM_INT, /* int -> float */
    FP_MAC,      /* float MAC, operands acc a b */
    FP_MACU,     /* unfused float MAC, operands acc a b */
    FP_MAC_INT,  /* integer MAC, operands acc a b */
} fp_kind;

typedef struct fp_func {
    fp_kind kind;
    nx_fmt in, out;   /* operand format (MACs: a and b) and result format */
    unsigned n_ops;   /* operands per line */
    nx_fmt op_fmt[3]; /* format of each operand, in line order */
} fp_func;

static const char *const fp_ops[] = {"mul", "add", "sub", "mulAdd"};

static bool fp_float(nx_fmt f)
{
    return nx_fmt_get(f)->is_float;
}

/* Parses FUNCTION; returns 0 or -1 for an unknown name. */
static int fp_parse_func(const char *name, fp_func *fn)
{
    char buf[64];
    if (strlen(name) >= sizeof buf)
        return -1;
    strcpy(buf, name);
    char *op = strchr(buf, '_');
    if (!op)
        return -1;
    *op++ = '\0';
    char *rest = strchr(op, '_');
    if (rest)
        *rest++ = '\0';
    nx_fmt a, b;
    if (nx_fmt_from_name(buf, &a) != 0 || strcmp(buf, nx_fmt_get(a)->tf_name) != 0)
        return -1;
    if (!rest) {
        if (!fp_float(a))
            return -1;
        for (unsigned k = 0; k < 4; k++)
            if (!strcmp(op, fp_ops[k])) {
                fn->kind = (fp_kind)k;
                fn->in = fn->out = a;
                fn->n_ops = k == FP_MULADD ? 3 : 2;
                fn->op_fmt[0] = fn->op_fmt[1] = fn->op_fmt[2] = a;
                return 0;
            }
        return -1;
    }
    if (nx_fmt_from_name(rest, &b) != 0 || strcmp(rest, nx_fmt_get(b)->tf_name) != 0)
        return -1;
    fn->in = a;
    fn->out = b;
    if (!strcmp(op, "to")) {
        if (a == b || (!fp_float(a) && !fp_float(b)))
            return -1;
        fn->kind = fp_float(a) ? (fp_float(b) ? FP_CONVERT : FP_TO_INT) : FP_FROM_INT;
        if (fn->kind == FP_FROM_INT && a == NX_INT48)
            return -1; /* int48 is an accumulator format only */
        fn->n_ops = 1;
        fn->op_fmt[0] = a;
        return 0;
    }
    const bool fused = !strcmp(op, "mac");
    if (!fused && strcmp(op, "macu") != 0)
        return -1;
    if (fp_float(a) != fp_float(b))
        return -1;
    if (fp_float(a)) {
        fn->kind = fused ? FP_MAC : FP_MACU;
    } else {
        if (!fused || (a != NX_INT8 && a != NX_INT16) || (b != NX_INT32 && b != NX_INT48))
            return -1;
        fn->kind = FP_MAC_INT;
    }
    fn->n_ops = 3;
    fn->op_fmt[0] = b;
    fn->op_fmt[1] = fn->op_fmt[2] = a;
    return 0;
}

static void fp_list(FILE *out)
{
    static const nx_fmt floats[] = {NX_FP16, NX_FP32, NX_BF16, NX_FP8E4M3, NX_FP8E5M2};
    static const nx_fmt ints[] = {NX_INT8, NX_INT16, NX_INT32, NX_INT48};
    const size_t nf = sizeof floats / sizeof floats[0], ni = sizeof ints / sizeof ints[0];
    for (size_t i = 0; i < nf; i++)
        for (unsigned k = 0; k < 4; k++)
            fprintf(out, "%s_%s\n", nx_fmt_get(floats[i])->tf_name, fp_ops[k]);
    for (size_t i = 0; i < nf; i++)
        for (size_t j = 0; j < nf; j++)
            if (i != j)
                fprintf(out, "%s_to_%s\n", nx_fmt_get(floats[i])->tf_name,
                        nx_fmt_get(floats[j])->tf_name);
    for (size_t i = 0; i < nf; i++)
        for (size_t j = 0; j < ni; j++) {
            fprintf(out, "%s_to_%s\n", nx_fmt_get(floats[i])->tf_name,
                    nx_fmt_get(ints[j])->tf_name);
            if (ints[j] != NX_INT48)
                fprintf(out, "%s_to_%s\n", nx_fmt_get(ints[j])->tf_name,
                        nx_fmt_get(floats[i])->tf_name);
        }
    for (size_t i = 0; i < nf; i++)
        for (size_t j = 0; j < nf; j++)
            fprintf(out, "%s_mac_%s\n%s_macu_%s\n", nx_fmt_get(floats[i])->tf_name,
                    nx_fmt_get(floats[j])->tf_name, nx_fmt_get(floats[i])->tf_name,
                    nx_fmt_get(floats[j])->tf_name);
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 2; j < 4; j++)
            fprintf(out, "%s_mac_%s\n", nx_fmt_get(ints[i])->tf_name, nx_fmt_get(ints[j])->tf_name);
}

static void fp_usage(FILE *out)
{
    fprintf(
        out,
        "usage: flopwatt fp [-rnear_even|-rminMag|-rmin|-rmax|-rnear_maxMag]\n"
        "                   [-tininessbefore|-tininessafter] [-ftz] [-sat] [-exact] FUNCTION\n"
        "       flopwatt fp --list | --help\n\n"
        "Reads lines of hex operands on stdin (as Berkeley TestFloat's testfloat_gen writes\n"
        "them) and writes each line back followed by the result and the exception flags\n"
        "(inexact 01, underflow 02, overflow 04, infinite 08, invalid 10), upper case, as\n"
        "testfloat_ver FUNCTION reads them. Example:\n"
        "  printf '3C00 3C00 3C00\\n' | flopwatt fp f16_mulAdd   ->  3C00 3C00 3C00 4000 00\n\n"
        "FUNCTION (see --list): F_mul F_add F_sub F_mulAdd, F_to_G, F_to_I, I_to_F,\n"
        "  F_mac_G (fused MAC, operands: acc(G) a(F) b(F), result acc + a*b rounded once),\n"
        "  F_macu_G (unfused: a*b rounded to G, then added), I_mac_J (integer MAC, operands\n"
        "  acc a b; wraps unless -sat; overflow flag 04),\n"
        "  with F, G in f16 f32 bf16 f8e4m3 f8e5m2, I in i8 i16 (i32 i48 for _to_), J in i32 i48.\n"
        "Options: rounding mode (default -rnear_even); tininess detection (default after);\n"
        "  -ftz flushes subnormal inputs and tiny results to signed zero; -sat saturates the\n"
        "  integer MAC; -exact raises inexact in float -> int conversions.\n"
        "Exit status 0, or 2 for a malformed line (named by its number) or bad usage.\n");
}

/* Buffered writer: constant memory, one fwrite per 64 KiB. */
typedef struct fp_out {
    char buf[1 << 16];
    size_t len;
    bool failed;
} fp_out;

static void fp_flush(fp_out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, stdout) != o->len)
        o->failed = true;
    o->len = 0;
}

static void fp_put_hex(fp_out *o, uint64_t v, unsigned digits)
{
    static const char hex[] = "0123456789ABCDEF";
    for (unsigned i = digits; i-- > 0;)
        o->buf[o->len++] = hex[(v >> (4 * i)) & 0xF];
}

static uint64_t fp_apply(const fp_func *fn, const uint64_t *v, nx_mode mode, nx_overflow ovf,
                         bool exact, nx_flags *fl)
{
    switch (fn->kind) {
    case FP_MUL:
        return nx_mul(fn->in, v[0], v[1], mode, fl);
    case FP_ADD:
        return nx_add(fn->in, v[0], v[1], mode, fl);
    case FP_SUB:
        return nx_sub(fn->in, v[0], v[1], mode, fl);
    case FP_MULADD:
        return nx_fma(fn->in, v[0], v[1], v[2], mode, fl);
    case FP_CONVERT:
        return nx_convert(fn->in, fn->out, v[0], mode, fl);
    case FP_TO_INT:
        return nx_to_int(fn->in, fn->out, v[0], mode, exact, fl);
    case FP_FROM_INT:
        return nx_from_int(fn->in, fn->out, v[0], mode, fl);
    case FP_MAC:
        return nx_mac_fp(fn->in, fn->out, true, v[0], v[1], v[2], mode, fl);
    case FP_MACU:
        return nx_mac_fp(fn->in, fn->out, false, v[0], v[1], v[2], mode, fl);
    case FP_MAC_INT:
        return nx_mac_int(fn->in, fn->out, ovf, v[0], v[1], v[2], fl);
    }
    return 0;
}

static int fp_line_error(unsigned long line_no, const char *reason)
{
    fprintf(stderr, "flopwatt fp: stdin:%lu: %s\n", line_no, reason);
    return FW_EXIT_INPUT;
}

/* Character classes of the line parser: 1-16 a hex digit's value + 1, FP_SEP a separator or
 * the end of the line, 0 (every other byte) not allowed. */
enum { FP_BAD = 0, FP_SEP = 17 };
static const unsigned char fp_class[256] = {
    ['0'] = 1,       ['1'] = 2,       ['2'] = 3,       ['3'] = 4,  ['4'] = 5,      ['5'] = 6,
    ['6'] = 7,       ['7'] = 8,       ['8'] = 9,       ['9'] = 10, ['A'] = 11,     ['B'] = 12,
    ['C'] = 13,      ['D'] = 14,      ['E'] = 15,      ['F'] = 16, ['a'] = 11,     ['b'] = 12,
    ['c'] = 13,      ['d'] = 14,      ['e'] = 15,      ['f'] = 16, [' '] = FP_SEP, ['\t'] = FP_SEP,
    ['\n'] = FP_SEP, ['\r'] = FP_SEP, ['\0'] = FP_SEP,
};

/* Parses one line's operands into v (digits: the width in hex digits of each operand);
 * returns 0 or writes the reason into why. */
static int fp_parse_line(const fp_func *fn, const unsigned *digits, const char *s, uint64_t *v,
                         char *why, size_t n)
{
    unsigned count = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0' || *s == '\n' || (*s == '\r' && (s[1] == '\n' || s[1] == '\0')))
            break;
        if (count == fn->n_ops) {
            snprintf(why, n, "too many operands (expected %u)", fn->n_ops);
            return -1;
        }
        uint64_t x = 0;
        unsigned nd = 0, d;
        for (; (d = fp_class[(unsigned char)*s]) != FP_SEP && d != FP_BAD; s++, nd++) {
            if (nd == digits[count]) {
                snprintf(why, n, "operand %u: more than %u hex digits (%s is %u bits)", count + 1,
                         digits[count], nx_fmt_get(fn->op_fmt[count])->tf_name, digits[count] * 4);
                return -1;
            }
            x = x << 4 | (d - 1);
        }
        if (d == FP_BAD || (*s == '\r' && s[1] != '\n' && s[1] != '\0')) {
            if (*s == '\r')
                snprintf(why, n, "operand %u: bad hex digit '\\r'", count + 1);
            else
                snprintf(why, n, "operand %u: bad hex digit '%c'", count + 1, *s);
            return -1;
        }
        v[count++] = x;
    }
    if (count == 0) {
        snprintf(why, n, "empty line (expected %u operands)", fn->n_ops);
        return -1;
    }
    if (count != fn->n_ops) {
        snprintf(why, n, "%u operand%s, expected %u", count, count == 1 ? "" : "s", fn->n_ops);
        return -1;
    }
    return 0;
}

enum {
    FP_OPT_LIST = 256,
    FP_OPT_TININESS_BEFORE,
    FP_OPT_TININESS_AFTER,
    FP_OPT_FTZ,
    FP_OPT_SAT,
    FP_OPT_EXACT,
    FP_OPT_ROUND, /* + nx_round */
};

/* TestFloat's spelling: one dash (-rnear_even); two dashes work too. */
static const struct option fp_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"list", no_argument, NULL, FP_OPT_LIST},
    {"tininessbefore", no_argument, NULL, FP_OPT_TININESS_BEFORE},
    {"tininessafter", no_argument, NULL, FP_OPT_TININESS_AFTER},
    {"ftz", no_argument, NULL, FP_OPT_FTZ},
    {"sat", no_argument, NULL, FP_OPT_SAT},
    {"exact", no_argument, NULL, FP_OPT_EXACT},
    {"rnear_even", no_argument, NULL, FP_OPT_ROUND + NX_RNE},
    {"rminMag", no_argument, NULL, FP_OPT_ROUND + NX_RMINMAG},
    {"rmin", no_argument, NULL, FP_OPT_ROUND + NX_RMIN},
    {"rmax", no_argument, NULL, FP_OPT_ROUND + NX_RMAX},
    {"rnear_maxMag", no_argument, NULL, FP_OPT_ROUND + NX_RNEARMAXMAG},
    {NULL, 0, NULL, 0},
};

int cmd_fp(int argc, char **argv)
{
    nx_mode mode = {NX_RNE, false, false};
    nx_overflow ovf = NX_WRAP;
    bool exact = false;
    const char *name = NULL;
    cli_opt p;
    cli_opt_init(&p, "fp", "h", fp_options);
    p.long_only = true;
    for (int c; (c = cli_opt_next(&p, argc, argv)) != -1;) {
        switch (c) {
        case 'h':
            fp_usage(stdout);
            return FW_EXIT_OK;
        case FP_OPT_LIST:
            fp_list(stdout);
            return FW_EXIT_OK;
        case FP_OPT_TININESS_BEFORE:
            mode.tininess_before = true;
            break;
        case FP_OPT_TININESS_AFTER:
            mode.tininess_before = false;
            break;
        case FP_OPT_FTZ:
            mode.ftz = true;
            break;
        case FP_OPT_SAT:
            ovf = NX_SATURATE;
            break;
        case FP_OPT_EXACT:
            exact = true;
            break;
        default:
            if (c >= FP_OPT_ROUND && c <= FP_OPT_ROUND + NX_RNEARMAXMAG) {
                mode.round = (nx_round)(c - FP_OPT_ROUND);
                break;
            }
            return FW_EXIT_INPUT;
        }
    }
    if (argc - p.next > 1) {
        fprintf(stderr, "flopwatt fp: more than one FUNCTION ('%s', '%s')\n", argv[p.next],
                argv[p.next + 1]);
        return FW_EXIT_INPUT;
    }
    name = p.next < argc ? argv[p.next] : NULL;
    fp_func fn;
    if (!name) {
        fprintf(stderr, "flopwatt fp: missing FUNCTION (try 'flopwatt fp --help')\n");
        return FW_EXIT_INPUT;
    }
    if (fp_parse_func(name, &fn) != 0) {
        fprintf(stderr, "flopwatt fp: unknown FUNCTION '%s' (try 'flopwatt fp --list')\n", name);
        return FW_EXIT_INPUT;
    }

    static fp_out out; /* 64 KiB: static storage, not a shared mutable global (one command run) */
    out.len = 0;
    out.failed = false;
    char line[256], why[160];
    unsigned long line_no = 0;
    unsigned digits[3];
    for (unsigned k = 0; k < fn.n_ops; k++)
        digits[k] = nx_fmt_get(fn.op_fmt[k])->width_bits / 4;
    const unsigned res_digits = nx_fmt_get(fn.out)->width_bits / 4;
    while (fgets(line, sizeof line, stdin)) {
        line_no++;
        const size_t len = strlen(line);
        /* a full buffer without its newline is too long, unless it is the unterminated last line */
        if (len == sizeof line - 1 && line[len - 1] != '\n' && getc(stdin) != EOF) {
            fp_flush(&out);
            return fp_line_error(line_no, "line too long");
        }
        uint64_t v[3];
        if (fp_parse_line(&fn, digits, line, v, why, sizeof why) != 0) {
            fp_flush(&out);
            return fp_line_error(line_no, why);
        }
        nx_flags fl = 0;
        const uint64_t r = fp_apply(&fn, v, mode, ovf, exact, &fl);
        if (out.len > sizeof out.buf - 128)
            fp_flush(&out);
        for (unsigned k = 0; k < fn.n_ops; k++) {
            fp_put_hex(&out, v[k], digits[k]);
            out.buf[out.len++] = ' ';
        }
        fp_put_hex(&out, r, res_digits);
        out.buf[out.len++] = ' ';
        fp_put_hex(&out, fl, 2);
        out.buf[out.len++] = '\n';
    }
    fp_flush(&out);
    if (ferror(stdin)) {
        fprintf(stderr, "flopwatt fp: stdin: read error\n");
        return FW_EXIT_IO;
    }
    if (out.failed || fflush(stdout) != 0) {
        fprintf(stderr, "flopwatt fp: stdout: write error\n");
        return FW_EXIT_IO;
    }
    return FW_EXIT_OK;
}
