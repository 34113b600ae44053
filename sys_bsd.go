//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package main

import (
	"os"
	"syscall"
)

// multiplexingAPI is INFO's multiplexing_api: Go's netpoller, under the
// redcon engine, waits in kqueue.
const multiplexingAPI = "kqueue"

// syncData makes an AOF's appended data durable as Redis's redis_fsync
// does beyond Linux (no fdatasync here): Sync is fsync on the BSDs and,
// on macOS, fcntl F_FULLFSYNC, which Redis uses there too because macOS's
// fsync leaves the data in the drive's volatile cache — only the full
// flush survives a power loss. Sync holds a reference on the file while
// it runs; on a file already closed its error is os.ErrClosed.
func syncData(f *os.File) error { return f.Sync() }

// osDescription is INFO's os field as Redis prints it from uname(3), which
// reads these sysctls: "Darwin 23.4.0 arm64", "FreeBSD 14.1-RELEASE amd64".
func osDescription() string {
	name, _ := syscall.Sysctl("kern.ostype")
	release, _ := syscall.Sysctl("kern.osrelease")
	machine, _ := syscall.Sysctl("hw.machine")
	return name + " " + release + " " + machine
}
