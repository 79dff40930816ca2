#!/usr/bin/env bash
# Compares wippy's interpreter with node (V8, built-in WASI preview1), the native build
# and any other runtime on the whole-program workloads in benches/workloads.
#
#   benches/compare.sh [--build-dir DIR] [--runtime NAME=CMD_PREFIX]... [--no-build]
#                      [--runs N] [--warmup N] [--scale N] [--json-dir DIR] [WORKLOAD...]
#
#   --build-dir DIR       CMake build directory (default ./build); configured with Ninja
#                         if it does not exist yet, then `wippy` and the workloads are
#                         built in it unless --no-build is given.
#   --runtime NAME=CMD    another runtime: CMD followed by the .wasm path runs a workload,
#                         e.g. --runtime wasm3=/opt/wasm3/wasm3
#                         or   --runtime wasmtime='wasmtime run'   (repeatable)
#   --runs N, --warmup N  hyperfine runs (default 3) and warm-up runs (default 1)
#   --scale N             workload argument (default: each workload's own, 100)
#   --json-dir DIR        keep hyperfine's JSON exports and outputs there
#   WORKLOAD...           a subset of: calls sieve matmul sha256 nbody quicksort vm hashmap
#                         fpcalls fsm memops handlers,
#                         or simd_image / simd_image_scalar: one auto-vectorised program
#                         built with and without -msimd128 (not in the default set:
#                         simd_image needs a wippy with SIMD)
#
# Per workload it runs ONE hyperfine invocation over: the native executable, node,
# wippy, wippy without fuel metering, and the extra runtimes. Every command's output
# must be the native build's "checksum: <u64>" line, or the script fails.
# It then prints median times, wippy/node and wippy/native ratios with their geometric
# means, wippy's fuel metering overhead (metering on / off), and each
# module's size with the peak RSS of wippy and node (one extra run at scale 1).
#
# Fuel "off" is `wippy wasm --no-fuel-metering` (code translated without fuel
# counting: the lower bound of the metering cost). A wippy without that flag gets
# WIPPY_FUEL=off in its environment instead; if it ignores that, on/off shows ~1.00.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
all_workloads=(calls sieve matmul sha256 nbody quicksort vm hashmap fpcalls fsm memops handlers)
simd_workloads=(simd_image simd_image_scalar)

build=./build
build_it=1
runs=3
warmup=1
scale=
json_dir=
runtimes=()
workloads=()

die() { echo "compare.sh: $*" >&2; exit 2; }

while (($#)); do
  case $1 in
    --build-dir) build=${2:?}; shift 2 ;;
    --build-dir=*) build=${1#*=}; shift ;;
    --runtime) runtimes+=("${2:?}"); shift 2 ;;
    --runtime=*) runtimes+=("${1#*=}"); shift ;;
    --no-build) build_it=0; shift ;;
    --runs) runs=${2:?}; shift 2 ;;
    --warmup) warmup=${2:?}; shift 2 ;;
    --scale) scale=${2:?}; shift 2 ;;
    --json-dir) json_dir=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *)
      [[ " ${all_workloads[*]} ${simd_workloads[*]} " == *" $1 "* ]] ||
        die "unknown workload $1 (one of: ${all_workloads[*]} ${simd_workloads[*]})"
      workloads+=("$1"); shift ;;
  esac
done
((${#workloads[@]})) || workloads=("${all_workloads[@]}")

for r in "${runtimes[@]}"; do
  [[ $r == *=* && -n ${r%%=*} && -n ${r#*=} ]] || die "--runtime wants NAME=CMD_PREFIX, got '$r'"
  [[ ${r%%=*} =~ ^[A-Za-z0-9_.+-]+$ ]] || die "runtime name '${r%%=*}': use letters, digits, _ . + -"
done
command -v hyperfine >/dev/null || die "hyperfine is not installed (apt-get install hyperfine)"
command -v node >/dev/null || die "node is not installed"
command -v python3 >/dev/null || die "python3 is needed to read hyperfine's JSON"

# --- build -------------------------------------------------------------------------
if ((build_it)); then
  if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$root" -B "$build" -G Ninja >/dev/null
  fi
  ninja -C "$build" wippy bench_workloads >/dev/null || die "build failed in $build"
fi
build=$(cd "$build" && pwd)
wippy=$build/cli/wippy
[[ -x $wippy ]] || die "$wippy not found (build the 'wippy' target or drop --no-build)"
node_runner=$root/scripts/run-node-wasi.js
if "$wippy" wasm --help 2>&1 | grep -q -- --no-fuel-metering; then
  fuel_off_env= fuel_off_flag=--no-fuel-metering
else
  fuel_off_env=WIPPY_FUEL=off fuel_off_flag=
fi

work=${json_dir:-$(mktemp -d)}
mkdir -p "$work"
[[ -n $json_dir ]] || trap 'rm -rf "$work"' EXIT

q() { printf '%q' "$1"; }

# --- run ---------------------------------------------------------------------------
for w in "${workloads[@]}"; do
  wasm=$build/guests/$w.wasm
  native=$build/benches/${w}_native
  [[ -f $wasm && -x $native ]] || die "$wasm or $native missing (build the bench_workloads target)"
  args=()
  [[ -z $scale ]] || args=("$scale")
  argstr=${args[*]:-}

  expected=$("$native" "${args[@]}")
  [[ $expected =~ ^checksum:\ [0-9]+$ ]] || die "$w: native printed '$expected'"
  printf '%s\n' "$expected" >"$work/$w.expected"

  names=(native node wippy wippy-fuel-off)
  cmds=(
    "$(q "$native") $argstr"
    "node $(q "$node_runner") $(q "$wasm") $argstr"
    "$(q "$wippy") wasm $(q "$wasm") $argstr"
    "$fuel_off_env $(q "$wippy") wasm $(q "$wasm") $fuel_off_flag $argstr"
  )
  for r in "${runtimes[@]}"; do
    names+=("${r%%=*}")
    cmds+=("${r#*=} $(q "$wasm") $argstr")
  done
  hf=(hyperfine --style basic --warmup "$warmup" --runs "$runs" --export-json "$work/$w.json")
  for i in "${!names[@]}"; do
    # Each run leaves its stdout in a file, checked against the native checksum below.
    hf+=(--command-name "${names[$i]}" "${cmds[$i]} > $(q "$work/$w.${names[$i]}.out")")
  done
  echo "=== $w" >&2
  "${hf[@]}" >&2

  # Peak memory: one extra small run (scale 1) of wippy and node under /usr/bin/time.
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f %M -o "$work/$w.wippy.rss" "$wippy" wasm "$wasm" 1 >/dev/null
    /usr/bin/time -f %M -o "$work/$w.node.rss" node "$node_runner" "$wasm" 1 >/dev/null
  fi
  stat -c %s "$wasm" >"$work/$w.size"

  for n in "${names[@]}"; do
    got=$(cat "$work/$w.$n.out")
    if [[ $got != "$expected" ]]; then
      echo "compare.sh: CHECKSUM MISMATCH in $w under $n:" >&2
      echo "  native: $expected" >&2
      echo "  $n: $got" >&2
      exit 1
    fi
  done
done

# --- report ------------------------------------------------------------------------
extra_names=()
for r in "${runtimes[@]}"; do extra_names+=("${r%%=*}"); done
python3 - "$work" "${fuel_off_env:-$fuel_off_flag}" "${#extra_names[@]}" "${extra_names[@]}" "${workloads[@]}" <<'PY'
import json, math, sys

work, fuel_off, n_extra = sys.argv[1], sys.argv[2], int(sys.argv[3])
extras = sys.argv[4:4 + n_extra]
workloads = sys.argv[4 + n_extra:]

def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")

rows = []
for w in workloads:
    with open(f"{work}/{w}.json") as f:
        data = json.load(f)
    t = {r["command"]: r["median"] * 1000.0 for r in data["results"]}
    rows.append((w, t))

cols = ["workload", "native ms", "node ms", "wippy ms"] + [f"{e} ms" for e in extras] + \
       ["wippy/node", "wippy/native"] + [f"wippy/{e}" for e in extras]
table = []
ratios = {c: [] for c in cols[4 + len(extras):]}
for w, t in rows:
    line = [w, f"{t['native']:.1f}", f"{t['node']:.1f}", f"{t['wippy']:.1f}"]
    line += [f"{t[e]:.1f}" for e in extras]
    rs = [("wippy/node", t["wippy"] / t["node"]), ("wippy/native", t["wippy"] / t["native"])]
    rs += [(f"wippy/{e}", t["wippy"] / t[e]) for e in extras]
    for c, r in rs:
        ratios[c].append(r)
        line.append(f"{r:.2f}")
    table.append(line)
gm = ["geomean", "", "", ""] + [""] * len(extras) + [f"{geomean(ratios[c]):.2f}" for c in ratios]
table.append(gm)

def show(cols, table, footer=True):
    """Prints an aligned table; with footer, its last row goes under a rule."""
    widths = [max(len(str(r[i])) for r in [cols] + table) for i in range(len(cols))]
    fmt = lambda r: "  ".join(str(v).ljust(widths[0]) if i == 0 else str(v).rjust(widths[i])
                              for i, v in enumerate(r))
    rule = "  ".join("-" * x for x in widths)
    print(fmt(cols))
    print(rule)
    for r in table[:-1] if footer else table:
        print(fmt(r))
    if footer:
        print(rule)
        print(fmt(table[-1]))

print()
print("Median wall time of each whole program (process start to exit), hyperfine.")
print("All runtimes printed the native build's checksum.")
print()
show(cols, table)

print()
print(f"Fuel metering overhead: wippy (metering on) / wippy with {fuel_off}")
if fuel_off.startswith("WIPPY_FUEL"):
    print("(this wippy has no --no-fuel-metering; ~1.00 means it ignores WIPPY_FUEL=off)")
print()
fcols = ["workload", "fuel on ms", "fuel off ms", "on/off"]
ftable, fr = [], []
for w, t in rows:
    r = t["wippy"] / t["wippy-fuel-off"]
    fr.append(r)
    ftable.append([w, f"{t['wippy']:.1f}", f"{t['wippy-fuel-off']:.1f}", f"{r:.3f}"])
ftable.append(["geomean", "", "", f"{geomean(fr):.3f}"])
show(fcols, ftable)

def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""

print()
print("Module size and peak RSS (one run at scale 1, /usr/bin/time).")
print()
mcols = ["workload", "module KiB", "wippy RSS MiB", "node RSS MiB"]
mtable = []
for w, _ in rows:
    kib = int(read(f"{work}/{w}.size") or 0) / 1024
    wr, nr = read(f"{work}/{w}.wippy.rss"), read(f"{work}/{w}.node.rss")
    mtable.append([w, f"{kib:.1f}", f"{int(wr) / 1024:.1f}" if wr else "?",
                   f"{int(nr) / 1024:.1f}" if nr else "?"])
show(mcols, mtable, footer=False)
PY
