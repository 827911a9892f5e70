//go:build !amd64 && !arm64

package main

const sysGetcpu = -1
