//go:build unix

package main

import (
	"os"
	"syscall"
	"time"
)

// cpuTimes is the CPU time the process has used in the kernel and in user
// space: INFO's used_cpu_sys and used_cpu_user.
func cpuTimes() (sys, user time.Duration) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Stime.Nano()), time.Duration(ru.Utime.Nano())
}

// dirSearchable checks the search (execute) permission a chdir into dir
// needs.
func dirSearchable(dir string) error { return syscall.Access(dir, 1 /* X_OK */) }

// openFilesLimit is the process's soft limit on open descriptors.
func openFilesLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	return uint64(lim.Cur), nil
}

// setOpenFilesLimit sets the soft and the hard limit on open descriptors
// to n, as Redis's adjustOpenFilesLimit.
func setOpenFilesLimit(n uint64) error {
	var lim syscall.Rlimit
	setRlimit(&lim.Cur, n)
	setRlimit(&lim.Max, n)
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// setRlimit stores n in an Rlimit field, an int64 on FreeBSD and a uint64
// elsewhere.
func setRlimit[T int64 | uint64](field *T, n uint64) { *field = T(n) }

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
