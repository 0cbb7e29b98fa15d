#!/bin/sh
# A stand-in for trivy (POSIX sh, runs under busybox too): checks the arguments and environment image:scan gives
# Trivy, then behaves like a Trivy scan - logs like Trivy, "downloads" the DB into the cache on first use, writes a
# golden Trivy report as the JSON output. Any unexpected argument fails with exit code 64 and says why.
# Placeholders (@...@) are filled in by the test that writes this script.
set -eu
AMD_GOLDEN='@AMD_GOLDEN@'
ARM_GOLDEN='@ARM_GOLDEN@'
SBOM_GOLDEN='@SBOM_GOLDEN@'
DB_UPDATED_AT='@DB_UPDATED_AT@'
EXPECT_SERVER='@EXPECT_SERVER@'
EXPECT_TOKEN='@EXPECT_TOKEN@'
EXIT_WITH='@EXIT_WITH@'
INPUT_READ_ONLY='@INPUT_READ_ONLY@'

log() { printf '2026-01-01T00:00:00Z\t%s\t%s\n' "$1" "$2" >&2; }
fail() { echo "stand-in trivy: $*" >&2; exit 64; }

[ $# -ge 1 ] || fail "no subcommand"
if [ -n "$EXPECT_TOKEN" ]; then
  for a in "$@"; do
    case "$a" in *"$EXPECT_TOKEN"*) fail "the token is in the arguments";; esac
  done
fi
sub="$1"; shift
input=""; cache=""; format=""; output=""; scanners=""; server=""; header=""; positional=""; progress=""
while [ $# -gt 0 ]; do
  case "$1" in
    --input) input="$2"; shift 2;;
    --cache-dir) cache="$2"; shift 2;;
    --format) format="$2"; shift 2;;
    --output) output="$2"; shift 2;;
    --scanners) scanners="$2"; shift 2;;
    --server) server="$2"; shift 2;;
    --token-header) header="$2"; shift 2;;
    --timeout|--db-repository|--java-db-repository) shift 2;;
    --skip-db-update|--skip-java-db-update|--offline-scan) shift;;
    --no-progress) progress=no; shift;;
    --*) fail "unexpected flag $1";;
    *) [ -z "$positional" ] || fail "a second positional argument: $1"; positional="$1"; shift;;
  esac
done
[ "$format" = json ] || fail "--format json expected, got '$format'"
[ "$scanners" = vuln ] || fail "--scanners vuln expected, got '$scanners'"
[ "$progress" = no ] || fail "--no-progress expected (a CI log has no terminal)"
[ -n "$output" ] || fail "--output expected"
[ -d "$(dirname "$output")" ] || fail "the output's directory $(dirname "$output") does not exist"
[ -d "$cache" ] || fail "the cache directory '$cache' does not exist"
touch "$cache/.write-test" 2>/dev/null || fail "the cache directory $cache is not writable"
rm -f "$cache/.write-test"
if [ -n "$EXPECT_SERVER" ]; then
  [ "$server" = "$EXPECT_SERVER" ] || fail "--server $EXPECT_SERVER expected, got '$server'"
  [ "$header" = Trivy-Token ] || fail "--token-header Trivy-Token expected, got '$header'"
  [ "${TRIVY_TOKEN:-}" = "$EXPECT_TOKEN" ] || fail "TRIVY_TOKEN does not hold the expected token"
  log DEBUG "client token=${TRIVY_TOKEN}"
else
  [ -z "$server" ] || fail "unexpected --server $server"
fi
case "$sub" in
  image)
    [ -z "$positional" ] || fail "trivy image takes --input, not $positional"
    dir="${input%@*}"; digest="${input#*@}"
    [ "$dir" != "$input" ] || fail "--input DIR@sha256:<digest> expected, got '$input'"
    [ -f "$dir/oci-layout" ] && [ -f "$dir/index.json" ] || fail "no OCI layout at $dir"
    grep -q "\"$digest\"" "$dir/index.json" || fail "$digest is not listed in $dir/index.json"
    manifest="$dir/blobs/sha256/${digest#sha256:}"
    [ -f "$manifest" ] || fail "no manifest blob for $digest"
    for d in $(grep -o 'sha256:[0-9a-f]*' "$manifest"); do
      [ -f "$dir/blobs/sha256/${d#sha256:}" ] || fail "blob $d of $digest is missing"
    done
    if [ "$INPUT_READ_ONLY" = true ]; then
      touch "$dir/.write-test" 2>/dev/null && fail "the input $dir is writable (it should be mounted read-only)"
    fi
    if grep -q '"arm64"' "$dir/index.json"; then golden="$ARM_GOLDEN"; else golden="$AMD_GOLDEN"; fi
    what="$digest"
    ;;
  sbom)
    [ -f "$positional" ] || fail "no SBOM at '$positional'"
    grep -q '"bomFormat" *: *"CycloneDX"' "$positional" || fail "$positional is not a CycloneDX JSON SBOM"
    golden="$SBOM_GOLDEN"; what="$positional"
    ;;
  *) fail "unexpected subcommand $sub";;
esac
if [ -z "$EXPECT_SERVER" ] && [ ! -f "$cache/db/metadata.json" ]; then
  log INFO "[vulndb] Need to update DB"
  log INFO "[vulndb] Downloading vulnerability DB..."
  mkdir -p "$cache/db"
  printf '{"Version":2,"NextUpdate":"%s","UpdatedAt":"%s","DownloadedAt":"%s"}' \
    "$DB_UPDATED_AT" "$DB_UPDATED_AT" "$DB_UPDATED_AT" > "$cache/db/metadata.json"
fi
log INFO "[vuln] Vulnerability scanning is enabled"
log WARN "stand-in: $sub scan of $what"
echo "$sub $what" >> "$cache/invocations"
if [ "$EXIT_WITH" != 0 ]; then
  log FATAL "stand-in: failing as asked"
  exit "$EXIT_WITH"
fi
cp "$golden" "$output"
