package main

import (
	"errors"
	"os"
	"runtime"
	"syscall"
	"time"
)

// multiplexingAPI is INFO's multiplexing_api: Go's netpoller, under the
// redcon engine, waits on an I/O completion port.
const multiplexingAPI = "iocp"

// syncData makes an AOF's appended data durable: Sync is FlushFileBuffers.
// It holds a reference on the file while it runs; on a file already
// closed its error is os.ErrClosed.
func syncData(f *os.File) error { return f.Sync() }

// osDescription is INFO's os field. Windows has no uname, and GetVersion
// reports 6.2 (Windows 8) to any program without a compatibility manifest,
// so the field names the system and the architecture only.
func osDescription() string { return "Windows " + runtime.GOARCH }

// cpuTimes is the CPU time the process has used in the kernel and in user
// space: INFO's used_cpu_sys and used_cpu_user.
func cpuTimes() (sys, user time.Duration) {
	var creation, exit, kernel, usr syscall.Filetime
	self, _ := syscall.GetCurrentProcess() // a constant pseudo-handle
	syscall.GetProcessTimes(self, &creation, &exit, &kernel, &usr)
	return filetimeDuration(kernel), filetimeDuration(usr)
}

// filetimeDuration is a FILETIME read as a duration, in 100 ns ticks.
func filetimeDuration(ft syscall.Filetime) time.Duration {
	return time.Duration(int64(ft.HighDateTime)<<32|int64(ft.LowDateTime)) * 100
}

// dirSearchable: Windows has no search permission bit to check, and the
// right that stands for it in ACLs (traverse) is bypassed by default for
// every account (SeChangeNotifyPrivilege); the directory existing, which
// the caller checked, is what entering it takes.
func dirSearchable(string) error { return nil }

// maxHandles is how many handles a Windows process may have open (2^24).
// Windows has no RLIMIT_NOFILE: sockets and files are handles, and that
// is their only per-process limit.
const maxHandles = 1 << 24

// openFilesLimit is the process's limit on open sockets and files.
func openFilesLimit() (uint64, error) { return maxHandles, nil }

// setOpenFilesLimit fails: the handle limit is fixed. fitOpenFilesLimit
// asks only for a maxclients above it, which it then lowers to fit.
func setOpenFilesLimit(uint64) error { return errors.ErrUnsupported }

// syncDir does nothing: Windows can't flush a directory through os.File
// (os.Open opens it read-only and FlushFileBuffers needs write access); a
// rename's durability is left to NTFS's metadata journal.
func syncDir(string) error { return nil }
