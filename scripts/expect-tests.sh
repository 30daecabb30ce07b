#!/usr/bin/env bash
# Runs a test command and fails when it fails or when it ran no test at all.
# Usage: scripts/expect-tests.sh NAME COMMAND...
set -uo pipefail
name=$1
shift
log=$(mktemp)
"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -Eo '(test result: ok\. |^# pass |^Ran )[0-9]+' "$log" | grep -Eo '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }')
rm -f "$log"
if [ "$status" -ne 0 ]; then
  echo "$name: FAILED (exit status $status)" >&2
  exit "$status"
fi
if [ -z "$passed" ] || [ "$passed" -eq 0 ]; then
  echo "$name: ran no test" >&2
  exit 1
fi
echo "$name: $passed tests passed"
