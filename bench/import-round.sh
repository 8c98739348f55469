#!/usr/bin/env bash
# One import round for docs/PERFORMANCE.md: bench/import-round.sh TREE NAME, with TREE a provost checkout (built by its
# ./provost launcher) and NAME a suffix for its fresh database; needs /tmp/imp/sis-100k.csv and sis-100k-next.csv
# made by the awk commands in docs/PERFORMANCE.md. Prints both imports' "import took" figures.
set -e
tree=$1; db=prov_imp_$2
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
export PROVOST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$db
cd $tree
./provost seed --students 0 --faculty 0 --staff 0 >/dev/null 2>&1 || ./provost seed --students 0 --faculty 0 >/dev/null
a=$(./provost import /tmp/imp/sis-100k.csv 2>&1 | grep -o "import took [0-9.]* [a-z]*")
b=$(./provost import /tmp/imp/sis-100k-next.csv --snapshot 2>&1 | grep -o "import took [0-9.]* [a-z]*")
echo "$2: 100k: $a | next --snapshot: $b"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
