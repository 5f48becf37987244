#!/usr/bin/env bash
# tools/check-layering.sh: enforces the one-way data flow of DESIGN.md.
# Each directory has a rank; a file may include headers of its own rank or lower only.
# models/ never includes sim/; models/numerics includes nothing of the project but itself.
set -euo pipefail
cd "$(dirname "$0")/.."

rank_of() {
    case "$1" in
    models/numerics/*) echo 0 ;;
    models/common/*) echo 1 ;;
    models/tech/*) echo 2 ;;
    sim/config/*) echo 3 ;;
    sim/workload/*) echo 4 ;;
    sim/mapping/*) echo 5 ;;
    sim/engine/*) echo 6 ;;
    sim/energy/*) echo 7 ;;
    sim/report/*) echo 8 ;;
    sim/sweep/*) echo 9 ;;
    sim/cli/*) echo 10 ;;
    *) echo -1 ;;
    esac
}

bad=0
while IFS= read -r file; do
    r=$(rank_of "$file")
    [[ $r -ge 0 ]] || continue
    while IFS= read -r inc; do
        [[ -n "$inc" ]] || continue
        case "$inc" in */*) ;; *) inc="$(dirname "$file")/$inc" ;; esac
        for root in models sim; do
            [[ "$inc" == $root/* ]] && break
            [[ -e "$root/$inc" ]] && inc="$root/$inc" && break
        done
        ir=$(rank_of "$inc")
        [[ $ir -ge 0 ]] || continue
        if [[ $ir -gt $r ]]; then
            echo "$file includes $inc: a later stage (rank $ir > $r)" >&2
            bad=1
        fi
        if [[ "$file" == models/numerics/* && "$inc" != models/numerics/* ]]; then
            echo "$file includes $inc: models/numerics depends on libc only" >&2
            bad=1
        fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(find models sim -name '*.[ch]' | sort)
if [[ $bad -ne 0 ]]; then
    echo "check-layering: FAILED" >&2
    exit 1
fi
echo "check-layering: ok"
