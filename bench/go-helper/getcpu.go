package main

import (
	"syscall"
	"unsafe"
)

// getcpu returns the CPU the calling thread runs on, -1 if unknown.
func getcpu() int {
	if sysGetcpu < 0 {
		return -1
	}
	var cpu uint32
	_, _, e := syscall.RawSyscall(uintptr(sysGetcpu), uintptr(unsafe.Pointer(&cpu)), 0, 0)
	if e != 0 {
		return -1
	}
	return int(cpu)
}
