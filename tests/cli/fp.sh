#!/usr/bin/env bash
# tests/cli/fp.sh: end-to-end tests of `flopwatt fp`: hand-checked vectors (exact output lines:
# upper-case hex at the format's width, result, 2-digit TestFloat flags), options, streaming a
# large input, --list/--help, and malformed input (exit 2, one line "flopwatt fp: stdin:LINE: ...").
# Writes only under $BUILD.
set -uo pipefail
build=${BUILD:-build}
fw=${FLOPWATT:-$build/flopwatt}
tmp="$build/tmp/cli_fp"
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0
checks=0
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

# expect 'INPUT LINE' 'EXPECTED OUTPUT LINE' fp-args...
expect() {
    local in=$1 want=$2
    shift 2
    checks=$((checks + 1))
    local got
    got=$(printf '%s\n' "$in" | "$fw" fp "$@" 2>"$tmp/err")
    local st=$?
    [[ $st -eq 0 ]] || fail "fp $* <<< '$in': exit $st ($(cat "$tmp/err"))"
    [[ "$got" == "$want" ]] || fail "fp $* <<< '$in': got '$got', expected '$want'"
}

# Hand-derived values (flags: 01 inexact, 02 underflow, 04 overflow, 10 invalid).
expect '3C00 3C00 3C00' '3C00 3C00 3C00 4000 00' f16_mulAdd        # 1*1+1 = 2
expect '3c00 3c00' '3C00 3C00 4000 00' f16_add                      # lower case in, upper out
expect '7BFF 4000' '7BFF 4000 7C00 05' f16_mul                      # 65504*2 overflows to inf
expect '7BFF 4000' '7BFF 4000 7BFF 05' -rminMag f16_mul             # ... or to max toward zero
expect '3C00 0001' '3C00 0001 3C00 01' f16_add                      # 1 + 2^-24 rounds to 1
expect '3C00 0001' '3C00 0001 3C01 01' -rmax f16_add                # ... up to 1 + 2^-10
expect '0001 3800' '0001 3800 0000 03' f16_mul                      # 2^-25: tie, even is 0
expect '0001 3800' '0001 3800 0001 03' -rnear_maxMag f16_mul        # ties away: 2^-24
expect '0400 3800' '0400 3800 0200 00' f16_mul                      # exact subnormal: no flags
expect '0400 3800' '0400 3800 0000 03' -ftz f16_mul                 # flushed: underflow|inexact
expect '0200 3C00' '0200 3C00 0000 00' -ftz f16_mul                 # subnormal input reads as 0
expect '7C00 0000' '7C00 0000 7E00 10' f16_mul                      # inf * 0: invalid
expect '7C01 3C00' '7C01 3C00 7E00 10' f16_add                      # signaling NaN: invalid
expect '7E00 3C00' '7E00 3C00 7E00 00' f16_add                      # quiet NaN: no flag
expect '3F800000 3F800000 BF800000' '3F800000 3F800000 BF800000 00000000 00' f32_mulAdd
expect '3F800000 3F800000 BF800000' '3F800000 3F800000 BF800000 80000000 00' -rmin f32_mulAdd
expect '7E 3C' '7E 3C 7F 05' f8e4m3_mul                             # 448*1.5: E4M3 overflow -> NaN
expect '7E 3C' '7E 3C 7E 05' -rminMag f8e4m3_mul                    # ... saturates toward zero
expect '3C00' '3C00 3F800000 00' f16_to_f32
expect '3F808000' '3F808000 3F80 01' f32_to_bf16                    # 1 + 2^-8: tie to even
expect '3F818000' '3F818000 3F82 01' f32_to_bf16                    # 1 + 3*2^-8: tie up to even
expect '3F800000 3C00 4000' '3F800000 3C00 4000 40400000 00' f16_mac_f32   # 1 + 1*2 = 3
expect '3F800000 3C00 4000' '3F800000 3C00 4000 40400000 00' f16_macu_f32
expect '7FFFFFFF 01 01' '7FFFFFFF 01 01 80000000 04' i8_mac_i32     # wraps, flags overflow
expect '7FFFFFFF 01 01' '7FFFFFFF 01 01 7FFFFFFF 04' -sat i8_mac_i32 # saturates
expect '00000000 FF 80' '00000000 FF 80 00000080 00' i8_mac_i32     # -1 * -128 = 128
expect '4060' '4060 00000002 00' f16_to_i32                         # 2.1875 -> 2
expect '4060' '4060 00000002 01' -exact f16_to_i32                  # ... inexact with -exact
expect '4060' '4060 00000003 00' -rmax f16_to_i32
expect 'FE' 'FE C000 00' i8_to_f16                                  # -2
expect '  3C00   3C00  ' '3C00 3C00 4000 00' f16_add                # extra blanks are tolerated

# Several lines stream through in order; the output has one line per input line.
checks=$((checks + 1))
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "%04X %04X %04X\n", i % 65536, (i * 7) % 65536, (i * 13) % 65536 }' >"$tmp/vec.txt"
"$fw" fp f16_mulAdd <"$tmp/vec.txt" >"$tmp/out.txt" 2>"$tmp/err" || fail "stream: exit $?"
[[ $(wc -l <"$tmp/out.txt") -eq 200000 ]] || fail "stream: $(wc -l <"$tmp/out.txt") lines, expected 200000"
cut -d' ' -f1-3 "$tmp/out.txt" | cmp -s - "$tmp/vec.txt" || fail "stream: operands not echoed in order"
grep -qvE '^[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{2}$' "$tmp/out.txt" &&
    fail "stream: a line is not 5 upper-case hex fields of widths 4 4 4 4 2"
# the rounding mode changes some results, never the operands
"$fw" fp -rmin f16_mulAdd <"$tmp/vec.txt" >"$tmp/out_min.txt" || fail "stream -rmin: exit $?"
cmp -s "$tmp/out.txt" "$tmp/out_min.txt" && fail "stream: -rmin gives the same output as near_even"

# --list names every function family; --help exits 0.
checks=$((checks + 1))
"$fw" fp --list >"$tmp/list.txt" || fail "--list: exit $?"
for fn in f16_mul f16_add f16_sub f16_mulAdd f32_mulAdd bf16_mulAdd f8e4m3_mul f8e5m2_add \
    f16_to_f32 f32_to_f16 bf16_to_f32 f32_to_bf16 f8e4m3_to_f16 f32_to_f8e5m2 f16_mac_f32 \
    f16_macu_f32 bf16_mac_f32 f8e4m3_mac_f16 f8e5m2_macu_f32 i8_mac_i32 i16_mac_i48 f32_to_i32; do
    grep -qx "$fn" "$tmp/list.txt" || fail "--list lacks $fn"
done
while read -r fn; do # every listed name is accepted
    printf '' | "$fw" fp "$fn" >/dev/null 2>&1 || fail "listed function $fn is rejected"
done <"$tmp/list.txt"
"$fw" fp --help >/dev/null || fail "--help: exit $?"

# Malformed input: exit 2, nothing else on stderr than one line naming the line number.
bad() {
    local input=$1 want=$2
    shift 2
    checks=$((checks + 1))
    printf "$input" | "$fw" fp "$@" >/dev/null 2>"$tmp/err"
    local st=$?
    [[ $st -eq 2 ]] || fail "fp $* <<< '$input': exit $st, expected 2"
    [[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "fp $* <<< '$input': $(wc -l <"$tmp/err") stderr lines"
    grep -qF "$want" "$tmp/err" || fail "fp $* <<< '$input': message '$(cat "$tmp/err")' lacks '$want'"
}
bad '3G00 3C00\n' "flopwatt fp: stdin:1: operand 1: bad hex digit 'G'" f16_add
bad '3C00 3C00\n3C00\n' 'flopwatt fp: stdin:2: 1 operand, expected 2' f16_add
bad '3C00 3C00 3C00\n' 'flopwatt fp: stdin:1: too many operands (expected 2)' f16_add
bad '3C000 3C00\n' 'flopwatt fp: stdin:1: operand 1: more than 4 hex digits' f16_add
bad '3C00 3C00\n\n' 'flopwatt fp: stdin:2: empty line' f16_add
bad '00000000 100 01\n' 'flopwatt fp: stdin:1: operand 2: more than 2 hex digits' i8_mac_i32
bad "$(printf '%0300d' 0)\n" 'flopwatt fp: stdin:1: line too long' f16_add
bad '' "unknown FUNCTION 'f17_add'" f17_add
bad '' "unknown FUNCTION 'f16_div'" f16_div
bad '' "unknown FUNCTION 'i8_to_i32'" i8_to_i32
bad '' "unknown option '-rfoo'" -rfoo f16_add
bad '' 'missing FUNCTION'
bad '' 'more than one FUNCTION' f16_add f16_mul

echo "fp CLI: $checks checks, $fails failed"
[[ $fails -eq 0 ]]
