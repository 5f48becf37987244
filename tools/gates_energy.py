#!/usr/bin/env python3
"""tools/gates_energy.py: switching activity and relative energy of a PE gate netlist.

    gates_energy.py NETLIST.json STREAM.txt [LATENCY]

NETLIST.json: a flattened Yosys netlist of generic cells ($_NOT_, $_AND_, $_NAND_, $_OR_, $_NOR_,
$_XOR_, $_XNOR_, $_MUX_ and the $_DFF*/$_SDFF* flip-flops), as tools/gates.sh writes it
(`synth; abc -g AND,NAND,OR,NOR,XOR,XNOR,MUX; flatten; write_json`) for a wrapper with ports
a_i, b_i, c_i (operands), res_o (result), valid_i, rst_ni, clk_i and mode inputs.
STREAM.txt: lines "c a b res" in hex (tools/macstream.c: the C model's results). One line is
applied per clock cycle (valid_i = 1, rst_ni = 1, every mode input 0: near_even, no FTZ,
tininess after rounding, integer wrap); res_o must equal the line's res LATENCY cycles later
(default 1, the wrapper's one output register stage): the netlist simulation is checked bit for
bit against the C model.

Simulation: zero-delay, cycle-based, bit-parallel (each net is a Python integer whose bit k is
its value in cycle k); flip-flops start at 0. A net's toggles are the cycles k in [1, N) whose
value differs from cycle k - 1 (glitches inside a cycle are not seen).

Energy (relative units; one unit is the gate capacitance of one minimum transistor switched
once, C_g * Vdd^2 / 2): every toggle of a net costs the driving cell's own capacitance plus the
input pins it drives,
    E(toggle) = T(driver) + 2 * fanout_pins,
where T is the driver's transistor count in static CMOS (a cell's diffusion and internal-node
capacitance grows with its transistors) and each driven input pin is one nMOS and one pMOS gate
(2). Transistor counts (Weste and Harris, CMOS VLSI Design, 4th ed., ch. 1 and 10: static CMOS
gates, an AND/OR is the NAND/NOR plus an inverter, XOR/XNOR and the 2:1 mux as 12-transistor
static gates, a static master-slave flip-flop with transmission gates 24):
    NOT 2, NAND2 4, NOR2 4, AND2 6, OR2 6, XOR2 12, XNOR2 12, MUX2 12, flip-flop 24.
Primary inputs (the operand registers or buses outside the PE) cost only the pins they drive;
an output port bit counts as one driven pin. Clock: every flip-flop clocked in a cycle costs
CLOCK_PER_CYCLE = 8 (its clock pin, 4 gate units, charged and discharged once per cycle); an
enabled flip-flop ($_DFFE_*, $_SDFFE_*) is taken as clock-gated, i.e. clocked only in cycles
with its enable high (synthesis inserts clock gating for enabled register banks).

Prints one line of key=value fields: vectors, checked, mismatches, cells, ffs, toggles (total and
per MAC
(combinational, flip-flop data), energy per MAC (total, combinational, flip-flop data, clock,
input pins). Exit 0; 1 on a mismatch; 2 on bad input (one line naming the file and reason).
"""
import json
import sys

TRANSISTORS = {
    '$_NOT_': 2, '$_NAND_': 4, '$_NOR_': 4, '$_AND_': 6, '$_OR_': 6,
    '$_XOR_': 12, '$_XNOR_': 12, '$_MUX_': 12,
}
FF_TRANSISTORS = 24
PIN = 2
CLOCK_PER_CYCLE = 8
FF_TYPES = {'$_DFF_P_', '$_DFF_PN0_', '$_DFF_PP0_', '$_DFFE_PP_', '$_DFFE_PN0P_',
            '$_DFFE_PP0P_', '$_SDFF_PP0_', '$_SDFFE_PP0P_', '$_SDFFCE_PP0P_'}
CONTROL_ONES = {'valid_i', 'rst_ni'}


def fail(where, why):
    print(f"gates_energy: {where}: {why}", file=sys.stderr)
    sys.exit(2)


def popcount(x):
    return bin(x).count('1')


def main():
    if len(sys.argv) not in (3, 4):
        fail('usage', 'gates_energy.py NETLIST.json STREAM.txt [LATENCY]')
    net_path, stream_path = sys.argv[1], sys.argv[2]
    latency = int(sys.argv[3]) if len(sys.argv) == 4 else 1
    try:
        with open(net_path) as f:
            design = json.load(f)
    except (OSError, ValueError) as e:
        fail(net_path, f"cannot read the netlist: {e}")
    tops = [m for m in design.get('modules', {}).values()
            if m.get('attributes', {}).get('top')]
    mods = design.get('modules', {})
    if len(mods) != 1 and len(tops) != 1:
        fail(net_path, 'expected one flattened module')
    mod = tops[0] if tops else next(iter(mods.values()))

    vectors = []
    try:
        with open(stream_path) as f:
            for lineno, line in enumerate(f, 1):
                parts = line.split()
                if len(parts) != 4:
                    fail(f"{stream_path}:{lineno}", 'expected 4 hex fields "c a b res"')
                vectors.append([int(p, 16) for p in parts])
    except OSError as e:
        fail(stream_path, f"cannot read the stream: {e}")
    except ValueError:
        fail(f"{stream_path}:{lineno}", 'not hexadecimal')
    n = len(vectors)
    if n < latency + 2:
        fail(stream_path, f"needs at least {latency + 2} lines")
    ones = (1 << n) - 1

    def bitvec(values, bit):
        s = ''.join('1' if (v >> bit) & 1 else '0' for v in reversed(values))
        return int(s, 2)

    value = {}      # net id -> bit vector over cycles
    fanout = {}     # net id -> driven input pins (clock pins excluded)
    driver = {}     # net id -> cell name
    cells = mod.get('cells', {})
    ports = mod.get('ports', {})
    streams = {'c_i': [v[0] for v in vectors], 'a_i': [v[1] for v in vectors],
               'b_i': [v[2] for v in vectors]}
    for name, port in ports.items():
        if port['direction'] == 'input':
            for i, bit in enumerate(port['bits']):
                if isinstance(bit, str):
                    continue
                if name in streams:
                    value[bit] = bitvec(streams[name], i)
                elif name in CONTROL_ONES:
                    value[bit] = ones
                else:
                    value[bit] = 0
        else:
            for bit in port['bits']:
                if not isinstance(bit, str):
                    fanout[bit] = fanout.get(bit, 0) + 1
    for pname in ('a_i', 'b_i', 'c_i', 'res_o'):
        if pname not in ports:
            fail(net_path, f"no port {pname}")

    for cname, cell in cells.items():
        ctype = cell['type']
        if ctype not in TRANSISTORS and ctype not in FF_TYPES:
            fail(net_path, f"cell {cname}: unsupported type {ctype}")
        for pin, bits in cell['connections'].items():
            if cell['port_directions'][pin] == 'output':
                for bit in bits:
                    driver[bit] = cname
            elif pin != 'C':
                for bit in bits:
                    if not isinstance(bit, str):
                        fanout[bit] = fanout.get(bit, 0) + 1

    def get(bit):
        if isinstance(bit, str):
            return ones if bit == '1' else 0
        return value[bit]

    # Topological order over cells (a flip-flop depends on its D/E/R inputs of earlier cycles,
    # a combinational cell on its inputs in the same cycle); a cycle through combinational
    # logic or a flip-flop feeding itself is rejected.
    order, state = [], {}
    for root in cells:
        if root in state:
            continue
        stack = [(root, False)]
        while stack:
            cname, done = stack.pop()
            if done:
                state[cname] = 2
                order.append(cname)
                continue
            if state.get(cname) == 2:
                continue
            if state.get(cname) == 1:
                fail(net_path, f"combinational or register loop through cell {cname}")
            state[cname] = 1
            stack.append((cname, True))
            cell = cells[cname]
            for pin, bits in cell['connections'].items():
                if cell['port_directions'][pin] != 'input' or pin == 'C':
                    continue
                for bit in bits:
                    d = driver.get(bit)
                    if d is not None and state.get(d) != 2:
                        if state.get(d) == 1:
                            fail(net_path, f"combinational or register loop through cell {d}")
                        stack.append((d, False))

    def sequential(d, e, r_sync):
        """Q per cycle: Q[0] = 0; Q[k] = R[k-1] ? 0 : (E[k-1] ? D[k-1] : Q[k-1])."""
        q, out = 0, 0
        for k in range(n):
            if k:
                out |= q << k
            if (r_sync >> k) & 1:
                q = 0
            elif (e >> k) & 1:
                q = (d >> k) & 1
        return out

    clocked = 0
    ff_count = 0
    for cname in order:
        cell = cells[cname]
        ctype = cell['type']
        conn = cell['connections']
        if ctype in FF_TYPES:
            ff_count += 1
            d = get(conn['D'][0])
            e = get(conn['E'][0]) if 'E' in conn else ones
            r = get(conn['R'][0]) if 'R' in conn else 0
            r_sync = 0
            if ctype.startswith('$_SDFF'):
                r_sync = r
            if e == ones and r_sync == 0:
                q = (d << 1) & ones
            else:
                q = sequential(d, e, r_sync)
            if ctype in ('$_DFF_PN0_', '$_DFFE_PN0P_'):
                q &= r            # asynchronous reset, active low
            elif ctype in ('$_DFF_PP0_', '$_DFFE_PP0P_'):
                q &= ones ^ r     # asynchronous reset, active high
            clocked += popcount(e) if 'E' in conn else n
            value[conn['Q'][0]] = q
            continue
        a = get(conn['A'][0])
        if ctype == '$_NOT_':
            y = ones ^ a
        else:
            b = get(conn['B'][0])
            if ctype == '$_AND_':
                y = a & b
            elif ctype == '$_NAND_':
                y = ones ^ (a & b)
            elif ctype == '$_OR_':
                y = a | b
            elif ctype == '$_NOR_':
                y = ones ^ (a | b)
            elif ctype == '$_XOR_':
                y = a ^ b
            elif ctype == '$_XNOR_':
                y = ones ^ a ^ b
            else:  # $_MUX_: Y = S ? B : A
                s = get(conn['S'][0])
                y = (a & (ones ^ s)) | (b & s)
        value[conn['Y'][0]] = y

    # Check res_o against the C model, LATENCY cycles late.
    res_bits = ports['res_o']['bits']
    cols = [format(get(bit), f'0{n}b')[::-1] for bit in res_bits]
    mismatches, checked, first = 0, 0, None
    for k in range(latency, n):
        got = 0
        for i, col in enumerate(cols):
            if col[k] == '1':
                got |= 1 << i
        want = vectors[k - latency][3]
        checked += 1
        if got != want:
            mismatches += 1
            if first is None:
                first = (k - latency, got, want)

    # Toggles and energy over the transitions between cycles 0..n-1.
    window = ones >> 1
    tog_comb = tog_ff = 0
    e_comb = e_ff = e_in = 0
    for bit, v in value.items():
        t = popcount((v ^ (v >> 1)) & window)
        if not t:
            continue
        load = PIN * fanout.get(bit, 0)
        cname = driver.get(bit)
        if cname is None:
            e_in += t * load
        elif cells[cname]['type'] in FF_TYPES:
            tog_ff += t
            e_ff += t * (FF_TRANSISTORS + load)
        else:
            tog_comb += t
            e_comb += t * (TRANSISTORS[cells[cname]['type']] + load)
    # Clock: flip-flops clocked in cycles 1..n-1 (the transitions counted above).
    e_clk = CLOCK_PER_CYCLE * clocked * (n - 1) / n
    macs = n - 1
    total = e_comb + e_ff + e_in + e_clk
    print(f"vectors={n} checked={checked} mismatches={mismatches} cells={len(cells)} "
          f"ffs={ff_count} toggles_comb={tog_comb} toggles_ff={tog_ff} "
          f"toggles_comb_per_mac={tog_comb / macs:.2f} "
          f"toggles_ff_per_mac={tog_ff / macs:.2f} energy_per_mac={total / macs:.1f} "
          f"energy_comb={e_comb / macs:.1f} energy_ff={e_ff / macs:.1f} "
          f"energy_clock={e_clk / macs:.1f} energy_inputs={e_in / macs:.1f}")
    if mismatches:
        idx, got, want = first
        print(f"gates_energy: {stream_path}:{idx + 1}: netlist res_o {got:X}, C model {want:X} "
              f"({mismatches} of {checked} results differ)", file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
