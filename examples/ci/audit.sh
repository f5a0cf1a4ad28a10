#!/usr/bin/env bash
# A CI job on the ledger repository: every push and merge request is audited (ledger
# files only appended to) and checked (format, hash chains, forks, gaps).
#   GitLab CI:      script: [examples/ci/audit.sh]
#   GitHub Actions: run: examples/ci/audit.sh   (with fetch-depth: 0)
set -euo pipefail
base=${CI_MERGE_REQUEST_DIFF_BASE_SHA:-${GITHUB_BASE_SHA:-}}
if [ -n "$base" ]; then rma audit "$base..HEAD"; else rma audit; fi
rma check
