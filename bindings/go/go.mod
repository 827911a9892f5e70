module linuxns.dev/go/linuxns

go 1.19
