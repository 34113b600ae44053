package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
)

const usage = `Usage: respd [/path/to/redis.conf] [--option value ...]
       respd -v or --version
       respd -h or --help
Options are redis.conf directives: respd --port 7777 --save "" --replicaof "127.0.0.1 8888"`

// respd [/path/to/redis.conf] [--option value ...], as redis-server.
func main() {
	if len(os.Args) == 2 {
		switch os.Args[1] {
		case "-v", "--version":
			fmt.Printf("respd v=%s go=%s\n", redisVersion, runtime.Version())
			return
		case "-h", "--help":
			fmt.Println(usage)
			return
		}
	}
	cfg, err := parseArgs(os.Args[1:])
	if err != nil {
		fatal(err.Error())
	}
	// Pinned to one CPU, Go would run the event loop and the background
	// work (snapshot encoding for BGSAVE, AOF rewrites and full syncs,
	// fsyncs, the cron) on one P, preempting the loop for 10 ms slices;
	// with two, the kernel shares the CPU between them in finer slices, as
	// it does between Redis and its child. Measured with AOF rewrites
	// under SET -P16 -d1024 on one pinned CPU: p99 21 ms -> 11 ms, same
	// throughput otherwise.
	if os.Getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	s := NewServer(cfg)
	if s.logger, err = openLog(cfg); err != nil {
		fatal(err.Error())
	}
	if err := s.LoadACL(); err != nil {
		fatal(err.Error())
	}
	if err := s.fitOpenFilesLimit(); err != nil {
		fatal(err.Error())
	}
	if err := s.Listen(); err != nil {
		fatal(err.Error())
	}
	s.warnf("respd started, pid=%d", os.Getpid())
	if cfg.File == "" {
		s.warnf("No config file specified, using the default config. To specify one: respd /path/to/redis.conf")
	}
	for _, setting := range cfg.inertSettings() {
		s.warnf("Warning: '%s' is accepted but not acted on by respd", setting)
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		sig := <-signals
		signal.Stop(signals) // a second Ctrl-C kills at once
		name := map[os.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT"}[sig]
		s.warnf("Received %s scheduling shutdown...", name)
		s.lockIdle()
		err := s.prepareShutdown(false, false, false)
		s.mu.Unlock()
		if err != nil {
			s.warnf("Error trying to save the DB, can't exit.")
			return
		}
		s.Shutdown()
	}()
	s.Serve(true) // loading the data meanwhile
	s.warnf("respd is now ready to exit, bye bye...")
}

// fatal reports a startup error on one line and exits 1.
func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "respd: "+msg)
	os.Exit(1)
}

// openLog is where the server logs: logfile (relative to dir, as Redis
// opens it after its chdir), or stderr.
func openLog(cfg *Config) (*log.Logger, error) {
	var w io.Writer = os.Stderr
	if cfg.LogFile != "" {
		path := cfg.LogFile
		if !filepath.IsAbs(path) {
			path = filepath.Join(cfg.Dir, path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, fmt.Errorf("can't open the log file: %s", strerror(err))
		}
		w = f
	}
	return log.New(w, "", 0), nil
}
