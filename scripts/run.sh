#!/bin/sh
# The main job: `vulntrack serve`, the case service, on the embedded SQLite
# database. On the first run (no database yet) it loads the advisory feeds of
# the shared data kit when one is there, so that product SBOMs get findings.
# Usage: scripts/run.sh PATH_TO_VULNTRACK   (env: VULNTRACK_DB, VT_LISTEN, VT_DATA_DIR)
set -eu
vt=${1:-build/vulntrack}
db=${VULNTRACK_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/vulntrack/vulntrack.db}
listen=${VT_LISTEN:-127.0.0.1:8080}
data=${VT_DATA_DIR:-$(dirname "$0")/../../shared/data}

if [ ! -e "$db" ] && [ -d "$data/osv" ]; then
    echo "First run: loading advisories from the data kit into $db"
    "$vt" db import --db "$db" "$data/osv/PyPI/all.zip" "$data/osv/Go/all.zip" \
        "$data/kev/known_exploited_vulnerabilities.json" ||
        echo "warning: the advisory import failed (see above); the service starts anyway" >&2
fi
exec "$vt" serve --db "$db" --listen "$listen"
