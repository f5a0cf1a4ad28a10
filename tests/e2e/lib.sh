# Helpers for the end-to-end tests: each test script sources this file, runs the built
# `rma` ($RMA) in temporary workspaces, and ends with `finish`, which prints
# "N passed, N failed" and exits non-zero on any failure.
set -u
: "${RMA:?set RMA to the rma binary}"
RMA=$(readlink -f "$RMA")
PASSED=0
FAILED=0
TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/rma-e2e.XXXXXX")
trap 'rm -rf "$TMP_ROOT"' EXIT
export NO_COLOR=1
export RMA_LOCK_TIMEOUT=900  # the sanitizer build is slow; concurrency tests queue on the lock
unset RMA_DIR RMA_SITE RMA_OPERATOR RMA_NOW

rma() { "$RMA" "$@"; }

pass() { PASSED=$((PASSED + 1)); }
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL: $*" >&2
}

# A workspace at $1 (default: a fresh folder) with site SH, operators alice (operator),
# bob (operator) and wang (supervisor); exports RMA_DIR, RMA_OPERATOR and RMA_NOW.
new_workspace() {
  local dir=${1:-$(mktemp -d "$TMP_ROOT/ws.XXXXXX")}
  "$RMA" init "$dir" --site "${2:-SH}" --by wang -q >/dev/null || { echo "init failed" >&2; exit 1; }
  sed -i 's/^wang = /alice = { role = "operator" }\nbob = { role = "operator" }\nwang = /' "$dir/rma.toml"
  export RMA_DIR=$dir RMA_OPERATOR=alice RMA_NOW="2026-11-23 10:00"
  WS=$dir
}

# A HOME of the test's own with a git identity, so tests never touch the user's git config.
git_home() {
  export HOME=$TMP_ROOT/home
  mkdir -p "$HOME"
  git config --global user.name "rma test"
  git config --global user.email "rma@example.invalid"
  git config --global init.defaultBranch main
  git config --global pull.rebase true
}

# A checksum of every ledger and archive byte of the workspace (names included).
ledger_sum() {
  (cd "$1" && find ledger policies -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum | sha256sum | cut -c1-64)
}

# run CMD...: runs it, keeping its exit code, stdout and stderr in $CODE, $OUT, $ERR.
run() {
  OUT=$("$@" 2>"$TMP_ROOT/stderr")
  CODE=$?
  ERR=$(cat "$TMP_ROOT/stderr")
}

# expect CODE DESCRIPTION CMD...: the command exits CODE.
expect() {
  local code=$1 what=$2
  shift 2
  run "$@"
  if [ "$CODE" = "$code" ]; then pass; else fail "$what: exit $CODE, wanted $code; stderr: $ERR; stdout: $OUT"; fi
}

# refuse CODE TEXT DESCRIPTION CMD...: exits CODE, stderr holds TEXT, and no ledger or
# archive byte of $WS changed.
refuse() {
  local code=$1 text=$2 what=$3
  shift 3
  local before after
  before=$(ledger_sum "$WS")
  run "$@"
  after=$(ledger_sum "$WS")
  if [ "$CODE" != "$code" ]; then
    fail "$what: exit $CODE, wanted $code; stderr: $ERR"
  elif [[ "$ERR" != *"$text"* ]]; then
    fail "$what: stderr lacks '$text': $ERR"
  elif [ "$before" != "$after" ]; then
    fail "$what: the ledger changed"
  else
    pass
  fi
}

# same A B DESCRIPTION
same() {
  if [ "$1" = "$2" ]; then pass; else fail "$3: got '$1', wanted '$2'"; fi
}

contains() {
  if [[ "$1" == *"$2"* ]]; then pass; else fail "$3: '$2' not in: $1"; fi
}

# A return case opened now for a defect delivered yesterday; prints its id.
open_return() {
  "$RMA" open --kind return --order "${1:-SO-1}" --sku "${2:-SOFA-01}" --reason defect --channel web \
    --delivered "2026-11-22 10:00" --paid "${3:-1999.00}" -q
}

finish() {
  echo "$(basename "$0"): $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
