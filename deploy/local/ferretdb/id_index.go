package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

// FerretDB v1.24's SQLite backend creates the unique _id index on the expression
// `_ferretdb_sjson->"_id"`, but looks documents up (find, update, delete by _id) with
// `_ferretdb_sjson->'$._id'`. SQLite only uses an expression index for the same expression,
// so every _id lookup scans the whole table: about 2 s at 100k documents. This adds, for
// every collection table, an index on the expression the lookups use.
const idIndexSuffix = "_cobrowse_id_lookup"

type idIndexer struct {
	dir    string
	logger *slog.Logger
	dbs    map[string]*sql.DB
	done   map[string]bool
}

func newIDIndexer(dir string, logger *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, logger: logger, dbs: map[string]*sql.DB{}, done: map[string]bool{}}
}

// run checks for new collection tables every interval until ctx is done.
func (x *idIndexer) run(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	defer func() {
		for _, db := range x.dbs {
			_ = db.Close()
		}
	}()
	for {
		x.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (x *idIndexer) pass(ctx context.Context) {
	files, _ := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	for _, file := range files {
		db, err := x.open(file)
		if err != nil {
			continue
		}
		rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
		if err != nil {
			continue // not initialised yet
		}
		var tables []string
		for rows.Next() {
			var t string
			if rows.Scan(&t) == nil {
				tables = append(tables, t)
			}
		}
		_ = rows.Close()
		for _, table := range tables {
			key := file + "/" + table
			if x.done[key] {
				continue
			}
			q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idIndexSuffix, table)
			if _, err := db.ExecContext(ctx, q); err != nil {
				if !strings.Contains(err.Error(), "no such table") {
					x.logger.Warn("cannot add the _id lookup index", "table", table, "error", err)
				}
				continue
			}
			x.done[key] = true
		}
	}
}

func (x *idIndexer) open(file string) (*sql.DB, error) {
	if db, ok := x.dbs[file]; ok {
		return db, nil
	}
	if _, err := os.Stat(file); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	x.dbs[file] = db
	return db, nil
}
