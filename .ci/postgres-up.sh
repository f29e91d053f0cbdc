#!/bin/sh
# Start the local PostgreSQL 15 cluster and create a throw-away test role + database (idempotent).
# Prints the `export LMS_SYNC_TEST_POSTGRES_URL=...` line; use as: eval "$(.ci/postgres-up.sh)"
set -eu

ROLE="${LMS_SYNC_TEST_PG_ROLE:-lms_sync_test}"
PASSWORD="${LMS_SYNC_TEST_PG_PASSWORD:-lms_sync_test}"
DATABASE="${LMS_SYNC_TEST_PG_DATABASE:-lms_sync_test}"
PORT="${LMS_SYNC_TEST_PG_PORT:-5432}"

# pg_ctlcluster exits 2 when the cluster already runs; that is fine.
pg_ctlcluster 15 main start >/dev/null 2>&1 || pg_lsclusters | grep -q '^15 *main .* online' || {
    echo "postgres-up: could not start cluster 15/main (see /var/log/postgresql/)" >&2
    exit 1
}

# Wait until the server accepts connections (first start can take a moment).
i=0
until su postgres -c "psql -p $PORT -tAc 'select 1'" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -gt 30 ] && { echo "postgres-up: server did not accept connections" >&2; exit 1; }
    sleep 1
done

# CREATEDB because the test fixture creates one uniquely named database per test session.
su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -q" >/dev/null <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
        CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
    ELSE
        ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
    END IF;
END
\$\$;
SQL
if ! su postgres -c "psql -p $PORT -tAc \"select 1 from pg_database where datname = '$DATABASE'\"" | grep -q 1; then
    su postgres -c "createdb -p $PORT -O $ROLE $DATABASE"
fi

echo "export LMS_SYNC_TEST_POSTGRES_URL=postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
