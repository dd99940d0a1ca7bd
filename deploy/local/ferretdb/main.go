// Command cobrowse-ferretdb runs an embedded FerretDB (MongoDB wire protocol over SQLite)
// for local development and tests. It is not used in production, where MONGODB_URL
// points at a real MongoDB.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", ".data/ferretdb", "directory for the SQLite databases")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	// SQLite's own pairing for WAL: a commit is written to the log, which is synced at each
	// checkpoint rather than at every commit. Every commit survives the crash of any process,
	// this one included; an operating system crash or power loss may roll back the last ones.
	// "full" syncs every commit: FerretDB runs each update as a transaction of its own, so
	// that is an fsync per document written, one at a time behind SQLite's single writer.
	synchronous := flag.String("synchronous", "normal", "SQLite synchronous setting: normal or full")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad -log-level: %v", err)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if *synchronous != "normal" && *synchronous != "full" {
		fail("bad -synchronous %q: normal or full", *synchronous)
	}

	abs, err := filepath.Abs(*dataDir)
	if err != nil {
		fail("bad -data-dir: %v", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		fail("cannot create data dir: %v", err)
	}

	installBusyHandler()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(" + *synchronous + ")",
	})
	if err != nil {
		fail("cannot start: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	go newIDIndexer(abs, logger).run(ctx, time.Second)

	// The listener address is known once Run has started listening.
	fmt.Println(f.MongoDBURI())
	<-done
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "cobrowse-ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
