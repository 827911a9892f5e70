package main

// getcpu(2); the syscall package of Go 1.19 has no name for it.
const sysGetcpu = 168
